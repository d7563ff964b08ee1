"""Fig. 2 / Fig. 4: relative gap, Thm 3.4 bound and certified gap against beta."""

from bmconvex.core.logs import start_log

start_log(snakemake.log[0])

import pandas as pd  # noqa: E402

from bmconvex.core.figures import save  # noqa: E402
from bmconvex.core.gap_figure import gap_figure  # noqa: E402

figure = gap_figure(pd.read_csv(snakemake.input.table), snakemake.params.ns)
save(figure, snakemake.output.pdf, snakemake.output.png)
