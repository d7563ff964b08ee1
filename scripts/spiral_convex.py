"""Global optimum p* of program (5) for one (n, beta, seed)."""

from bmconvex.core.logs import start_log

start_log(snakemake.log[0])

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from bmconvex.core.records import write_json  # noqa: E402
from bmconvex.mlp.optimum import run_convex  # noqa: E402
from bmconvex.mlp.problem import make_problem  # noqa: E402

wc, params = snakemake.wildcards, snakemake.params
problem = make_problem(snakemake.input.data, snakemake.input.arrangement, float(wc.beta), params.loss_scaling)
with threadpool_limits(snakemake.threads):
    solution, record = run_convex(problem, params.solver, params.tolerance)
np.savez(snakemake.output.solution, Z=solution.Z)
write_json(snakemake.output.record, {"n": int(wc.n), "beta": float(wc.beta), "seed": int(wc.seed), **record})
