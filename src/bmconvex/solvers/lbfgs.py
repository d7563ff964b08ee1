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
- ``"two-loop"``: the two-loop recursion (Nocedal 1980; Nocedal & Wright, Alg. 7.4) with L-BFGS-B's own
  line search and settings (SciPy's DCSRCH, More & Thuente 1994: ftol 1e-3, gtol 0.9, xtol 0.1, at
  most 20 trials, step 1 / ||g|| first and 1 after; a failed search drops the history once, as
  L-BFGS-B does). Written here because L-BFGS-B's own work is 0.36 s per iteration at P-hat = 100,
  d = 784 (794 000 unknowns, memory 30: docs/certify/cost.csv), 3-6x the recursion's 4 x memory x size
  flops in BLAS (0.06-0.11 s), and ``torch.optim.LBFGS`` took 4x the iterations (its line search).
  DCSRCH is SciPy's private ``scipy.optimize._dcsrch`` (the version pinned in envs/constraints.txt).
  The pattern form's default. It runs on the ambient BLAS threads (the job's).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.linalg.blas import daxpy, ddot
from scipy.optimize import minimize
from scipy.optimize._dcsrch import DCSRCH
from threadpoolctl import threadpool_limits

GRAM_MEMORY, PATTERN_MEMORY = 10, 30
METHODS = ("L-BFGS-B", "two-loop")
FTOL, GTOL, XTOL, STPMAX, MAX_TRIALS = 1e-3, 0.9, 0.1, 1e10, 20  # L-BFGS-B's line search settings


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
    if method == "two-loop":
        return run_two_loop(value_grad, U, V, memory, max_iterations, check_every, checkpoint, deadline)
    shape_U, shape_V, split = U.shape, V.shape, U.size
    count = {"iterations": 0, "stopped": False}

    def unpack(x):
        return x[:split].reshape(shape_U), x[split:].reshape(shape_V)

    def fun(x):
        f, gU, gV = value_grad(*unpack(x))
        return f, np.concatenate([gU.ravel(), gV.ravel()])

    def callback(intermediate_result):
        count["iterations"] += 1
        due = count["iterations"] % check_every == 0 or time.perf_counter() > deadline
        if due and checkpoint(*unpack(intermediate_result.x), count["iterations"]):
            count["stopped"] = True
            raise StopIteration

    options = {"maxcor": memory, "maxiter": max_iterations, "maxfun": 10 * max_iterations, "ftol": 0.0, "gtol": 0.0}
    x0 = np.concatenate([U.ravel(), V.ravel()])
    with threadpool_limits(limits=1, user_api="blas"):
        result = minimize(fun, x0, jac=True, method="L-BFGS-B", callback=callback, options=options)
    return Run(*unpack(result.x), count["iterations"], int(result.nfev), count["stopped"])


def direction(g: np.ndarray, pairs) -> np.ndarray:
    """-H g by the two-loop recursion over the pairs (s, y, 1 / s^T y), H_0 = s^T y / y^T y of the newest."""
    q, alphas = -g, []
    for s, y, rho in reversed(pairs):
        alphas.append(rho * ddot(s, q))
        q = daxpy(y, q, a=-alphas[-1])  # in place: q is a fresh array from -g
    if pairs:
        s, y, rho = pairs[-1]
        q *= 1.0 / (rho * ddot(y, y))
    for (s, y, rho), a in zip(pairs, reversed(alphas), strict=True):
        q = daxpy(s, q, a=a - rho * ddot(y, q))
    return q


def line_search(evaluate: Callable, x: np.ndarray, d: np.ndarray, f: float, slope: float, first: float):
    """DCSRCH along d from x (L-BFGS-B's settings): (step, f, g) at the step it accepts, or None."""
    trial = {}

    def at(a):  # the latest trial kept: DCSRCH asks for f and f' apart
        if a not in trial:
            trial.clear()
            trial[a] = evaluate(x + a * d)
        return trial[a]

    search = DCSRCH(lambda a: at(a)[0], lambda a: ddot(at(a)[1], d), FTOL, GTOL, XTOL, 0.0, STPMAX)
    step = search(first, phi0=f, derphi0=slope, maxiter=MAX_TRIALS)[0]
    return None if step is None else (step, *at(step))


def run_two_loop(value_grad, U, V, memory, max_iterations, check_every, checkpoint, deadline=math.inf) -> Run:
    """:func:`run_lbfgs` by the two-loop recursion and DCSRCH (the module's docstring)."""
    shape_U, shape_V, split = U.shape, V.shape, U.size
    evaluations = [0]

    def unpack(x):
        return x[:split].reshape(shape_U), x[split:].reshape(shape_V)

    def evaluate(z):
        evaluations[0] += 1
        f, gU, gV = value_grad(*unpack(z))
        return f, np.concatenate([gU.ravel(), gV.ravel()])

    x = np.concatenate([U.ravel(), V.ravel()])
    f, g = evaluate(x)
    pairs: deque = deque(maxlen=memory)
    iterations, stopped = 0, False
    while iterations < max_iterations and x.size > 0 and ddot(g, g) > 0:  # (no active pattern: nothing to do)
        d = direction(g, pairs)
        slope = ddot(g, d)
        first = min(1.0 / math.sqrt(ddot(d, d)), STPMAX) if iterations == 0 else 1.0
        found = line_search(evaluate, x, d, f, slope, first)
        if found is None:  # no acceptable step: drop the history once, as L-BFGS-B does
            if not pairs:
                break
            pairs.clear()
            continue
        step, f_new, g_new = found
        s, y = step * d, g_new - g
        sy = ddot(s, y)
        if sy > -np.finfo(float).eps * step * slope:  # L-BFGS-B's rule for keeping the pair
            pairs.append((s, y, 1.0 / sy))
        x, f, g = x + s, f_new, g_new
        iterations += 1
        due = iterations % check_every == 0 or time.perf_counter() > deadline
        if due and checkpoint(*unpack(x), iterations):
            stopped = True
            break
    return Run(*unpack(x), iterations, evaluations[0], stopped)


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
