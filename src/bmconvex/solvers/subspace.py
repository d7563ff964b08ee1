"""Program (5) restricted to the column spaces of an iterate: the tail of BM_CERTIFIED in one solve.

In the pattern form, L-BFGS on (18) finds the column spaces of the optimal Z_j* long before it
resolves Z_j* inside them: on Fashion-MNIST (n = 2000, P = 20) the iterate at a certified gap of
7.5e-4 (150 iterations) spans them well enough that (5) restricted to

    Z_j = Q_j W_j,   Q_j (d x r_j) an orthonormal basis of the columns of the iterate's Z_j,

solved exactly, is certified on the *full* program to 8.1e-7, where L-BFGS needs another 450
iterations. Since ||Q_j W_j||_* = ||W_j||_* and D_j X Z_j = (D_j X Q_j) W_j, the restricted program is
(5) again, with features D_j X Q_j of dimension r_j <= c: its Gram form (:class:`.gram.GramOperator`
with ``Q``, order sum_j r_j <= P c, whatever d and n) is solved by BM_CERTIFIED itself. Its answer,
lifted to Z_j = Q_j W_j, is feasible for (5) with the same objective, and only the full certificate
(every pattern, every direction) decides whether it is taken: a wrong subspace costs a solve, never
a wrong bracket.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from bmconvex.solvers.bracket import certify
from bmconvex.solvers.gram import GramOperator

INNER_ITERATIONS = 20_000  # of a restricted solve (Gram form)


def column_bases(Z: np.ndarray, drop: float) -> tuple[np.ndarray, np.ndarray]:
    """(active, Q): the patterns with Z_j != 0 and, per pattern, an orthonormal basis of Z_j's columns
    (singular values above ``drop`` x the largest, as :func:`.rank.balance` keeps them), padded with
    zero columns to the largest rank (a zero feature leaves its row of W_j at 0)."""
    left, sigma, _ = np.linalg.svd(Z, full_matrices=False)
    keep = sigma > drop * sigma[:, :1]
    active = np.nonzero(keep.any(axis=1))[0]
    r = max(int(keep.sum(axis=1).max()), 1)
    Q = left[active, :, :r] * keep[active, None, :r]
    return active, Q


def restricted_solve(X, Y, D, s: float, Z: np.ndarray, drop: float, solve) -> np.ndarray:
    """Z (P, d, c) re-solved inside its column spaces: ``solve(operator)`` -> W (A, r, c) on the restricted
    Gram form; returns the lifted Z_j = Q_j W_j (0 on the patterns where Z_j = 0)."""
    active, Q = column_bases(Z, drop)
    W = solve(GramOperator(X, Y, np.asarray(D)[active], s, Q))
    lifted = np.zeros_like(Z)
    lifted[active] = Q @ W
    return lifted


def try_restricted(operator, Z, gap: float, beta: float, settings, result, restricted) -> float:
    """(5) restricted to Z's column spaces (``restricted(Z)``, lifted) where the certified ``gap`` is below
    ``restricted_below`` and at most half that of the last try; its certified gap (inf if not tried)."""
    last = result.restricted[-1] if result.restricted else np.inf
    if restricted is None or gap > settings.restricted_below or gap > 0.5 * last:
        return np.inf
    Z_r = restricted(Z)
    gap_r = certify(operator, Z_r, beta)[0].certified_gap
    result.restricted.append(gap)
    if gap_r < result.best[0]:
        result.best = (gap_r, Z_r)
    return gap_r


def restricted_solver(problem, settings) -> Callable[[np.ndarray], np.ndarray]:
    """Z -> Z re-solved in its column spaces for ``problem`` (X, Y, D, beta, s), by BM_CERTIFIED in Gram
    form to a tenth of ``settings.tolerance`` (so the lifted point can meet it). A try is capped at a tenth
    of the solve's time budget and at INNER_ITERATIONS (milliseconds each): a short one is only less
    accurate, and the full certificate still decides."""
    from bmconvex.solvers.bm_certified import solve_bm_certified  # (it calls try_restricted)

    X, Y, D = np.asarray(problem.X, float), np.asarray(problem.Y, float), np.asarray(problem.D, bool)
    inner = replace(
        settings,
        tolerance=0.1 * settings.tolerance,
        restricted_below=0.0,
        lbfgs=None,
        memory=None,
        max_seconds=0.1 * settings.max_seconds,
        max_iterations=min(settings.max_iterations, INNER_ITERATIONS),
    )

    def solve(operator):
        return solve_bm_certified(operator, problem.beta, inner, operator).Z

    return lambda Z: restricted_solve(X, Y, D, problem.s, Z, settings.drop, solve)
