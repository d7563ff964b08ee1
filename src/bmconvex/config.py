"""The workflow's configuration, read once: every section validated and built into its typed spec.

``parse(config, schemas)`` is called by ``rules/common.smk`` when Snakemake reads the workflow,
so a bad value stops ``snakemake`` (and ``snakemake -n``) before any job, naming the key.
Each experiment registers its section here: the schema ``<schemas>/<section>.schema.yaml`` and
the spec dataclass of its subpackage.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bmconvex.certify.config import CertifySpec
from bmconvex.cnn.config import CNNSpec
from bmconvex.core.finite import non_finite
from bmconvex.core.specs import ConfigError, build, suggest, validate
from bmconvex.mlp.config import SpiralSpec
from bmconvex.optim.config import OptimizersSpec
from bmconvex.relu.config import ReLUSpec
from bmconvex.theory.config import TheorySpec

SECTIONS = {
    "spiral": SpiralSpec,
    "cnn": CNNSpec,
    "theory": TheorySpec,
    "certify": CertifySpec,
    "relu": ReLUSpec,
    "optimizers": OptimizersSpec,
}


@dataclass(frozen=True)
class WorkflowConfig:
    spiral: SpiralSpec
    cnn: CNNSpec
    theory: TheorySpec
    certify: CertifySpec
    relu: ReLUSpec
    optimizers: OptimizersSpec


def parse(config: dict, schemas: Path) -> WorkflowConfig:
    """Validate every section against its schema, build its spec and apply its cross-field rules."""
    if (bad := next(non_finite(config), None)) is not None:
        raise ConfigError(f"{bad[0]}: {bad[1]} is not a finite number")
    if unknown := sorted(set(config) - set(SECTIONS)):
        raise ConfigError(f"{unknown[0]}: unknown section; {suggest(unknown[0], SECTIONS)}")
    specs = {}
    for name, spec in SECTIONS.items():
        if name not in config:
            raise ConfigError(f"{name}: missing section (see config.yaml)")
        validate(name, config[name], schemas / f"{name}.schema.yaml")
        specs[name] = build(spec, config[name])
        specs[name].check()
    return WorkflowConfig(**specs)
