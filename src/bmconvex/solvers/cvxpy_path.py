"""Program (5) through CVXPY, with MOSEK (the paper's solver) or Clarabel.

A solve whose status is not ``optimal`` raises :class:`SolverError`: an inaccurate p* is never
handed on as the optimum.
"""

from __future__ import annotations

import time

import numpy as np

from bmconvex.mlp.problem import GatedReLUProblem
from bmconvex.solvers.base import ConvexSolution, SolverError, certified_solution


def solver_options(solver: str, tolerance: float) -> dict:
    """Relative-gap and feasibility tolerances in each solver's own parameter names."""
    if solver == "MOSEK":
        names = ("MSK_DPAR_INTPNT_CO_TOL_REL_GAP", "MSK_DPAR_INTPNT_CO_TOL_PFEAS", "MSK_DPAR_INTPNT_CO_TOL_DFEAS")
        return {"mosek_params": dict.fromkeys(names, tolerance)}
    return {"tol_gap_abs": tolerance, "tol_gap_rel": tolerance, "tol_feas": tolerance}


def run(program, solver: str, tolerance: float, name: str = "program (5)", **options) -> float:
    """Solve a CVXPY ``program`` with ``solver`` at ``tolerance``; its seconds, or SolverError unless optimal.

    ``options`` go to the solver beside the tolerances (e.g. ``max_iter`` for Clarabel).
    """
    import cvxpy as cp

    start = time.perf_counter()
    try:
        program.solve(solver=solver, **solver_options(solver, tolerance), **options)
    except cp.error.SolverError as err:
        raise SolverError(f"{solver} failed on {name}: {err}") from err
    if program.status != cp.OPTIMAL:
        raise SolverError(
            f"{solver} returned status {program.status!r}, not 'optimal'; p* of {name} would be inaccurate, "
            "so no gap is computed (try another solver or a looser tolerance)"
        )
    return time.perf_counter() - start


def solve(problem: GatedReLUProblem, solver: str, tolerance: float, **options) -> ConvexSolution:
    """Solve (5): min F(sum_j D_j X Z_j) + beta sum_j ||Z_j||_* with an interior-point solver."""
    import cvxpy as cp

    P, d, c = problem.P, problem.d, problem.c
    W = cp.Variable((P * d, c))  # rows j d ... (j + 1) d - 1 hold Z_j
    fit = 0.5 * problem.s * cp.sum_squares(problem.M @ W - problem.Y)
    if c == 1:  # the nuclear norm of a d x 1 block is its 2-norm: a second-order cone, not a PSD one
        reg = cp.sum(cp.hstack([cp.norm(W[j * d : (j + 1) * d, 0], 2) for j in range(P)]))
    else:
        reg = cp.sum(cp.hstack([cp.normNuc(W[j * d : (j + 1) * d, :]) for j in range(P)]))
    seconds = run(cp.Problem(cp.Minimize(fit + problem.beta * reg)), solver, tolerance, **options)
    return certified_solution(problem, np.asarray(W.value).reshape(P, d, c), solver, tolerance, seconds)
