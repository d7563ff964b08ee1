"""The ``spiral`` section of config.yaml as a typed spec (paper Sec. 4.1, App. C.1)."""

from __future__ import annotations

from dataclasses import dataclass

from bmconvex.core.specs import ConfigError
from bmconvex.mlp.training import GDSettings
from bmconvex.solvers import SolverError, resolve_solver


@dataclass(frozen=True)
class SpiralData:
    """The data seed is fixed: every run of a given n sees the same points (Fig. 3)."""

    seed: int
    noise: float


@dataclass(frozen=True)
class Divergence:
    """A run whose objective blows up restarts from the same init with lr x lr_factor."""

    restarts: int
    lr_factor: float

    def initial_lrs(self, lr: float) -> list[float]:
        """The initial learning rate of each attempt: lr, lr f, lr f f, ... (restarts + 1 of them)."""
        lrs = [lr]
        for _ in range(self.restarts):
            lrs.append(lrs[-1] * self.lr_factor)
        return lrs


@dataclass(frozen=True)
class ConvexSettings:
    """Solver of program (5) and the tolerance handed to it."""

    solver: str
    tolerance: float

    def check(self) -> None:
        """What the schema cannot see: the solver must be able to run on this machine."""
        try:
            resolve_solver(self.solver)
        except SolverError as err:
            raise ConfigError(f"spiral.convex.solver: {err}") from None


@dataclass(frozen=True)
class SpiralSpec:
    """Grid (n, beta, m, seeds) and settings of the spiral relative-optimality-gap experiment."""

    n: tuple[int, ...]
    beta: tuple[float, ...]
    m: tuple[int, ...]
    seeds: tuple[int, ...]
    data: SpiralData
    P_hat: int
    loss_scaling: str
    init_std: float
    gd: GDSettings
    divergence: Divergence
    log_every: int
    convex: ConvexSettings
    check_tolerance: float

    @property
    def fig2_n(self) -> int:
        """Fig. 2 is drawn at the largest n (150 in the paper), Fig. 4 at the others."""
        return max(self.n)

    @property
    def fig4_ns(self) -> list[int]:
        return sorted(n for n in self.n if n != self.fig2_n)

    def check(self) -> None:
        self.convex.check()


def beta_label(beta: float) -> str:
    """The file-name form of beta: Python's shortest exact repr, so distinct betas never collide."""
    return repr(float(beta))
