"""Optimizers of a BM factorisation min F(U V^T) + beta/2 (||U||_F^2 + ||V||_F^2), as in (18).

All are generic over block factors U (P, d, m), V (P, c, m) and an architecture's fit: ``fit(problem,
U, V, gU, gV)`` binds the fit F to views of the factors and of their gradient buffers and returns a
callable that gives F and writes grad_U F, grad_V F (:class:`bmconvex.core.gd.FitAndGrad`, the
protocol of the paper's GD). Each spends ``budget`` evaluations of (F, gradient) and reports the
current iterate to a :class:`~bmconvex.optim.trace.Trace` every ``trace.check_every`` of them.

- the paper's GD (App. C.1) and the same without the plateau decay: :func:`bmconvex.core.gd.train`
  itself, the schedule off in the second (a factor of 1 never lowers the rate);
- heavy ball with its momentum reset whenever the objective rises, optionally preconditioned
  per block as PrecGD (Zhang et al. 2023, named in the paper's App. B):
  U_j <- U_j - a gU_j (V_j^T V_j + eta I)^{-1}, V_j <- V_j - a gV_j (U_j^T U_j + eta I)^{-1},
  eta = sqrt(f - l) + eta_floor beta with f the objective and l the trace's best lower bound on p*;
- L-BFGS at fixed m (SciPy's L-BFGS-B through :func:`bmconvex.solvers.lbfgs.run_lbfgs`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

import numpy as np

from bmconvex.core.gd import DivergenceError, GDSettings, train
from bmconvex.optim.blocks import preconditioner
from bmconvex.optim.trace import Trace


@dataclass(frozen=True)
class HeavyBall:
    """Heavy ball at a constant step, its momentum zeroed whenever the objective rises."""

    lr: float = 1.0
    momentum: float = 0.9


@dataclass(frozen=True)
class PrecGD:
    """Heavy ball on the per-block preconditioned gradient; eta = sqrt(f - l) + eta_floor beta."""

    lr: float = 0.5
    momentum: float = 0.9
    eta_floor: float = 1.0
    refresh: int = 1  # evaluations between refreshes of eta and the per-block inverses


@dataclass(frozen=True)
class LBFGS:
    memory: int = 10


@dataclass
class Result:
    U: np.ndarray
    V: np.ndarray
    evaluations: int
    seconds: float


def parameters(U: np.ndarray, V: np.ndarray):
    """theta = [vec U; vec V] and its gradient g, with views (Uv, Vv, gU, gV) of their blocks."""
    theta = np.concatenate([U.ravel(), V.ravel()])
    g = np.empty_like(theta)
    k = U.size
    return (
        theta,
        g,
        theta[:k].reshape(U.shape),
        theta[k:].reshape(V.shape),
        g[:k].reshape(U.shape),
        g[k:].reshape(V.shape),
    )


def gd(problem, U, V, fit, settings: GDSettings, budget: int, trace: Trace) -> Result:
    """``budget`` epochs of the paper's GD (core.gd.train, unchanged), the trace fed by its progress hook."""
    views = {}

    def bound(problem, Uv, Vv, gU, gV):  # the views train() makes, kept for the trace
        views["U"], views["V"] = Uv, Vv
        return fit(problem, Uv, Vv, gU, gV)

    def progress(epoch: int, objective: float, lr: float) -> None:
        trace.check(views["U"], views["V"], epoch)

    trace.check(U, V, 0)
    result = train(
        problem, U, V, replace(settings, epochs=budget), bound, progress=progress, progress_every=trace.check_every
    )
    return Result(result.U, result.V, budget, result.seconds)


def heavy_ball(problem, U, V, fit, settings: HeavyBall | PrecGD, budget: int, trace: Trace) -> Result:
    """Heavy ball with momentum reset on a rise; PrecGD's per-block scaling when ``settings`` is PrecGD."""
    theta, g, Uv, Vv, gU, gV = parameters(U, V)
    fit_and_grad, beta = fit(problem, Uv, Vv, gU, gV), problem.beta
    b, tmp = np.zeros_like(theta), np.empty_like(theta)
    precondition = isinstance(settings, PrecGD)
    step = np.empty_like(theta)  # the preconditioned gradient, [vec dU; vec dV]
    dU, dV = step[: U.size].reshape(U.shape), step[U.size :].reshape(V.shape)
    lower, previous = trace.check(Uv, Vv, 0), math.inf
    start = time.perf_counter()
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is detected and raised below
        for k in range(1, budget + 1):
            objective = fit_and_grad() + 0.5 * beta * float(np.vdot(theta, theta))
            if not math.isfinite(objective):
                raise DivergenceError(f"diverged at evaluation {k} (objective {objective}) with lr {settings.lr}")
            if objective > previous:
                b.fill(0.0)
            previous = objective
            g += np.multiply(theta, beta, out=tmp)
            b *= settings.momentum
            if precondition:
                if (k - 1) % settings.refresh == 0:
                    eta = math.sqrt(max(objective - lower, 0.0)) + settings.eta_floor * beta
                    inverse_U, inverse_V = preconditioner(Vv, eta), preconditioner(Uv, eta)
                np.matmul(gU, inverse_U, out=dU)
                np.matmul(gV, inverse_V, out=dV)
                b += step
            else:
                b += g
            theta -= np.multiply(b, settings.lr, out=tmp)
            if trace.due(k):
                lower = trace.check(Uv, Vv, k)
        seconds = time.perf_counter() - start
        if not math.isfinite(fit_and_grad() + float(np.vdot(theta, theta))):
            raise DivergenceError(f"diverged in its last step (lr {settings.lr})")
    return Result(Uv.copy(), Vv.copy(), budget, seconds)


def lbfgs(problem, U, V, fit, settings: LBFGS, budget: int, trace: Trace) -> Result:
    """L-BFGS-B on (18) at fixed m until ``budget`` evaluations (it ends the iteration it is in)."""
    theta, g, Uv, Vv, gU, gV = parameters(U, V)
    fit_and_grad, beta = fit(problem, Uv, Vv, gU, gV), problem.beta
    count = {"evaluations": 0, "checked": 0}

    def value_grad(U_, V_):
        Uv[...], Vv[...] = U_, V_
        count["evaluations"] += 1
        objective = fit_and_grad() + 0.5 * beta * float(np.vdot(theta, theta))
        return objective, gU + beta * Uv, gV + beta * Vv

    def checkpoint(U_, V_, iterations: int) -> bool:
        done = count["evaluations"]
        if done // trace.check_every > count["checked"] // trace.check_every:
            trace.check(U_, V_, done)
            count["checked"] = done
        return done >= budget

    # Imported here: the bmconvex.solvers package imports the conic solvers (CVXPY, Clarabel, torch),
    # seconds of start-up that every other optimizer's job would pay.
    from bmconvex.solvers.lbfgs import run_lbfgs

    trace.check(U, V, 0)
    start = time.perf_counter()
    run = run_lbfgs(value_grad, U, V, settings.memory, budget, 1, checkpoint)
    seconds = time.perf_counter() - start
    if count["checked"] != count["evaluations"]:
        trace.check(run.U, run.V, count["evaluations"])
    return Result(run.U, run.V, count["evaluations"], seconds)
