"""Entry point of the certified solvers of (5): BM_CERTIFIED (:mod:`.bm_certified`) and FISTA (:mod:`.fista`).

``problem`` is anything with the data of (5): X (n, d), Y (n, c), patterns D (P, n), beta and the
loss scale s (a :class:`bmconvex.mlp.problem.GatedReLUProblem`, or :class:`Program`, which never
forms M). The iterations use the Gram form when P d is small (cost independent of n) and the
batched pattern form otherwise (an evaluation costs (P d)^2 c against about 4 n d P m: the Gram
form when P d <= 4 n, or P d <= 1024); the answer is always re-certified from the residual.
"""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass, replace

import numpy as np

from bmconvex.solvers.base import ConvexSolution, SolverError
from bmconvex.solvers.bm_certified import BMResult, BMSettings, solve_bm_certified
from bmconvex.solvers.fista import FISTASettings, solve_fista
from bmconvex.solvers.gram import GramOperator, ResidualOperator
from bmconvex.solvers.subspace import restricted_solver

FORMS = ("auto", "gram", "patterns")
GRAM_MAX_PD = 4096  # largest P d for which the Gram form is the default (K: 128 MiB)
GRAM_SMALL_PD = 1024  # below this the Gram form is used whatever n (the spiral: P d <= 2 P-hat)


@dataclass(frozen=True)
class Program:
    """The data of program (5) with F = (s/2) ||Y_hat - Y||_F^2."""

    X: np.ndarray
    Y: np.ndarray
    D: np.ndarray
    beta: float
    s: float


def check_program(problem) -> None:
    """Fail before any work on data that cannot define program (5)."""
    X, Y, D = (np.asarray(a) for a in (problem.X, problem.Y, problem.D))
    if not (problem.beta > 0 and np.isfinite(problem.beta)):
        raise ValueError(f"beta must be positive and finite, got {problem.beta}")
    if X.ndim != 2 or Y.ndim != 2 or D.ndim != 2 or not X.shape[0] == Y.shape[0] == D.shape[1]:
        raise ValueError(f"shapes do not match: X {X.shape}, Y {Y.shape}, D {D.shape} (want (n, d), (n, c), (P, n))")
    for name, a in (("X", X), ("Y", Y)):
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{name} has {int(np.sum(~np.isfinite(a)))} non-finite entries")


def operators(problem, form: str = "auto", device: str = "cpu", precision: str = "float64"):
    """(operator for the iterations, operator for the exact certificate from the residual).

    The Gram form is certified by :class:`ResidualOperator` (NumPy), so the spiral's jobs need no
    torch; the pattern form (torch, imported only then) certifies itself, in float64 whatever the
    ``precision`` of its evaluations of (18).
    """
    if form not in FORMS:
        raise ValueError(f"form must be one of {FORMS}, got {form!r}")
    check_program(problem)
    X, Y, D, s = np.asarray(problem.X, float), np.asarray(problem.Y, float), np.asarray(problem.D, bool), problem.s
    Pd = D.shape[0] * X.shape[1]
    gram_pays = Pd <= 4 * X.shape[0] or Pd <= GRAM_SMALL_PD
    if form == "patterns" or (form == "auto" and (Pd > GRAM_MAX_PD or not gram_pays)):
        try:  # imported by name, only here: the spiral's environment has no torch
            patterns = importlib.import_module("bmconvex.solvers.patterns")
        except ImportError as err:
            if form == "patterns" or Pd > GRAM_MAX_PD:
                raise SolverError(f"the pattern operator needs torch ({err}); P d = {Pd} is too big for Gram") from None
        else:
            operator = patterns.PatternOperator(X, Y, D, s, device, precision)
            return operator, operator
    if precision != "float64":
        raise ValueError(f"precision {precision!r} needs the pattern form (form='patterns'); the Gram form is float64")
    return GramOperator(X, Y, D, s), ResidualOperator(X, Y, D, s)


def solve_certified(
    problem,
    method: str = "BM",
    settings=None,
    form: str = "auto",
    device: str = "cpu",
    warm_start: float = 0.0,
    precision: str = "float64",
) -> BMResult:
    """Run BM_CERTIFIED (method "BM") or the FISTA baseline on (5); the result carries its bracket.

    ``warm_start`` in (0, 1): BM first solves (5) on that fraction of the samples (every
    1/fraction-th one, the same patterns restricted to them, s scaled by n / n_sub) to a gap of
    1e-3 and starts from its Z. ``precision`` (pattern form): of the evaluations of (18) that drive
    the iterations; every certificate is float64. The result's seconds are the wall time of everything, the Gram
    matrix and the warm start included.
    """
    if method not in ("BM", "FISTA"):
        raise ValueError(f"method must be 'BM' or 'FISTA', got {method!r}")
    if not 0.0 <= warm_start < 1.0:
        raise ValueError(f"warm_start must be a fraction in [0, 1), got {warm_start}")
    start = time.perf_counter()
    operator, exact = operators(problem, form, device, precision)
    if method == "FISTA":
        result = solve_fista(operator, problem.beta, settings or FISTASettings(), exact)
    else:
        settings = settings or BMSettings()
        Z0 = None
        if warm_start:
            step = round(1.0 / warm_start)
            X, Y, D = problem.X[::step], problem.Y[::step], np.asarray(problem.D)[:, ::step]
            sub = Program(X, Y, D, problem.beta, problem.s * problem.X.shape[0] / X.shape[0])
            coarse = replace(settings, tolerance=max(settings.tolerance, 1e-3))
            Z0 = solve_certified(sub, "BM", coarse, form, device, precision=precision).Z
        restricted = None if hasattr(operator, "K") else restricted_solver(problem, settings)  # pattern form
        result = solve_bm_certified(operator, problem.beta, settings, exact, Z0, restricted)
        if precision != "float64" and result.status == "stalled":
            result = finish_in_float64(operator, problem.beta, settings, result, time.perf_counter() - start)
    result.seconds = time.perf_counter() - start
    return result


def finish_in_float64(operator, beta: float, settings: BMSettings, result: BMResult, elapsed: float) -> BMResult:
    """Lower-precision evaluations stall where their rounding hides the descent (a spiral case at a gap of
    1.4e-2): the solve goes on in float64 from the answer reached, within what is left of the budget."""
    operator.set_precision("float64")
    rest = replace(
        settings, max_seconds=settings.max_seconds - elapsed, max_iterations=settings.max_iterations - result.iterations
    )
    final = solve_bm_certified(operator, beta, rest, operator, result.Z)
    for count in ("iterations", "evaluations", "rounds", "grown", "newton_steps"):
        setattr(final, count, getattr(final, count) + getattr(result, count))
    final.history = result.history + [
        {**h, "iteration": h["iteration"] + result.iterations, "seconds": h["seconds"] + elapsed} for h in final.history
    ]
    return final


def convex_solution(result: BMResult, solver: str, tolerance: float) -> ConvexSolution:
    """The result as an optimum of (5) for the experiments; SolverError unless it is certified."""
    if result.status != "certified":
        raise SolverError(
            f"{solver} stopped ({result.status}) at certified gap {result.bracket.certified_gap:.3g} > {tolerance:g} "
            f"after {result.iterations} iterations: p* is only bracketed in "
            f"[{result.bracket.p_lower:.10g}, {result.bracket.p_upper:.10g}]; raise its budget"
        )
    return ConvexSolution(
        Z=result.Z,
        p_star=result.bracket.p_upper,
        lower_bound=result.bracket.p_lower,
        solver=solver,
        status="optimal",
        tolerance=tolerance,
        seconds=result.seconds,
    )
