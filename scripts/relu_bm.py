"""Projected GD on the ReLU factorisation (19) for one (n, beta, m, seed), certified by Thm 3.4."""

from bmconvex.core.logs import start_log

start_log(snakemake.log[0])

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from bmconvex.core.gd import Divergence, GDSettings  # noqa: E402
from bmconvex.core.records import write_json  # noqa: E402
from bmconvex.relu.problem import make_problem  # noqa: E402
from bmconvex.relu.training import run_bm  # noqa: E402

wc, params = snakemake.wildcards, snakemake.params
problem = make_problem(snakemake.input.data, snakemake.input.arrangement, float(wc.beta), params.loss_scaling)
with threadpool_limits(snakemake.threads):
    result, record = run_bm(
        problem,
        int(wc.m),
        int(wc.seed),
        params.init_std,
        GDSettings(**params.gd),
        Divergence(**params.divergence),
        snakemake.config["spiral"]["log_every"],  # logging only: not a param, so it re-runs nothing
    )
np.savez(snakemake.output.factors, U=result.U, V=result.V, objective=result.objective, lr=result.lr)
write_json(snakemake.output.record, {"n": int(wc.n), "beta": float(wc.beta), "seed": int(wc.seed), **record})
