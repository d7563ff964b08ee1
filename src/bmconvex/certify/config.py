"""The ``certify`` section of config.yaml as a typed spec, and the values each job uses.

One job per (dataset, n, P-hat, solver): its data sizes, beta, the tolerance of the certified
relative gap, and the time and memory caps it records when it hits them.
"""

from __future__ import annotations

from dataclasses import dataclass

from bmconvex.core.specs import ConfigError
from bmconvex.mlp.config import SpiralData
from bmconvex.solvers import SOLVERS, SolverError, resolve_solver

DATASETS = ("spiral", "fashion_mnist")
FASHION_MNIST_TRAIN = 60_000


@dataclass(frozen=True)
class Sizes:
    """One dataset's grid n x P-hat, its beta and the caps of each of its jobs."""

    n: tuple[int, ...]
    P_hat: tuple[int, ...]
    beta: float
    time_limit_s: float
    memory_limit_mb: int


@dataclass(frozen=True)
class Agreement:
    """The paper's spiral grid (Sec. 4.1), solved by BM_CERTIFIED and Clarabel."""

    n: tuple[int, ...]
    beta: tuple[float, ...]
    seeds: tuple[int, ...]
    P_hat: int
    tolerance: float
    max_seconds: float  # BM_CERTIFIED's budget per solve


@dataclass(frozen=True)
class CertifyJob:
    """What one solve of the scaling experiment uses, as plain values."""

    dataset: str
    n: int
    P_hat: int
    solver: str
    beta: float
    tolerance: float
    time_limit_s: float
    memory_limit_mb: int
    device: str
    seed: int
    spiral_noise: float
    spiral_data_seed: int


@dataclass(frozen=True)
class FashionData:
    root: str
    verify: bool


@dataclass(frozen=True)
class CertifySpec:
    datasets: dict[str, Sizes]
    solvers: tuple[str, ...]
    tolerance: float
    device: str
    seed: int
    spiral_data: SpiralData
    fashion_mnist: FashionData
    agreement: Agreement

    def check(self) -> None:
        """Cross-field rules the schema cannot express, each naming the key and the fix."""
        for name in self.solvers:
            if name == "auto" or name not in SOLVERS:
                raise ConfigError(f"certify.solvers: {name!r}; choose from {[s for s in SOLVERS if s != 'auto']}")
            try:
                resolve_solver(name)
            except SolverError as err:
                raise ConfigError(f"certify.solvers: {err}") from None
        if "spiral" in self.datasets and (bad := [n for n in self.datasets["spiral"].n if n % 3]):
            raise ConfigError(f"certify.datasets.spiral.n: {bad[0]} is not a multiple of 3 (n / 3 points per arm)")
        if "fashion_mnist" in self.datasets and max(self.datasets["fashion_mnist"].n) > FASHION_MNIST_TRAIN:
            raise ConfigError(f"certify.datasets.fashion_mnist.n: at most {FASHION_MNIST_TRAIN} training images")

    def runs(self) -> list[tuple[str, int, int, str]]:
        """Every (dataset, n, P-hat, solver) of the scaling experiment."""
        return [
            (dataset, n, P_hat, solver)
            for dataset, sizes in self.datasets.items()
            for n in sizes.n
            for P_hat in sizes.P_hat
            for solver in self.solvers
        ]

    def job(self, dataset: str, n: int, P_hat: int, solver: str) -> CertifyJob:
        sizes = self.datasets[dataset]
        return CertifyJob(
            dataset=dataset,
            n=n,
            P_hat=P_hat,
            solver=solver,
            beta=sizes.beta,
            tolerance=self.tolerance,
            time_limit_s=sizes.time_limit_s,
            memory_limit_mb=sizes.memory_limit_mb,
            device=self.device,
            seed=self.seed,
            spiral_noise=self.spiral_data.noise,
            spiral_data_seed=self.spiral_data.seed,
        )
