"""The global optimum p* of the gated-ReLU convex program (5), through CVXPY.

``solver: auto`` uses MOSEK (the paper's solver) when a license is found and the embedded
interior-point solver Clarabel otherwise; ``CLARABEL_DIRECT`` skips CVXPY
(:mod:`bmconvex.conic`). A solve whose status is not ``optimal`` raises
:class:`SolverError`: an inaccurate p* is never handed on as the optimum. The value we report
is the objective of (5) re-evaluated at the solver's Z, with the certified Fenchel lower bound
of :func:`bmconvex.bounds.fenchel_lower_bound` beside it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from bmconvex.bounds import fenchel_lower_bound, relative_gap
from bmconvex.problem import GatedReLUProblem

SOLVERS = ("auto", "MOSEK", "CLARABEL", "CLARABEL_DIRECT")

MOSEK_HELP = (
    "MOSEK needs a license: put mosek.lic in ~/mosek/ or point MOSEKLM_LICENSE_FILE at it "
    "(free academic licenses: https://www.mosek.com/products/academic-licenses/), "
    "or set `solver: auto` / `solver: CLARABEL` in config.yaml."
)


class SolverError(RuntimeError):
    """The solver is unavailable or did not report an optimal solution."""


@dataclass(frozen=True)
class ConvexSolution:
    Z: np.ndarray  # (P, d, c)
    p_star: float  # objective of (5) at Z
    lower_bound: float  # certified lower bound on p*
    solver: str
    status: str
    tolerance: float
    seconds: float

    @property
    def certified_gap(self) -> float:
        return relative_gap(self.p_star, self.lower_bound)


def mosek_license_error() -> str | None:
    """None when MOSEK is importable and a license can be checked out, else the reason."""
    try:
        import mosek
    except ImportError as err:
        return f"the mosek package is not installed ({err})"
    try:
        with mosek.Env() as env:
            env.checkoutlicense(mosek.feature.pts)
    except mosek.Error as err:
        return f"no usable MOSEK license ({err})"
    return None


def resolve_solver(name: str) -> str:
    """Map the config's ``solver`` to a CVXPY solver name, failing early when it cannot run."""
    if name not in SOLVERS:
        raise SolverError(f"unknown solver {name!r}; choose one of {SOLVERS}")
    if name == "auto":
        return "MOSEK" if mosek_license_error() is None else "CLARABEL"
    if name == "MOSEK" and (reason := mosek_license_error()) is not None:
        raise SolverError(f"solver MOSEK requested but {reason}. {MOSEK_HELP}")
    return name


def solver_options(solver: str, tolerance: float) -> dict:
    """Relative-gap and feasibility tolerances in each solver's own parameter names."""
    if solver == "MOSEK":
        names = ("MSK_DPAR_INTPNT_CO_TOL_REL_GAP", "MSK_DPAR_INTPNT_CO_TOL_PFEAS", "MSK_DPAR_INTPNT_CO_TOL_DFEAS")
        return {"mosek_params": dict.fromkeys(names, tolerance)}
    return {"tol_gap_abs": tolerance, "tol_gap_rel": tolerance, "tol_feas": tolerance}


def solve_convex(problem: GatedReLUProblem, solver: str, tolerance: float, **options) -> ConvexSolution:
    """Solve (5): min F(sum_j D_j X Z_j) + beta sum_j ||Z_j||_* with an interior-point solver.

    ``options`` go to the solver beside the tolerances (e.g. ``max_iter`` for Clarabel).
    """
    import cvxpy as cp

    P, d, c = problem.P, problem.d, problem.c
    W = cp.Variable((P * d, c))  # rows j d ... (j + 1) d - 1 hold Z_j
    fit = 0.5 * problem.s * cp.sum_squares(problem.M @ W - problem.Y)
    reg = cp.sum(cp.hstack([cp.normNuc(W[j * d : (j + 1) * d, :]) for j in range(P)]))
    program = cp.Problem(cp.Minimize(fit + problem.beta * reg))
    start = time.perf_counter()
    try:
        program.solve(solver=solver, **solver_options(solver, tolerance), **options)
    except cp.error.SolverError as err:
        raise SolverError(f"{solver} failed on program (5): {err}") from err
    seconds = time.perf_counter() - start
    if program.status != cp.OPTIMAL:
        raise SolverError(
            f"{solver} returned status {program.status!r}, not 'optimal'; p* would be inaccurate, "
            "so no gap is computed (try another solver or a looser tolerance)"
        )
    return certified_solution(problem, np.asarray(W.value).reshape(P, d, c), solver, tolerance, seconds)


def certified_solution(problem: GatedReLUProblem, Z: np.ndarray, solver: str, tolerance: float, seconds: float):
    """An optimal Z of (5) with p* re-evaluated at Z and its Fenchel lower bound beside it."""
    return ConvexSolution(
        Z=Z,
        p_star=problem.convex_objective(Z),
        lower_bound=fenchel_lower_bound(problem, Z),
        solver=solver,
        status="optimal",
        tolerance=tolerance,
        seconds=seconds,
    )
