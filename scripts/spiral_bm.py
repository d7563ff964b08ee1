"""GD on the BM factorisation (18) for one (n, beta, m, seed), certified by Thm 3.4."""

from bmconvex.core.logs import start_log

start_log(snakemake.log[0])

from bmconvex.core.bm_job import bm_job  # noqa: E402
from bmconvex.mlp.experiment import run_bm  # noqa: E402
from bmconvex.mlp.problem import make_problem  # noqa: E402

bm_job(snakemake, make_problem, run_bm)
