"""No non-finite number becomes a result: inf or NaN anywhere in a record is an error naming the key.

A value that is legitimately absent (peak GPU memory on a CPU, the time of an epoch that ran out
of memory, a certified gap without a positive lower bound) is ``None`` (JSON ``null``), never NaN.
"""

from __future__ import annotations

import math
from collections.abc import Iterator


class NonFiniteError(FloatingPointError):
    """A number that would become a result is inf or NaN; the message says what diverged."""


def non_finite(value, key: str = "") -> Iterator[tuple[str, float]]:
    """(key, value) of every non-finite float in nested dicts and lists; keys as 'epochs[3].loss'."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from non_finite(v, f"{key}.{k}" if key else str(k))
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            yield from non_finite(v, f"{key}[{i}]")
    elif isinstance(value, float) and not math.isfinite(value):
        yield key, value


def require_finite(record: dict, where: str) -> None:
    """Raise NonFiniteError naming every non-finite entry of ``record`` (``where``: what produced it)."""
    if bad := list(non_finite(record)):
        listed = ", ".join(f"{key} = {value}" for key, value in bad)
        raise NonFiniteError(f"{where}: non-finite result {listed}; the computation diverged, nothing is written")
