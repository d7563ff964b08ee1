"""One BM run of the spiral experiment (Sec. 4.1): GD on (18), certified against (5) by Thm 3.4."""

from __future__ import annotations

import logging
from functools import partial

from bmconvex.core.gd import Divergence, GDSettings, TrainResult
from bmconvex.core.pattern_fit import init_factors
from bmconvex.core.ranks import RANK_RTOL, rank_conditions
from bmconvex.core.restarts import run_record, train_with_restarts
from bmconvex.mlp.certificate import bm_certificate
from bmconvex.mlp.problem import GatedReLUProblem
from bmconvex.mlp.seeds import INIT_STREAM, rng
from bmconvex.mlp.training import train_gd

log = logging.getLogger("bmconvex")


def run_bm(
    problem: GatedReLUProblem,
    m: int,
    seed: int,
    init_std: float,
    settings: GDSettings,
    divergence: Divergence,
    log_every: int = 0,
) -> tuple[TrainResult, dict]:
    """Train (18) from the seed's init and certify the final point against (5).

    The paper's lr 1.0 sits at the edge of stability for small beta: a run whose objective
    blows up is restarted from the same init with a smaller initial lr (``divergence``); the
    initial lr used is recorded as ``lr0``.
    """
    U, V = init_factors(problem.P, problem.d, problem.c, m, init_std, rng(seed, INIT_STREAM))
    trainer = partial(train_gd, problem, U, V)
    result, settings, attempt = train_with_restarts(trainer, settings, divergence, log_every)
    record = {
        **run_record(problem.P, m, settings, attempt, result),
        **bm_certificate(problem, result.U, result.V),
        **rank_conditions(result.U, result.V, RANK_RTOL),  # Thm 3.3, Thm 3.5
    }
    log.info("done in %.2f s: %s", result.seconds, record)
    return result, record
