"""Result files that carry their provenance: parameters, package versions and platform."""

from __future__ import annotations

import json
import platform
from importlib import metadata
from pathlib import Path

PACKAGES = ("bmconvex", "numpy", "scipy", "cvxpy", "clarabel", "mosek", "torch")


def versions() -> dict[str, str]:
    found = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return {"python": platform.python_version(), "machine": platform.machine(), **found}


def write_json(path: str | Path, record: dict) -> None:
    """Write ``record`` with a ``provenance`` entry (an infinite gap is written as Infinity)."""
    Path(path).write_text(json.dumps({**record, "provenance": versions()}, indent=2) + "\n")


def read_json(path: str | Path) -> dict:
    return json.loads(Path(path).read_text())
