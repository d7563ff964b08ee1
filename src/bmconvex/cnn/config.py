"""The ``cnn`` section of config.yaml as a typed spec, and the values each job of it uses.

Stages are numbered from 1 as in the paper. A job receives only what it uses (a
:class:`StageJob` for a BM stage, a :class:`ConvexJob` for a stage of the convex chain), so
changing a setting re-runs only the jobs whose results it changes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

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
    max_batches: int | None


@dataclass(frozen=True)
class ChainStage:
    """What every stage job uses: the chain's architecture up to this stage, its training, its device."""

    dataset: str
    stage: int
    P: tuple[int, ...]  # P-hat of stages 1 .. stage
    space_to_depth: tuple[bool, ...]  # whether the input of stages 1 .. stage is downsampled
    settings: StageSettings
    seed: int
    device: str
    gpu_memory_gib: float | None  # the memory budget the stage must fit (None: the whole card)
    train_samples: int | None
    test_samples: int | None


@dataclass(frozen=True)
class StageJob(ChainStage):
    """Stage s of one (dataset, m) chain of BM stages (126), on the frozen BM stages 1 .. s - 1."""

    m: int
    bound_samples: int | None


@dataclass(frozen=True)
class ConvexJob(ChainStage):
    """Stage s of the convex chain (23), on the frozen convex stages 1 .. s - 1 (Fig. 6).

    ``settings.epochs`` is the number of epochs timed; ``max_batches`` cuts each to that many batches.
    """

    max_batches: int | None


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
    precision: str
    device: str
    gpu_memory_gib: float | None
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

    def _chain_stage(self, dataset: str, stage: int) -> dict:
        arch = self.architecture[dataset]
        return dict(
            dataset=dataset,
            stage=stage,
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
                precision=self.precision,
            ),
            seed=self.seed,
            device=self.device,
            gpu_memory_gib=self.gpu_memory_gib,
            train_samples=self.data.train_samples,
            test_samples=self.data.test_samples,
        )

    def stage_job(self, dataset: str, stage: int, m: int) -> StageJob:
        return StageJob(**self._chain_stage(dataset, stage), m=m, bound_samples=self.bound_samples)

    def convex_job(self, dataset: str, stage: int) -> ConvexJob:
        base = self._chain_stage(dataset, stage)
        base["settings"] = replace(base["settings"], epochs=self.convex.epochs)
        return ConvexJob(**base, max_batches=self.convex.max_batches)
