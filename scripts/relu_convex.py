"""The global optimum p* of the ReLU program (3) for one (n, beta, seed), certified to a bracket."""

from bmconvex.core.logs import start_log

start_log(snakemake.log[0])

from threadpoolctl import threadpool_limits  # noqa: E402

from bmconvex.core.records import write_json  # noqa: E402
from bmconvex.relu.optimum import certified_optimum  # noqa: E402
from bmconvex.relu.problem import make_problem  # noqa: E402

wc, params = snakemake.wildcards, snakemake.params
problem = make_problem(snakemake.input.data, snakemake.input.arrangement, float(wc.beta), params.loss_scaling)
with threadpool_limits(snakemake.threads):
    record = certified_optimum(problem, params.tolerance, params.solver_tolerance, params.max_rounds)
write_json(snakemake.output.record, {"n": int(wc.n), "beta": float(wc.beta), "seed": int(wc.seed), **record})
