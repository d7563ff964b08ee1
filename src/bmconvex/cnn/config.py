"""The ``cnn`` section of config.yaml as a typed spec, and the values each job of it uses.

Stages are numbered from 1 as in the paper. A job receives only what it uses (a
:class:`StageJob`), so changing a setting re-runs only the jobs whose results it changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from bmconvex.cnn.training import StageSettings
from bmconvex.core.specs import ConfigError


@dataclass(frozen=True)
class Architecture:
    """One dataset's chain: P-hat, initial lr and space-to-depth per stage (App. C.2)."""

    P_hat: tuple[int, ...]
    lr: tuple[float, ...]
    space_to_depth_before: tuple[int, ...]
    augment: bool

    @property
    def stages(self) -> range:
        return range(1, len(self.P_hat) + 1)


@dataclass(frozen=True)
class CNNData:
    root: str
    verify: bool
    train_samples: int | None
    test_samples: int | None


@dataclass(frozen=True)
class ConvexTiming:
    epochs: int
    m_chain: int
    max_batches: int | None


@dataclass(frozen=True)
class StageJob:
    """One stage of one (dataset, m) chain: its architecture up to this stage and its training."""

    dataset: str
    stage: int
    m: int
    P: tuple[int, ...]  # P-hat of stages 1 .. stage
    space_to_depth: tuple[bool, ...]  # whether the input of stages 1 .. stage is downsampled
    settings: StageSettings
    seed: int
    device: str
    bound_samples: int | None
    train_samples: int | None
    test_samples: int | None


@dataclass(frozen=True)
class CNNSpec:
    datasets: tuple[str, ...]
    architecture: dict[str, Architecture]
    m: tuple[int, ...]
    epochs: int
    batch_size: int
    momentum: float
    weight_decay: float
    lr_step: int
    lr_gamma: float
    mixed_precision: bool
    device: str
    seed: int
    bound_samples: int | None
    data: CNNData
    convex: ConvexTiming

    def check(self) -> None:
        """Cross-field rules the schema cannot express, each naming the key and the fix."""
        for dataset in self.datasets:
            if dataset not in self.architecture:
                raise ConfigError(f"cnn.architecture.{dataset}: missing; cnn.datasets lists {dataset}")
            arch, key = self.architecture[dataset], f"cnn.architecture.{dataset}"
            if len(arch.lr) != len(arch.P_hat):
                raise ConfigError(
                    f"{key}.lr: {len(arch.lr)} learning rates for {len(arch.P_hat)} stages (len(P_hat)); "
                    "give one per stage"
                )
            if bad := [s for s in arch.space_to_depth_before if s not in arch.stages]:
                raise ConfigError(
                    f"{key}.space_to_depth_before: no stage {bad[0]}; stages are 2 .. {len(arch.P_hat)} (len(P_hat))"
                )
        if self.convex.m_chain not in self.m:
            raise ConfigError(f"cnn.convex.m_chain: {self.convex.m_chain} is not one of cnn.m {list(self.m)}")

    def stage_job(self, dataset: str, stage: int, m: int) -> StageJob:
        arch = self.architecture[dataset]
        return StageJob(
            dataset=dataset,
            stage=stage,
            m=m,
            P=arch.P_hat[:stage],
            space_to_depth=tuple(s in arch.space_to_depth_before for s in range(1, stage + 1)),
            settings=StageSettings(
                epochs=self.epochs,
                lr=arch.lr[stage - 1],
                momentum=self.momentum,
                weight_decay=self.weight_decay,
                batch_size=self.batch_size,
                lr_step=self.lr_step,
                lr_gamma=self.lr_gamma,
                augment=arch.augment,
                mixed_precision=self.mixed_precision,
            ),
            seed=self.seed,
            device=self.device,
            bound_samples=self.bound_samples,
            train_samples=self.data.train_samples,
            test_samples=self.data.test_samples,
        )
