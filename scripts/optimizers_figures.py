"""The optimizer study's figures: Fig. 2's layout per optimizer, or the fraction of runs below each gap."""

from bmconvex.core.logs import start_log

start_log(snakemake.log[0])

import pandas as pd  # noqa: E402

from bmconvex.core.figures import save  # noqa: E402
from bmconvex.optim import figures  # noqa: E402

params, table = snakemake.params, pd.read_csv(snakemake.input.table)
if snakemake.rule == "optimizers_fig2":
    figure = figures.fig2_figure(table, params.n, params.order)
else:
    figure = figures.fraction_figure(table, params.thresholds, params.budget, params.order)
save(figure, snakemake.output.pdf, snakemake.output.png)
