"""Fig. 2 / Fig. 4 for the ReLU program (19): gap, Thm 3.4 bound and certified gap against beta."""

from bmconvex.core.logs import start_log

start_log(snakemake.log[0])

import pandas as pd  # noqa: E402

from bmconvex.core.figures import save  # noqa: E402
from bmconvex.relu import figures  # noqa: E402

figure = figures.relu_gap_figure(pd.read_csv(snakemake.input.table), snakemake.params.ns)
save(figure, snakemake.output.pdf, snakemake.output.png)
