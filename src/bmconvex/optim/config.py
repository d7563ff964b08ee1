"""The ``optimizers`` section of config.yaml as a typed spec (target ``optimizers``).

The runs are the spiral section's grid (n, beta, m, seeds), data, arrangements, init and p*; this
section names the optimizers, their common budget of (f, gradient) evaluations, how often the
iterate is certified, the gap thresholds recorded and each optimizer's own settings. The paper's
GD and the GD without decay take the spiral section's ``gd`` settings (the second with the plateau
factor 1); every optimizer with a step restarts as the spiral section's ``divergence`` says.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bmconvex.core.gd import GDSettings
from bmconvex.core.specs import ConfigError
from bmconvex.optim import OPTIMIZERS
from bmconvex.optim.methods import LBFGS, HeavyBall, PrecGD

# The dataclass of each optimizer's settings (a job receives them as a plain dict).
SETTINGS = {"paper_gd": GDSettings, "gd": GDSettings, "heavy_ball": HeavyBall, "precgd": PrecGD, "lbfgs": LBFGS}


@dataclass(frozen=True)
class OptimizersSpec:
    run: tuple[str, ...]
    budget: int
    check_every: int
    thresholds: tuple[float, ...]
    heavy_ball: HeavyBall
    precgd: PrecGD
    lbfgs: LBFGS

    def settings(self, name: str, gd: GDSettings):
        """The settings ``OPTIMIZERS[name]`` runs with; ``gd`` is the spiral section's."""
        if name == "paper_gd":
            return replace(gd, epochs=self.budget)
        if name == "gd":
            return replace(gd, epochs=self.budget, plateau_factor=1.0)
        return getattr(self, name)

    def check(self) -> None:
        """Names the schema's enum already limits; kept in step with the registry here."""
        if unknown := [name for name in self.run if name not in OPTIMIZERS or name not in SETTINGS]:
            raise ConfigError(f"optimizers.run: unknown optimizer {unknown[0]!r}; choose from {', '.join(OPTIMIZERS)}")
