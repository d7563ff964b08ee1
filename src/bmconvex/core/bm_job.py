"""The Snakemake job of one BM run of an MLP program, gated (18) or ReLU (19), for one (n, beta, m, seed).

The scripts ``spiral_bm.py`` and ``relu_bm.py`` pass their program's ``make_problem`` and ``run_bm``;
everything else (the wildcards, the GD settings, the thread limit and the files written) is this.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from threadpoolctl import threadpool_limits

from bmconvex.core.gd import Divergence, GDSettings
from bmconvex.core.records import write_json


def bm_job(snakemake, make_problem: Callable, run_bm: Callable) -> None:
    """Train from the seed's init, certify, and write the factors (.npz) and the record (.json)."""
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
