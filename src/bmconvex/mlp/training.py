"""Full-batch gradient descent on the BM factorisation (18), as in the paper's Sec. 4.1.

The paper runs PyTorch SGD (momentum 0.9, lr 1.0) with the learning rate multiplied by 0.9
when the training loss plateaus. This trainer computes the same iterates with the closed-form
gradients of App. A.1 (eq. 28) in float64 NumPy: M = [D_1 X, ..., D_P X] is formed once, the
residual is shared by all gradients, and the per-pattern products are batched matmuls.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bmconvex.mlp.problem import GatedReLUProblem


@dataclass(frozen=True)
class GDSettings:
    """Heavy-ball GD with a reduce-on-plateau schedule (defaults: the paper's App. C.1)."""

    epochs: int = 20000
    lr: float = 1.0
    momentum: float = 0.9
    plateau_factor: float = 0.9
    plateau_patience: int = 10
    plateau_threshold: float = 1e-4


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


def init_factors(P: int, d: int, c: int, m: int, init_std: float, rng: np.random.Generator):
    """Gaussian initialisation U_j ~ N(0, std^2) in R^{d x m}, V_j in R^{c x m}."""
    return init_std * rng.standard_normal((P, d, m)), init_std * rng.standard_normal((P, c, m))


@dataclass
class TrainResult:
    U: np.ndarray
    V: np.ndarray
    objective: np.ndarray  # objective of (18) at the start of each epoch
    lr: np.ndarray  # learning rate used in each epoch
    seconds: float


class DivergenceError(RuntimeError):
    """GD produced a non-finite objective."""


def train_gd(
    problem: GatedReLUProblem,
    U: np.ndarray,
    V: np.ndarray,
    settings: GDSettings,
    progress: Callable[[int, float, float], None] | None = None,
    progress_every: int = 0,
) -> TrainResult:
    """Run ``settings.epochs`` steps of heavy-ball GD on (18) from (U, V).

    Each step matches ``torch.optim.SGD(momentum=mu)``: b <- mu b + grad, W <- W - lr b, then
    the scheduler sees that epoch's objective. ``progress(epoch, objective, lr)`` is called
    every ``progress_every`` epochs.
    """
    U, V = U.copy(), V.copy()
    objective = np.empty(settings.epochs)
    lrs = np.empty(settings.epochs)
    start = time.perf_counter()
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is detected and raised below
        _descend(problem, U, V, settings, objective, lrs, progress, progress_every)
    return TrainResult(U=U, V=V, objective=objective, lr=lrs, seconds=time.perf_counter() - start)


def _descend(problem, U, V, settings, objective, lrs, progress, progress_every) -> None:
    """The GD loop of :func:`train_gd`, updating U, V, objective and lrs in place.

    U and V are views into one parameter vector theta (and their gradients into one vector g),
    so the regulariser, the momentum and the step are one operation each; every product writes
    into a preallocated buffer.
    """
    P, d, c = problem.P, problem.d, problem.c
    M, Y, s, beta = problem.M, problem.Y, problem.s, problem.beta
    sMT = np.ascontiguousarray(s * problem.M.T)  # G = (s M^T) R
    theta = np.concatenate([U.ravel(), V.ravel()])
    Uv, Vv = theta[: U.size].reshape(U.shape), theta[U.size :].reshape(V.shape)
    VT = Vv.transpose(0, 2, 1)
    g = np.empty_like(theta)
    gU, gV = g[: U.size].reshape(U.shape), g[U.size :].reshape(V.shape)
    b, tmp = np.zeros_like(theta), np.empty_like(theta)
    Z, R = np.empty((P, d, c)), np.empty((problem.n, c))
    G = np.empty((P * d, c))
    GT = G.reshape(P, d, c).transpose(0, 2, 1)
    Z2, G3 = Z.reshape(P * d, c), G.reshape(P, d, c)
    mu = settings.momentum
    scheduler = ReduceLROnPlateau(
        settings.lr, settings.plateau_factor, settings.plateau_patience, settings.plateau_threshold
    )
    lr = settings.lr
    for epoch in range(settings.epochs):
        np.matmul(Uv, VT, out=Z)
        np.matmul(M, Z2, out=R)
        R -= Y
        obj = 0.5 * s * float(np.vdot(R, R)) + 0.5 * beta * float(np.vdot(theta, theta))
        if not math.isfinite(obj):
            raise DivergenceError(f"GD diverged at epoch {epoch} (objective {obj}) with lr {lr}")
        np.matmul(sMT, R, out=G)
        np.matmul(G3, Vv, out=gU)  # grad_U_j = G_j V_j (+ beta U_j below), eq. (28)
        np.matmul(GT, Uv, out=gV)  # grad_V_j = G_j^T U_j (+ beta V_j)
        b *= mu
        b += g
        np.multiply(theta, beta, out=tmp)
        b += tmp
        np.multiply(b, lr, out=tmp)
        theta -= tmp
        objective[epoch] = obj
        lrs[epoch] = lr
        lr = scheduler.step(obj)
        if progress is not None and progress_every and (epoch + 1) % progress_every == 0:
            progress(epoch + 1, obj, lr)
    U[...] = Uv
    V[...] = Vv
