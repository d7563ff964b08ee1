"""Solvers of the convex program (5): one entry point, :func:`solve`.

``auto`` is MOSEK (the paper's solver) when a license is found and Clarabel otherwise;
``CLARABEL_DIRECT`` hands the same conic program to Clarabel without CVXPY; ``BM_CERTIFIED``
(:mod:`.bm_certified`) minimises the BM factorisation (18) until Thm 3.4's certificate holds, and
``FISTA`` (:mod:`.fista`) is accelerated proximal gradient on (5), both with ``tolerance`` the
certified relative gap they must reach (:mod:`.certified`). Every solver returns
a :class:`ConvexSolution` whose p* carries its own certified lower bound, or raises
:class:`SolverError`: an uncertified value is never returned as the optimum.

:mod:`.auto` is a different choice, among the *certified* answers: Clarabel direct for a tiny
conic program, BM_CERTIFIED otherwise, by the program's size (the certify agreement target).
"""

from __future__ import annotations

from dataclasses import dataclass

from bmconvex.core.specs import ConfigError
from bmconvex.mlp.problem import GatedReLUProblem
from bmconvex.solvers import certified, clarabel_direct, cvxpy_path
from bmconvex.solvers.base import ConvexSolution, SolverError
from bmconvex.solvers.bm_certified import BMSettings
from bmconvex.solvers.fista import FISTASettings

__all__ = [
    "SOLVERS",
    "ConvexSolution",
    "SolverError",
    "SolverSettings",
    "mosek_license_error",
    "resolve_solver",
    "solve",
]

SOLVERS = ("auto", "MOSEK", "CLARABEL", "CLARABEL_DIRECT", "BM_CERTIFIED", "FISTA")
CERTIFIED = {"BM_CERTIFIED": ("BM", BMSettings), "FISTA": ("FISTA", FISTASettings)}

MOSEK_HELP = (
    "MOSEK needs a license: put mosek.lic in ~/mosek/ or point MOSEKLM_LICENSE_FILE at it "
    "(free academic licenses: https://www.mosek.com/products/academic-licenses/), "
    "or set `solver: auto` / `solver: CLARABEL` in config.yaml."
)


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
    """The solver that ``name`` stands for on this machine, failing early when it cannot run."""
    if name not in SOLVERS:
        raise SolverError(f"unknown solver {name!r}; choose one of {SOLVERS}")
    if name == "auto":
        return "MOSEK" if mosek_license_error() is None else "CLARABEL"
    if name == "MOSEK" and (reason := mosek_license_error()) is not None:
        raise SolverError(f"solver MOSEK requested but {reason}. {MOSEK_HELP}")
    return name


@dataclass(frozen=True)
class SolverSettings:
    """A config's choice of solver and the tolerance handed to it."""

    solver: str
    tolerance: float

    def check(self, key: str) -> None:
        """The solver must be able to run on this machine: ConfigError naming ``key`` otherwise."""
        try:
            resolve_solver(self.solver)
        except SolverError as err:
            raise ConfigError(f"{key}.solver: {err}") from None


def solve(problem: GatedReLUProblem, solver: str, tolerance: float, **options) -> ConvexSolution:
    """p* of (5) with the named solver (``auto`` resolved here), certified.

    ``options`` go to the CVXPY solver beside the tolerances (e.g. ``max_iter`` for Clarabel), or
    to the settings of BM_CERTIFIED / FISTA (e.g. ``max_seconds``).
    """
    solver = resolve_solver(solver)
    if solver in CERTIFIED:
        method, settings = CERTIFIED[solver]
        result = certified.solve_certified(problem, method, settings(tolerance=tolerance, **options))
        return certified.convex_solution(result, solver, tolerance)
    if solver == "CLARABEL_DIRECT":
        return clarabel_direct.solve(problem, tolerance, **options)
    return cvxpy_path.solve(problem, solver, tolerance, **options)
