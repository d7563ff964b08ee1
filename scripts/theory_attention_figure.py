"""Relative gap of linear self-attention against the number of heads m (Cor. 3.10)."""

from bmconvex.core.logs import start_log

start_log(snakemake.log[0])

import pandas as pd  # noqa: E402

from bmconvex.core.figures import save  # noqa: E402
from bmconvex.theory.figures import heads_figure  # noqa: E402

figure = heads_figure(pd.read_csv(snakemake.input.table), snakemake.params.d, snakemake.params.c)
save(figure, snakemake.output.pdf, snakemake.output.png)
