"""What every solver of program (5) returns: a certified optimum, or a :class:`SolverError`.

The value reported is the objective of (5) re-evaluated at the solver's Z, with the Fenchel dual
bound of :func:`bmconvex.mlp.certificate.fenchel_lower_bound` beside it: each p* carries its
own certificate, whatever solver produced it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from bmconvex.core.certificate import relative_gap
from bmconvex.mlp.certificate import fenchel_lower_bound
from bmconvex.mlp.problem import GatedReLUProblem


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


def certified_solution(
    problem: GatedReLUProblem,
    Z: np.ndarray,
    solver: str,
    tolerance: float,
    seconds: float,
    dual_bound: Callable[[Any, np.ndarray], float] = fenchel_lower_bound,
) -> ConvexSolution:
    """An optimal Z with p* re-evaluated at Z and its dual lower bound beside it.

    ``problem`` is any program with a ``convex_objective(Z)`` ((5) by default, or the
    self-attention program (104) with its own ``dual_bound``). SolverError when Z is not finite
    or the bound is not positive: such a p* certifies nothing.
    """
    if not np.isfinite(Z).all():
        raise SolverError(f"{solver} returned a non-finite Z; no p* is computed")
    lower = dual_bound(problem, Z)
    if not lower > 0:
        raise SolverError(f"{solver}: the dual lower bound {lower} of its p* is not positive; p* is not certified")
    return ConvexSolution(
        Z=Z,
        p_star=problem.convex_objective(Z),
        lower_bound=lower,
        solver=solver,
        status="optimal",
        tolerance=tolerance,
        seconds=seconds,
    )
