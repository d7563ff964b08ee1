"""Result files that carry their provenance: parameters, package versions and platform.

A record is written only when every number in it is finite (:mod:`bmconvex.core.finite`), and
whole or not at all (a temporary file renamed into place: a job killed while writing leaves no
half record). A record that cannot be read was changed outside the workflow; it is named with the
way to recover: delete it and run again with ``--forcerun <it>``. :func:`check_records` runs when
Snakemake builds the DAG (input functions in rules/common.smk), so a corrupt record stops the
workflow, dry runs included, before the job that reads it starts and before Snakemake removes
that job's old outputs (e.g. gaps.csv).
"""

from __future__ import annotations

import json
import os
import platform
from importlib import metadata
from pathlib import Path

from bmconvex.core.finite import require_finite

PACKAGES = ("bmconvex", "numpy", "scipy", "cvxpy", "clarabel", "mosek", "torch")


class CorruptRecord(ValueError):
    """A result file that is not a JSON object: cut short, emptied or edited."""


def versions() -> dict[str, str]:
    found = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return {"python": platform.python_version(), "machine": platform.machine(), **found}


def write_json(path: str | Path, record: dict) -> None:
    """Write ``record`` with a ``provenance`` entry; refuse (NonFiniteError) if a number is inf or NaN."""
    require_finite(record, str(path))
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps({**record, "provenance": versions()}, indent=2, allow_nan=False) + "\n")
    os.replace(partial, path)


def read_json(path: str | Path) -> dict:
    """The record at ``path``; CorruptRecord, naming the file and the fix, if it is not one."""
    try:
        record = json.loads(Path(path).read_text(), parse_constant=_refuse_constant)
        if not isinstance(record, dict):
            raise ValueError(f"a JSON {type(record).__name__}, not an object")
    except (UnicodeDecodeError, ValueError) as err:
        raise CorruptRecord(
            f"{path} is not a valid result record ({err}). It was changed or damaged after its job wrote "
            f"it: delete it, then run the same snakemake command with --forcerun {path} added (this "
            "recomputes it and everything built from it)."
        ) from None
    return record


def check_records(paths) -> None:
    """Read each of ``paths`` that exists: a corrupt one raises CorruptRecord."""
    for path in paths:
        if Path(path).is_file():
            read_json(path)


def _refuse_constant(name: str):
    raise ValueError(f"non-finite number {name}")
