"""The paper's full-batch gradient descent on a BM factorisation (App. C.1), for every architecture.

PyTorch SGD with momentum (heavy ball: b <- mu b + grad, theta <- theta - lr b) and the learning
rate multiplied by 0.9 when the objective plateaus (``ReduceLROnPlateau``), on
F(U V^T) + beta/2 (||U||_F^2 + ||V||_F^2) as in (18) and (26). The architecture supplies the fit F
and its gradient; the weight decay, momentum, schedule and divergence checks live here once.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from bmconvex.core.finite import NonFiniteError


@dataclass(frozen=True)
class GDSettings:
    """Heavy-ball GD with a reduce-on-plateau schedule (defaults: the paper's App. C.1)."""

    epochs: int = 20000
    lr: float = 1.0
    momentum: float = 0.9
    plateau_factor: float = 0.9
    plateau_patience: int = 10
    plateau_threshold: float = 1e-4


@dataclass(frozen=True)
class Divergence:
    """A run whose objective blows up restarts from the same init with lr x lr_factor."""

    restarts: int
    lr_factor: float

    def initial_lrs(self, lr: float) -> list[float]:
        """The initial learning rate of each attempt: lr, lr f, lr f f, ... (restarts + 1 of them)."""
        lrs = [lr]
        for _ in range(self.restarts):
            lrs.append(lrs[-1] * self.lr_factor)
        return lrs


class ReduceLROnPlateau:
    """The rule of ``torch.optim.lr_scheduler.ReduceLROnPlateau`` (mode 'min', relative threshold).

    The loss improves when it drops below best * (1 - threshold); after more than ``patience``
    epochs without improvement the rate is multiplied by ``factor``.
    """

    def __init__(self, lr: float, factor: float, patience: int, threshold: float):
        self.lr, self.factor, self.patience, self.threshold = lr, factor, patience, threshold
        self.best = math.inf
        self.bad_epochs = 0

    def step(self, loss: float) -> float:
        if loss < self.best * (1.0 - self.threshold):
            self.best, self.bad_epochs = loss, 0
        else:
            self.bad_epochs += 1
        if self.bad_epochs > self.patience:
            new_lr = self.lr * self.factor
            if self.lr - new_lr > 1e-8:  # torch's eps: changes smaller than this are skipped
                self.lr = new_lr
            self.bad_epochs = 0
        return self.lr


@dataclass
class TrainResult:
    U: np.ndarray
    V: np.ndarray
    objective: np.ndarray  # objective of (18) at the start of each epoch
    lr: np.ndarray  # learning rate used in each epoch
    seconds: float


class DivergenceError(NonFiniteError):
    """GD produced a non-finite objective (checked at every epoch and at the final point)."""


class FitAndGrad(Protocol):
    """An architecture's fit bound to views of the factors and of their gradient buffers.

    Constructed as ``cls(problem, U, V, grad_U, grad_V)``; calling it returns the fit F at the
    current factors and writes grad_U F, grad_V F into the buffers.
    """

    def __call__(self) -> float: ...


def train(
    problem,
    U: np.ndarray,
    V: np.ndarray,
    settings: GDSettings,
    fit: Callable[..., FitAndGrad],
    project: Callable[[np.ndarray], None] | None = None,
    **progress,
) -> TrainResult:
    """GD on F(U, V) + beta/2 (||U||^2 + ||V||^2) from (U, V) with ``problem.beta``.

    U and V become views into one parameter vector theta (and their gradients into one vector g),
    so the regulariser, the momentum and the step are one operation each; ``progress`` is passed
    to :func:`heavy_ball` (``progress``, ``progress_every``). ``project(U)``, when given, maps U
    onto its feasible set in place after every step (projected GD on the ReLU program (19)).
    """
    theta = np.concatenate([U.ravel(), V.ravel()])
    Uv, Vv = theta[: U.size].reshape(U.shape), theta[U.size :].reshape(V.shape)
    g = np.empty_like(theta)
    gU, gV = g[: U.size].reshape(U.shape), g[U.size :].reshape(V.shape)
    fit_and_grad = fit(problem, Uv, Vv, gU, gV)
    step_hook = None if project is None else lambda: project(Uv)
    objective, lrs, seconds = heavy_ball(theta, g, fit_and_grad, problem.beta, settings, step_hook, **progress)
    return TrainResult(U=Uv.copy(), V=Vv.copy(), objective=objective, lr=lrs, seconds=seconds)


def heavy_ball(
    theta: np.ndarray,
    g: np.ndarray,
    fit_and_grad: Callable[[], float],
    beta: float,
    settings: GDSettings,
    after_step: Callable[[], None] | None = None,
    progress: Callable[[int, float, float], None] | None = None,
    progress_every: int = 0,
) -> tuple[np.ndarray, np.ndarray, float]:
    """``settings.epochs`` steps on theta (in place); the objective and lr of each epoch, and the seconds.

    ``fit_and_grad()`` returns the fit F at the current theta and writes grad F into ``g``; the
    objective is F + beta/2 ||theta||^2. Each step matches ``torch.optim.SGD(momentum=mu)`` with
    weight decay beta, then the schedule sees that epoch's objective; ``progress(epoch, objective,
    lr)`` is called every ``progress_every`` epochs. A non-finite objective, at any epoch or at the
    final point, raises :class:`DivergenceError`.
    """
    objective, lrs = np.empty(settings.epochs), np.empty(settings.epochs)
    b, tmp = np.zeros_like(theta), np.empty_like(theta)
    mu, lr = settings.momentum, settings.lr
    scheduler = ReduceLROnPlateau(lr, settings.plateau_factor, settings.plateau_patience, settings.plateau_threshold)
    start = time.perf_counter()
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is detected and raised below
        for epoch in range(settings.epochs):
            obj = fit_and_grad() + 0.5 * beta * float(np.vdot(theta, theta))
            if not math.isfinite(obj):
                raise DivergenceError(f"GD diverged at epoch {epoch} (objective {obj}) with lr {lr}")
            b *= mu
            b += g
            np.multiply(theta, beta, out=tmp)
            b += tmp
            np.multiply(b, lr, out=tmp)
            theta -= tmp
            if after_step is not None:
                after_step()
            objective[epoch] = obj
            lrs[epoch] = lr
            lr = scheduler.step(obj)
            if progress is not None and progress_every and (epoch + 1) % progress_every == 0:
                progress(epoch + 1, obj, lr)
        if not math.isfinite(final := fit_and_grad() + 0.5 * beta * float(np.vdot(theta, theta))):
            epoch = settings.epochs - 1
            raise DivergenceError(
                f"GD diverged in its last step, epoch {epoch} (final objective {final}) with lr {lrs[-1]}"
            )
    return objective, lrs, time.perf_counter() - start
