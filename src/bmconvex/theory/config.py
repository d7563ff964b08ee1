"""The ``theory`` section of config.yaml as a typed spec: the paper's remaining theorems checked.

Two experiments: linear self-attention (Lemma 3.9, Cor. 3.10; :mod:`bmconvex.attention`) and an
m sweep of the spiral runs past d_c + d_r (Thm 3.3, Thm 3.5), which reuses the spiral section's
data, GD and solver settings and only names its own grid.
"""

from __future__ import annotations

from dataclasses import dataclass

from bmconvex.core.gd import GDSettings
from bmconvex.solvers import SolverSettings


@dataclass(frozen=True)
class AttentionData:
    """n sequences of s tokens in R^d, targets in R^c from a teacher of ``teacher_heads`` heads."""

    n: int
    s: int
    d: int
    c: int
    teacher_heads: int
    noise: float
    seed: int


@dataclass(frozen=True)
class AttentionSpec:
    """Grid (beta, m, seeds) and settings of the linear self-attention experiment."""

    data: AttentionData
    beta: tuple[float, ...]
    m: tuple[int, ...]
    seeds: tuple[int, ...]
    init_std: float
    gd: GDSettings
    log_every: int
    convex: SolverSettings
    check_tolerance: float

    @property
    def heads_bound(self) -> int:
        """d^2 + dc: Cor. 3.10's number of heads past which no spurious local minima exist."""
        return self.data.d**2 + self.data.d * self.data.c


@dataclass(frozen=True)
class SpiralSweep:
    """The spiral runs of the m sweep: every (n, beta, m, seed), with the spiral section's settings."""

    n: tuple[int, ...]
    beta: tuple[float, ...]
    m: tuple[int, ...]
    seeds: tuple[int, ...]


@dataclass(frozen=True)
class TheorySpec:
    saddle_rtol: float
    attention: AttentionSpec
    spiral_m_sweep: SpiralSweep

    def check(self) -> None:
        """What the schema cannot see: the solver of (104) must be able to run on this machine."""
        self.attention.convex.check("theory.attention.convex")
