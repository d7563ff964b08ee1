"""Saving figures: one call for every experiment, PDF and PNG byte-reproducible.

Matplotlib writes the time of saving into a PDF (CreationDate); without it, and with the fixed
dpi and the Agg backend, two runs of the same job write identical bytes.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

METADATA = {".pdf": {"CreationDate": None}}  # None: the entry is left out


def save(fig: plt.Figure, *paths: str) -> None:
    for path in paths:
        fig.savefig(path, bbox_inches="tight", dpi=150, metadata=METADATA.get(Path(path).suffix))
    plt.close(fig)
