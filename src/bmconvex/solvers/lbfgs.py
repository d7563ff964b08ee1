"""L-BFGS on the BM factorisation (18) with a certificate every few iterations.

Two implementations of the same method on the flattened factors of the active patterns, with
closed-form gradients (eq. 28); each stops when ``checkpoint`` says so (a certificate reached, a
budget spent, progress stalled), when the line search can make no more progress in floating point,
or after ``max_iterations``:

- ``"L-BFGS-B"``: SciPy's (Byrd, Lu, Nocedal & Zhu 1995; the code of Zhu et al. 1997, well kept and
  deterministic), its own tests switched off (ftol = gtol = 0). Its own work is O(memory x size) with
  a large constant; on one BLAS thread, since on a shared machine a second thread only adds
  synchronisation where the size is small (0.1 ms per iteration with one, 3-5 ms with two). The Gram
  form's default, where an evaluation costs microseconds.
- ``"two-loop"`` (:mod:`.two_loop`): the two-loop recursion with L-BFGS-B's own line search and
  settings. Written here because L-BFGS-B's own work is 0.24-0.36 s per iteration at P-hat = 100,
  d = 784 (794 000 unknowns, memory 30: docs/certify/cost_lbfgs.csv), 2-3x the recursion's 4 x memory x
  size flops in BLAS (0.10-0.14 s), and ``torch.optim.LBFGS`` took 4x the iterations (its line search).
  The pattern form's default. It runs on the ambient BLAS threads (the job's).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits

from bmconvex.solvers.two_loop import run_two_loop

GRAM_MEMORY, PATTERN_MEMORY = 10, 30
METHODS = ("L-BFGS-B", "two-loop")


def default_memory(operator) -> int:
    """History pairs for iterations on ``operator``: 10 (SciPy's default) in Gram form (it has K),
    where an evaluation costs microseconds and L-BFGS-B's own O(memory x size) work dominates (30:
    25-40 % slower on the spiral at n = 15 000-100 000, benchmarks/certify.py); 30 in the pattern
    form, where an evaluation dominates an iteration (the setting Fashion-MNIST was measured with)."""
    return GRAM_MEMORY if hasattr(operator, "K") else PATTERN_MEMORY


def default_method(operator) -> str:
    """L-BFGS-B in Gram form (Fortran beats Python's per-iteration overhead at microsecond evaluations),
    the two-loop recursion in the pattern form (L-BFGS-B's own work is a third of an iteration there)."""
    return METHODS[0] if hasattr(operator, "K") else METHODS[1]


@dataclass(frozen=True)
class Run:
    U: np.ndarray
    V: np.ndarray
    iterations: int
    evaluations: int
    stopped_by_checkpoint: bool


def run_lbfgs(
    value_grad: Callable,
    U: np.ndarray,
    V: np.ndarray,
    memory: int,
    max_iterations: int,
    check_every: int,
    checkpoint: Callable[[np.ndarray, np.ndarray, int], bool],
    deadline: float = math.inf,
    method: str = METHODS[0],
) -> Run:
    """Minimise value_grad(U, V) -> (f, grad_U, grad_V) from (U, V) by ``method`` (one of :data:`METHODS`).

    ``checkpoint(U, V, iterations)`` runs every ``check_every`` iterations; True stops the run,
    and so does passing ``deadline`` (a time.perf_counter() value).
    """
    shape_U, shape_V, split = U.shape, V.shape, U.size
    x0 = np.concatenate([U.ravel(), V.ravel()])

    def unpack(x):
        return x[:split].reshape(shape_U), x[split:].reshape(shape_V)

    def fun(x):
        f, gU, gV = value_grad(*unpack(x))
        return f, np.concatenate([gU.ravel(), gV.ravel()])

    if method == "two-loop":
        check = lambda x, iterations: checkpoint(*unpack(x), iterations)  # noqa: E731
        x, iterations, evaluations, stopped = run_two_loop(
            fun, x0, memory, max_iterations, check_every, check, deadline
        )
        return Run(*unpack(x), iterations, evaluations, stopped)
    count = {"iterations": 0, "stopped": False}

    def callback(intermediate_result):
        count["iterations"] += 1
        due = count["iterations"] % check_every == 0 or time.perf_counter() > deadline
        if due and checkpoint(*unpack(intermediate_result.x), count["iterations"]):
            count["stopped"] = True
            raise StopIteration

    options = {"maxcor": memory, "maxiter": max_iterations, "maxfun": 10 * max_iterations, "ftol": 0.0, "gtol": 0.0}
    with threadpool_limits(limits=1, user_api="blas"):
        result = minimize(fun, x0, jac=True, method="L-BFGS-B", callback=callback, options=options)
    return Run(*unpack(result.x), count["iterations"], int(result.nfev), count["stopped"])


def block_scaling(value_grad: Callable, checkpoint: Callable, U: np.ndarray, V: np.ndarray, eta: float) -> Callable:
    """L-BFGS from (U, V) with the initial scaling (V_j^T V_j + eta I)^{-1} on U_j and (U_j^T U_j + eta I)^{-1}
    on V_j (the diagonal blocks of the Gauss-Newton matrix of (18) without the data's X^T D_j X), as a
    change of variables fixed at (U, V): U_j = U~_j R_j, R_j = (V_j^T V_j + eta I)^{-1/2} (likewise V_j),
    so that L-BFGS-B's identity start in (U~, V~) is that scaling in (U, V). eta = 0: no scaling.

    Returns run(memory, max_iterations, check_every, deadline, method) -> :class:`Run` in the original variables.
    """
    if eta <= 0:
        return lambda memory, iterations, every, deadline, method: run_lbfgs(
            value_grad, U, V, memory, iterations, every, checkpoint, deadline, method
        )

    def root(F):  # (F_j^T F_j + eta I)^{-1/2} per block, and its inverse
        w, Q = np.linalg.eigh(F.transpose(0, 2, 1) @ F + eta * np.eye(F.shape[2]))
        return (Q / np.sqrt(w)[:, None, :]) @ Q.transpose(0, 2, 1), (Q * np.sqrt(w)[:, None, :]) @ Q.transpose(0, 2, 1)

    (R, R_inv), (S, S_inv) = root(V), root(U)

    def scaled_value_grad(Ut, Vt):
        f, gU, gV = value_grad(Ut @ R, Vt @ S)
        return f, gU @ R, gV @ S

    def run(memory, max_iterations, check_every, deadline, method):
        done = lambda Ut, Vt, iterations: checkpoint(Ut @ R, Vt @ S, iterations)  # noqa: E731
        Ut, Vt = U @ R_inv, V @ S_inv
        r = run_lbfgs(scaled_value_grad, Ut, Vt, memory, max_iterations, check_every, done, deadline, method)
        return Run(r.U @ R, r.V @ S, r.iterations, r.evaluations, r.stopped_by_checkpoint)

    return run
