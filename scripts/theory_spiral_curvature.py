"""Smallest Hessian eigenvalue of (18) at GD's last iterate, for every m of one (n, beta, seed)."""

from bmconvex.core.logs import start_log

log = start_log(snakemake.log[0])

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from bmconvex.core.records import write_json  # noqa: E402
from bmconvex.mlp.problem import make_problem  # noqa: E402
from bmconvex.theory.spiral import curvature  # noqa: E402

wc, params = snakemake.wildcards, snakemake.params
problem = make_problem(snakemake.input.data, snakemake.input.arrangement, float(wc.beta), params.loss_scaling)
key = {"n": int(wc.n), "beta": float(wc.beta), "seed": int(wc.seed)}
rows = []
with threadpool_limits(snakemake.threads):
    for m, path in zip(params.m, snakemake.input.factors, strict=True):
        with np.load(path) as factors:
            eigenvalue = curvature(problem, factors["U"], factors["V"])
        log.info("m = %d: smallest Hessian eigenvalue %.6g", m, eigenvalue)
        rows.append({**key, "m": m, "hessian_min_eig": eigenvalue})
write_json(snakemake.output.record, {"curvature": rows})
