"""The ``relu`` section of config.yaml as a typed spec: the ReLU program (3)/(19) on the spiral.

Only its own grid and the certification of p* of (3) are set here: data, arrangements (P-hat),
loss scaling, init, GD and restarts are the spiral section's, so that both programs see the same
points, patterns, seeds and init.
"""

from __future__ import annotations

from dataclasses import dataclass

from bmconvex.core.specs import ConfigError, FigureGrid


@dataclass(frozen=True)
class ReLUConvex:
    """p* of (3): the SDP and group-lasso solves at solver_tolerance, bracketed to tolerance."""

    tolerance: float
    solver_tolerance: float
    max_rounds: int


@dataclass(frozen=True)
class ReLUSpec(FigureGrid):
    """Grid (n, beta, m, seeds) of the ReLU experiment and the certification of its p*."""

    n: tuple[int, ...]
    beta: tuple[float, ...]
    m: tuple[int, ...]
    seeds: tuple[int, ...]
    convex: ReLUConvex
    check_tolerance: float

    def check(self) -> None:
        if self.convex.tolerance > 1e-6:
            tol = self.convex.tolerance
            raise ConfigError(f"relu.convex.tolerance: {tol:g} is looser than the 1e-6 every p* needs")
        if self.convex.solver_tolerance > self.convex.tolerance:
            raise ConfigError("relu.convex.solver_tolerance: must not exceed relu.convex.tolerance")
