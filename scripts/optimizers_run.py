"""One optimizer on the spiral program (18) for one (n, beta, seed), every m: per-run records."""

from bmconvex.core.logs import start_log

start_log(snakemake.log[0])

from threadpoolctl import threadpool_limits  # noqa: E402

from bmconvex.core.gd import Divergence  # noqa: E402
from bmconvex.core.records import read_json, write_json  # noqa: E402
from bmconvex.mlp.problem import make_problem  # noqa: E402
from bmconvex.optim.config import SETTINGS  # noqa: E402
from bmconvex.optim.spiral import run_optimizer  # noqa: E402

wc, params = snakemake.wildcards, snakemake.params
problem = make_problem(snakemake.input.data, snakemake.input.arrangement, float(wc.beta), params.loss_scaling)
p_star = read_json(snakemake.input.convex)["p_star"]
with threadpool_limits(snakemake.threads):
    for m, path in zip(params.m, snakemake.output.records, strict=True):
        record = run_optimizer(
            problem,
            wc.optimizer,
            SETTINGS[wc.optimizer](**params.settings),
            m,
            int(wc.seed),
            params.init_std,
            Divergence(**params.divergence),
            p_star,
            params.budget,
            params.check_every,
            tuple(params.thresholds),
        )
        write_json(path, {"n": int(wc.n), "beta": float(wc.beta), "seed": int(wc.seed), **record})
