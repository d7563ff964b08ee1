"""Projected GD on the ReLU factorisation (19) for one (n, beta, m, seed), certified by Thm 3.4."""

from bmconvex.core.logs import start_log

start_log(snakemake.log[0])

from bmconvex.core.bm_job import bm_job  # noqa: E402
from bmconvex.relu.problem import make_problem  # noqa: E402
from bmconvex.relu.training import run_bm  # noqa: E402

bm_job(snakemake, make_problem, run_bm)
