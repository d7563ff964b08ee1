"""GD on the m-head linear self-attention network (26) for one (beta, m, seed), certified."""

from bmconvex.core.logs import start_log

start_log(snakemake.log[0])

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from bmconvex.attention.experiment import make_problem, run_bm  # noqa: E402
from bmconvex.core.gd import GDSettings  # noqa: E402
from bmconvex.core.records import write_json  # noqa: E402

wc, params = snakemake.wildcards, snakemake.params
problem = make_problem(snakemake.input.data, float(wc.beta))
with threadpool_limits(snakemake.threads):
    result, record = run_bm(
        problem,
        int(wc.m),
        int(wc.seed),
        params.init_std,
        GDSettings(**params.gd),
        snakemake.config["theory"]["attention"]["log_every"],  # logging only: not a param
    )
np.savez(snakemake.output.factors, U=result.U, V=result.V, objective=result.objective, lr=result.lr)
write_json(snakemake.output.record, {"beta": float(wc.beta), "seed": int(wc.seed), **record})
