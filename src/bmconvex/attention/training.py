"""The paper's full-batch GD (App. C.1) on the BM factorisation (26) of linear self-attention.

Heavy-ball steps and the reduce-on-plateau rule are the spiral trainer's (:mod:`bmconvex.mlp.training`:
its settings, schedule and divergence error are reused); the gradients are the closed forms of
:meth:`AttentionProblem.bm_gradients` on the factors U = [vec(U_j)], V = [vec(V_j^T)], computed
from the design's Gram matrix so that an epoch costs the same whatever n is.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

from bmconvex.attention.problem import AttentionProblem
from bmconvex.mlp.training import DivergenceError, GDSettings, ReduceLROnPlateau, TrainResult


def init_factors(problem: AttentionProblem, m: int, init_std: float, rng: np.random.Generator):
    """Gaussian heads: every entry of U_j and V_j ~ N(0, init_std^2), as factors (d^2, m), (dc, m)."""
    if m < 1:
        raise ValueError(f"the number of heads m must be >= 1, got {m}")
    d2, dc = problem.shape
    return init_std * rng.standard_normal((d2, m)), init_std * rng.standard_normal((dc, m))


def train_gd(
    problem: AttentionProblem,
    U: np.ndarray,
    V: np.ndarray,
    settings: GDSettings,
    progress: Callable[[int, float, float], None] | None = None,
    progress_every: int = 0,
) -> TrainResult:
    """``settings.epochs`` steps of heavy-ball GD on (26) from (U, V), as torch's SGD takes them.

    b <- mu b + grad, theta <- theta - lr b, then the schedule sees the epoch's objective.
    Raises :class:`DivergenceError` as soon as the objective is not finite, at the final point too.
    """
    theta = np.concatenate([U.ravel(), V.ravel()])
    Uv, Vv = theta[: U.size].reshape(U.shape), theta[U.size :].reshape(V.shape)
    g = np.empty_like(theta)
    gU, gV = g[: U.size].reshape(U.shape), g[U.size :].reshape(V.shape)
    b = np.zeros_like(theta)
    objective, lrs = np.empty(settings.epochs), np.empty(settings.epochs)
    beta, mu, lr = problem.beta, settings.momentum, settings.lr
    scheduler = ReduceLROnPlateau(lr, settings.plateau_factor, settings.plateau_patience, settings.plateau_threshold)
    start = time.perf_counter()
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is detected and raised below
        for epoch in range(settings.epochs):
            F, G = problem.fit_and_grad_Z(Uv @ Vv.T)
            obj = F + 0.5 * beta * float(np.vdot(theta, theta))
            if not math.isfinite(obj):
                raise DivergenceError(f"GD diverged at epoch {epoch} (objective {obj}) with lr {lr}")
            np.matmul(G, Vv, out=gU)
            np.matmul(G.T, Uv, out=gV)
            g += beta * theta
            b *= mu
            b += g
            theta -= lr * b
            objective[epoch], lrs[epoch] = obj, lr
            lr = scheduler.step(obj)
            if progress is not None and progress_every and (epoch + 1) % progress_every == 0:
                progress(epoch + 1, obj, lr)
        if not math.isfinite(final := problem.bm_objective(Uv, Vv)):  # the last step is checked too
            epoch = settings.epochs - 1
            raise DivergenceError(
                f"GD diverged in its last step, epoch {epoch} (final objective {final}) with lr {lrs[-1]}"
            )
    return TrainResult(U=Uv.copy(), V=Vv.copy(), objective=objective, lr=lrs, seconds=time.perf_counter() - start)
