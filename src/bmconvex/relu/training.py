"""Projected GD on the ReLU factorisation (19): the paper's GD with U_j projected onto C_j after each step.

The gated runs' GD (:func:`bmconvex.core.gd.train`: heavy ball, lr 1.0, reduce-on-plateau), fit
(:class:`bmconvex.core.pattern_fit.ClosedFormFit`), seeds and Gaussian init, with the init of U
projected onto the cones and the closed-form wedge projection as the step hook (App. C.1's step 2).
A run whose objective blows up restarts from the same init with a smaller lr, as the gated runs.
"""

from __future__ import annotations

import logging
from functools import partial

from bmconvex.core.gd import Divergence, GDSettings, TrainResult, train
from bmconvex.core.pattern_fit import ClosedFormFit, init_factors
from bmconvex.core.restarts import run_record, train_with_restarts
from bmconvex.mlp.seeds import INIT_STREAM, rng
from bmconvex.relu.certificate import bm_certificate
from bmconvex.relu.problem import ReLUProblem

log = logging.getLogger("bmconvex")


def train_projected(problem: ReLUProblem, U, V, settings: GDSettings, **progress) -> TrainResult:
    """``settings.epochs`` steps of projected heavy-ball GD on (19) from (U, V) (U in the cones)."""

    def project(Uv):
        problem.wedges.project_into(Uv, Uv)

    return train(problem, U, V, settings, ClosedFormFit, project=project, **progress)


def run_bm(
    problem: ReLUProblem,
    m: int,
    seed: int,
    init_std: float,
    settings: GDSettings,
    divergence: Divergence,
    log_every: int = 0,
) -> tuple[TrainResult, dict]:
    """Train (19) from the seed's init (the gated runs' init, projected) and certify it against (3)."""
    U, V = init_factors(problem.P, problem.d, problem.c, m, init_std, rng(seed, INIT_STREAM))
    U = problem.wedges.project(U)

    result, settings, attempt = train_with_restarts(
        partial(train_projected, problem, U, V), settings, divergence, log_every
    )
    record = {
        **run_record(problem.P, m, settings, attempt, result),
        **bm_certificate(problem, result.U, result.V),
    }
    log.info("done in %.2f s: %s", result.seconds, record)
    return result, record
