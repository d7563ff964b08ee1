"""The ``spiral`` section of config.yaml as a typed spec (paper Sec. 4.1, App. C.1)."""

from __future__ import annotations

from dataclasses import dataclass

from bmconvex.core.gd import Divergence, GDSettings
from bmconvex.core.specs import FigureGrid
from bmconvex.solvers import SolverSettings


@dataclass(frozen=True)
class SpiralData:
    """The data seed is fixed: every run of a given n sees the same points (Fig. 3)."""

    seed: int
    noise: float


@dataclass(frozen=True)
class SpiralSpec(FigureGrid):
    """Data, grid (n, beta, m, seeds) and settings of the spiral relative-optimality-gap experiment."""

    data: SpiralData
    n: tuple[int, ...]
    beta: tuple[float, ...]
    m: tuple[int, ...]
    seeds: tuple[int, ...]
    P_hat: int
    loss_scaling: str
    init_std: float
    gd: GDSettings
    divergence: Divergence
    log_every: int
    convex: SolverSettings
    check_tolerance: float

    def check(self) -> None:
        self.convex.check("spiral.convex")


def beta_label(beta: float) -> str:
    """The file-name form of beta: Python's shortest exact repr, so distinct betas never collide."""
    return repr(float(beta))
