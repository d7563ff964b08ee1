"""``auto`` among the certified solvers of (5): an interior-point method for tiny programs, BM_CERTIFIED otherwise.

The choice is made by the size of the conic program the interior-point path builds
(:mod:`.clarabel_direct`): P PSD cones of order d + c (at c = 1 second-order cones of order d + 1)
and n c residuals, so P (d + c)(d + c + 1) / 2 + n c variables (P (d + 1) + n at c = 1). Up to
``TINY_CONIC_VARIABLES`` Clarabel is the right tool: on the paper's spiral grid (n <= 150, at most
1560 variables) it takes 0.002-0.3 s whatever beta, while BM_CERTIFIED needs up to 13 s there and
stalls at beta = 1e-4 (n = 45 and 75: gaps 8.2e-5 and 1.6e-5 after 20 s: a degenerate optimum, many
||G_j||_2 = beta, where rank growth keeps cycling); in the scaling run BM wins from n = 600 (3165
variables) on (docs/certify/README.md).

Either answer is the project's certified bracket: Clarabel solves at tolerance / 100 and its Z is
certified like BM's, from the residual (:func:`.bracket.certify` with :class:`.gram.ResidualOperator`).
"""

from __future__ import annotations

import math
import time

import numpy as np

from bmconvex.mlp.problem import GatedReLUProblem
from bmconvex.solvers import clarabel_direct
from bmconvex.solvers.bm_certified import BMResult, BMSettings
from bmconvex.solvers.bracket import certify
from bmconvex.solvers.certified import check_program, solve_certified
from bmconvex.solvers.gram import ResidualOperator

TINY_CONIC_VARIABLES = 2000


def conic_variables(problem) -> int:
    """Variables of the conic program of (5): P svec'd PSD blocks of order d + c (at c = 1, P cones
    (t_j, Z_j) of order d + 1) and the n x c residual."""
    (n, d), P, c = np.shape(problem.X), np.shape(problem.D)[0], np.shape(problem.Y)[1]
    block = d + 1 if c == 1 else (d + c) * (d + c + 1) // 2
    return P * block + n * c


def choose(problem) -> tuple[str, str]:
    """The solver ``auto`` picks for ``problem`` and why, in words for the record."""
    size = conic_variables(problem)
    if size <= TINY_CONIC_VARIABLES:
        return "CLARABEL_DIRECT", f"tiny program: {size} conic variables <= {TINY_CONIC_VARIABLES}"
    return "BM_CERTIFIED", f"{size} conic variables > {TINY_CONIC_VARIABLES}"


def certified_by_clarabel(problem: GatedReLUProblem, tolerance: float) -> BMResult:
    """Clarabel at tolerance / 100, its Z certified by the project's bracket from the residual.

    Status ``certified`` when the bracket's relative gap is <= tolerance, else ``uncertified``
    (the bracket still holds); SolverError when Clarabel does not report Solved.
    """
    check_program(problem)
    start = time.perf_counter()
    solution = clarabel_direct.solve(problem, tolerance * 1e-2)
    X, Y, D = np.asarray(problem.X, float), np.asarray(problem.Y, float), np.asarray(problem.D, bool)
    bracket = certify(ResidualOperator(X, Y, D, problem.s), solution.Z, problem.beta)[0]
    status = "certified" if bracket.certified_gap <= tolerance else "uncertified"
    return BMResult(Z=solution.Z, bracket=bracket, status=status, seconds=time.perf_counter() - start)


def solve_auto(
    problem: GatedReLUProblem, tolerance: float = 1e-6, max_seconds: float = math.inf
) -> tuple[str, str, BMResult]:
    """(solver picked, why, its certified result); ``max_seconds`` is BM_CERTIFIED's budget."""
    solver, why = choose(problem)
    if solver == "CLARABEL_DIRECT":
        return solver, why, certified_by_clarabel(problem, tolerance)
    return solver, why, solve_certified(problem, "BM", BMSettings(tolerance=tolerance, max_seconds=max_seconds))
