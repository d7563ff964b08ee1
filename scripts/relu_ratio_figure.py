"""p*(3) / p*(5) against beta: what the ReLU constraint costs on the same data and patterns."""

from bmconvex.core.logs import start_log

start_log(snakemake.log[0])

import pandas as pd  # noqa: E402

from bmconvex.core.figures import save  # noqa: E402
from bmconvex.relu import figures  # noqa: E402

save(figures.ratio_figure(pd.read_csv(snakemake.input.table)), snakemake.output.pdf, snakemake.output.png)
