"""L-BFGS by the two-loop recursion with L-BFGS-B's own line search, for :func:`.lbfgs.run_lbfgs`.

The recursion (Nocedal 1980; Nocedal & Wright, Alg. 7.4) in BLAS ``ddot`` / ``daxpy``, H_0 = s^T y / y^T y
of the newest pair; the line search is SciPy's DCSRCH (More & Thuente 1994, MINPACK-2), the one
L-BFGS-B calls, with its settings (ftol 1e-3, gtol 0.9, xtol 0.1, at most 20 trials), its first step
(1 / ||g||, then 1), its rule for skipping a pair and its restart (the history dropped once) on a failed
search. DCSRCH is SciPy's private ``scipy.optimize._dcsrch`` (the version pinned in envs/constraints.txt).
Why written here: :mod:`.lbfgs`.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

import numpy as np
from scipy.linalg.blas import daxpy, ddot
from scipy.optimize._dcsrch import DCSRCH

FTOL, GTOL, XTOL, STPMAX, MAX_TRIALS = 1e-3, 0.9, 0.1, 1e10, 20  # L-BFGS-B's line search settings


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


def run_two_loop(fun: Callable, x: np.ndarray, memory, max_iterations, check_every, checkpoint, deadline) -> tuple:
    """:func:`.lbfgs.run_lbfgs`'s work on the flat vector x, fun(x) -> (f, g), by the two-loop recursion and
    DCSRCH; ``checkpoint(x, iterations)``. Returns (x, iterations, evaluations, stopped by the checkpoint)."""
    evaluations = [0]

    def evaluate(z):
        evaluations[0] += 1
        return fun(z)

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
        if due and checkpoint(x, iterations):
            stopped = True
            break
    return x, iterations, evaluations[0], stopped
