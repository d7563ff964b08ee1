"""Global optimum p* of program (5) for one (n, beta, seed)."""

from bmconvex.logs import start_log

start_log(snakemake.log[0])

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from bmconvex.convex import resolve_solver  # noqa: E402
from bmconvex.records import write_json  # noqa: E402
from bmconvex.spiral_experiment import make_problem, run_convex  # noqa: E402

wc, params = snakemake.wildcards, snakemake.params
solver = resolve_solver(params.solver)
problem = make_problem(snakemake.input.data, snakemake.input.arrangement, float(wc.beta), params.loss_scaling)
with threadpool_limits(snakemake.threads):
    solution, record = run_convex(problem, solver, params.tolerance)
np.savez(snakemake.output.solution, Z=solution.Z)
write_json(snakemake.output.record, {"n": int(wc.n), "beta": float(wc.beta), "seed": int(wc.seed), **record})
