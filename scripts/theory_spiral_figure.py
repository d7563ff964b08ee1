"""Relative gap of the spiral runs against m, with the rank conditions of Thm 3.3 / 3.5 marked."""

from bmconvex.core.logs import start_log

start_log(snakemake.log[0])

import pandas as pd  # noqa: E402

from bmconvex.core.figures import save  # noqa: E402
from bmconvex.theory.figures import spiral_figure  # noqa: E402
from bmconvex.theory.spiral import SPIRAL_C, SPIRAL_D  # noqa: E402

save(spiral_figure(pd.read_csv(snakemake.input.table), SPIRAL_D, SPIRAL_C), snakemake.output.pdf, snakemake.output.png)
