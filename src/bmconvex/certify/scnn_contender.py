"""pilancilab's scnn (Mishkin, Sahiner & Pilanci, ICML 2022; package ``pyscnn``) on binary program (5), certified.

At c = 1 a block Z_j is d x 1, so ||Z_j||_* = ||Z_j||_2 and program (5) with F = (s/2) ||Y_hat - Y||^2,
s = 1/n, is scnn's convex gated-ReLU program with NeuronGL1 (group lasso) and its squared loss
||r||^2 / (2 n c):

    (5)    min_Z  1/(2n) ||sum_j D_j X Z_j - y||^2 + beta sum_j ||Z_j||_2
    scnn   min_w  1/(2n) ||sum_j D_j X w_j - y||^2 + lam  sum_j ||w_j||_2,    lam = beta, w_j = Z_j,

the same program (checked at the same points: :func:`scnn_objective`) when scnn gets the project's
gates G = H^T, bias=False, dtype="float64" and unitize_data=False (its default rescales the columns
of X, which changes both the patterns 1{X g > 0} and the penalty: another program). scnn recomputes
the patterns from the gates, drops the empty one and sorts the distinct ones;
:func:`pattern_order` maps them back and fails where the sets differ (a tie X h = 0, active for the
project, inactive for scnn).

scnn reports no gap: R-FISTA stops when the squared norm of the minimum-norm subgradient is below
``tol`` (1e-6 by default), CVXPY on its solver's status. Every answer here is certified by the
project's :func:`bmconvex.solvers.bracket.certify` on the same program. R-FISTA's iterates are
certified on the way through its own termination hook (:class:`CertifiedStop`, called by scnn's
iteration loop before every step with the current iterate), every ``every`` iterations, the time
spent certifying left out of its seconds. :func:`solve_rfista` is scnn's ``optimize_model`` with
that hook in place of its stopping rule (or around it, ``own_rule=True``: its defaults).
Optional: needs ``pip install --no-deps -r envs/scnn.txt``.
"""

from __future__ import annotations

import logging
import math
import time

import numpy as np

from bmconvex.certify.data import scale_pixels
from bmconvex.mlp import spiral
from bmconvex.mlp.arrangements import arrangement_for_seed
from bmconvex.solvers.bracket import certify
from bmconvex.solvers.certified import Program
from bmconvex.solvers.gram import ResidualOperator

FASHION_CLASSES = (0, 6)  # T-shirt/top (-1) against shirt (+1)


def binary_spiral(n: int, beta: float, P_hat: int = 100, seed: int = 0) -> tuple[Program, np.ndarray]:
    """Two arms of the spiral (classes 0 and 1 of a 3n/2-point spiral, noise 0.2), y = -1 / +1; (program, gates H)."""
    if n <= 0 or n % 2:
        raise ValueError(f"n must be a positive even number, got {n}")
    data = spiral.make_spiral(3 * n // 2, 0.2, 0)
    X, y = data.X[data.y < 2], data.y[data.y < 2]
    arrangement = arrangement_for_seed(X, P_hat, seed)
    return Program(X, (2.0 * y - 1.0)[:, None], arrangement.D, beta, 1.0 / n), arrangement.H


def binary_fashion(images: dict, n: int, beta: float, P_hat: int = 100, seed: int = 0) -> tuple[Program, np.ndarray]:
    """The first n T-shirts and shirts, pixels as in :func:`bmconvex.certify.data.fashion_case`, Gaussian gates."""
    pick = np.flatnonzero(np.isin(images["train_y"], FASHION_CLASSES))[:n]
    if pick.size < n:
        raise ValueError(f"n = {n} but the training set has only {pick.size} T-shirts and shirts")
    X, _, _ = scale_pixels(images["train_x"][pick])
    arrangement = arrangement_for_seed(X, P_hat, seed)
    y = np.where(images["train_y"][pick] == FASHION_CLASSES[1], 1.0, -1.0)
    return Program(X, y[:, None], arrangement.D, beta, 1.0 / n), arrangement.H


def exact_operator(program: Program) -> ResidualOperator:
    """The project's certificate of the program, from the residual."""
    return ResidualOperator(program.X, program.Y, np.asarray(program.D, bool), program.s)


def check_binary(program: Program) -> None:
    if np.asarray(program.Y).shape[1] != 1 or not math.isclose(program.s, 1.0 / program.X.shape[0]):
        raise ValueError(f"scnn's program is (5) only with c = 1 and s = 1/n; got Y {program.Y.shape}, s {program.s}")


def internal_model(program: Program, H: np.ndarray):
    """scnn's own convex model of the program (float64, NumPy backend), as optimize_model builds it."""
    from scnn.models import ConvexGatedReLU
    from scnn.private.interface import build_internal_model, process_data, set_device
    from scnn.regularizers import NeuronGL1

    check_binary(program)
    set_device("cpu", "float64", 778)
    (X, y), _, _ = process_data(program.X, program.Y, None, None, unitize_data=False, bias=False)
    model, regularizer = ConvexGatedReLU(H.T, c=1, bias=False), NeuronGL1(program.beta)
    return model, regularizer, build_internal_model(model, regularizer, X), X, y


def pattern_order(program: Program, scnn_D: np.ndarray) -> np.ndarray:
    """order[j]: scnn's index of the project's pattern D_j; ValueError unless both hold the same patterns."""
    index = {column.tobytes(): k for k, column in enumerate(np.asarray(scnn_D).T.astype(bool))}
    order = [index.get(row.tobytes(), -1) for row in np.asarray(program.D, bool)]
    if len(index) != len(order) or min(order) < 0:
        raise ValueError(f"scnn's {len(index)} patterns are not the project's {len(order)} (a tie X h = 0?)")
    return np.asarray(order)


def scnn_objective(program: Program, H: np.ndarray, Z: np.ndarray) -> float:
    """scnn's objective (its loss plus NeuronGL1) at the point Z (P, d, 1) of (5)."""
    _, _, inner, X, y = internal_model(program, H)
    w = np.zeros((1, inner.p, inner.d))
    w[0, pattern_order(program, inner.D)] = Z[:, :, 0]
    return float(inner.objective(X, y, w))


class CertifiedStop:
    """scnn's termination hook: the project's bracket of the current iterate every ``every`` iterations;
    stops at a certified gap <= ``target``, at ``max_seconds`` of solver time, or when ``own`` (scnn's rule) does."""

    def __init__(self, program: Program, order: np.ndarray, every: int, target: float, max_seconds: float, own=None):
        self.exact = exact_operator(program)
        self.beta, self.order, self.every, self.target, self.max_seconds, self.own = (
            program.beta, order, every, target, max_seconds, own,
        )  # fmt: skip
        self.calls, self.certifying, self.start, self.history = 0, 0.0, time.perf_counter(), []
        self.stop, self.stopped = "iterations", False

    def __call__(self, model, X, y, objective=None, grad=None) -> bool:
        self.calls += 1
        own = self.own is not None and bool(self.own(model, X, y, objective, grad))
        if not own and (self.calls - 1) % self.every:
            return False
        seconds = self.record(model, self.calls - 1)
        if own:
            self.stop = "own rule"
        self.stopped = own or self.stop == "certified" or seconds >= self.max_seconds
        return self.stopped

    def record(self, model, iteration: int) -> float:
        """Certify the iterate of ``iteration``; the solver's seconds so far (certificates left out)."""
        clock = time.perf_counter()
        seconds = clock - self.start - self.certifying
        Z = np.asarray(model.weights)[0, self.order][:, :, None].copy()
        bracket, _ = certify(self.exact, Z, self.beta)
        self.history.append({"iteration": iteration, "seconds": seconds, "bracket": bracket})
        self.Z = Z
        self.stop = "certified" if bracket.certified_gap <= self.target else "budget"
        self.certifying += time.perf_counter() - clock
        return seconds


def solve_rfista(
    program: Program,
    H: np.ndarray,
    target: float = 1e-6,
    max_seconds: float = math.inf,
    every: int = 25,
    own_rule: bool = False,
    max_iters: int = 10**7,
) -> dict:
    """scnn's R-FISTA on (5), its iterates certified every ``every`` iterations (see the module's docstring).

    ``own_rule``: scnn's defaults (RFISTA(model): tol 1e-6 on the squared subgradient norm, 10 000
    iterations, objective and subgradient norm recorded every iteration), observed by the certificate,
    not stopped by it; else its best settings here: no own rule, no metrics, stopped at a certified
    ``target``. Both stop at ``max_seconds`` of solver time.
    """
    from scnn.metrics import Metrics
    from scnn.private.interface import build_metrics_tuple, build_optimizer
    from scnn.solvers import RFISTA

    hook = CertifiedStop(program, np.zeros(0, int), every, -math.inf if own_rule else target, max_seconds)
    hook.start = time.perf_counter()  # the clock starts here: scnn's patterns and set-up count
    model, regularizer, inner, X, y = internal_model(program, H)
    hook.order = pattern_order(program, inner.D)
    solver = RFISTA(model) if own_rule else RFISTA(model, max_iters=max_iters, tol=0.0)
    metrics = (
        Metrics() if own_rule else Metrics(metric_freq=max_iters + 1, objective=False, grad_norm=False, time=False)
    )
    procedure = build_optimizer(solver, regularizer, metrics)
    hook.own, procedure.term_criterion = procedure.term_criterion if own_rule else None, hook
    _, inner, _ = procedure(logging.getLogger("scnn"), inner, lambda m: m, (X, y), (X, y), build_metrics_tuple(metrics))
    if not hook.stopped:  # max_iters steps ran, the last one after the last check
        hook.record(inner, solver.max_iters)
        hook.stop = "iterations"
    last = hook.history[-1]
    return {**last, "Z": hook.Z, "stop": hook.stop, "history": hook.history}


def solve_cvxpy(program: Program, H: np.ndarray, solver: str = "ecos") -> dict:
    """scnn's public optimize_model with its CVXPYSolver (an SOCP through CVXPY), timed, then certified."""
    from scnn.metrics import Metrics
    from scnn.optimize import optimize_model
    from scnn.solvers import CVXPYSolver

    model, regularizer, inner, _, _ = internal_model(program, H)
    start = time.perf_counter()
    fitted, _ = optimize_model(
        model, CVXPYSolver(model, solver), Metrics(), program.X, program.Y, regularizer=regularizer,
        return_convex=True, unitize_data=False, dtype="float64",
    )  # fmt: skip
    seconds = time.perf_counter() - start
    Z = np.asarray(fitted.parameters[0])[0, pattern_order(program, inner.D)][:, :, None]
    return {"Z": Z, "bracket": certify(exact_operator(program), Z, program.beta)[0], "seconds": seconds}
