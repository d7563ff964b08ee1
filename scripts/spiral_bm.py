"""GD on the BM factorisation (18) for one (n, beta, m, seed), certified by Thm 3.4."""

from bmconvex.logs import start_log

start_log(snakemake.log[0])

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from bmconvex.records import write_json  # noqa: E402
from bmconvex.spiral_experiment import make_problem, run_bm  # noqa: E402
from bmconvex.training import GDSettings  # noqa: E402

wc, params = snakemake.wildcards, snakemake.params
problem = make_problem(snakemake.input.data, snakemake.input.arrangement, float(wc.beta), params.loss_scaling)
with threadpool_limits(snakemake.threads):
    result, record = run_bm(
        problem,
        int(wc.m),
        int(wc.seed),
        params.init_std,
        GDSettings(**params.gd),
        params.divergence["restarts"],
        params.divergence["lr_factor"],
        params.log_every,
    )
np.savez(snakemake.output.factors, U=result.U, V=result.V, objective=result.objective, lr=result.lr)
write_json(snakemake.output.record, {"n": int(wc.n), "beta": float(wc.beta), "seed": int(wc.seed), **record})
