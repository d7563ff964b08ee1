"""Global optimum p* of the self-attention program (104) for one beta, and the rank of Z*."""

from bmconvex.core.logs import start_log

start_log(snakemake.log[0])

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from bmconvex.attention.experiment import make_problem, run_convex  # noqa: E402
from bmconvex.core.records import write_json  # noqa: E402

beta, params = float(snakemake.wildcards.beta), snakemake.params
problem = make_problem(snakemake.input.data, beta)
with threadpool_limits(snakemake.threads):
    solution, record = run_convex(problem, params.solver, params.tolerance)
np.savez(snakemake.output.solution, Z=solution.Z)
write_json(snakemake.output.record, {"beta": beta, **record})
