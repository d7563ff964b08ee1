"""Figures of the ReLU experiment: Fig. 2 / 4 for (19), and what the ReLU constraint costs, p*(3) / p*(5).

The gap figures are the gated experiment's (:func:`bmconvex.core.gap_figure.gap_figure`) drawn from the
ReLU gap table, whose columns they share.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from bmconvex.core.gap_figure import gap_figure  # noqa: E402
from bmconvex.relu.gaps import summary  # noqa: E402

MODEL = "BM ReLU MLP (19), projected GD"


def relu_gap_figure(table: pd.DataFrame, ns: list[int]) -> plt.Figure:
    """Actual gap, Thm 3.4 bound (exact sigma) and certified gap against beta, one panel per (n, m)."""
    return gap_figure(table, ns, model=MODEL)


def ratio_figure(table: pd.DataFrame) -> plt.Figure:
    """p*(3) / p*(5) against beta, one line per n: mean over seeds, band from min to max."""
    stats = summary(table)
    stats = stats[stats["n"] != "all"]
    fig, ax = plt.subplots(figsize=(5.0, 3.6))
    for i, (n, rows) in enumerate(stats.groupby("n")):
        color = f"C{i}"
        ax.fill_between(rows["beta"], rows["ratio_min"], rows["ratio_max"], color=color, alpha=0.2, lw=0)
        ax.plot(rows["beta"], rows["ratio_mean"], color=color, marker="o", label=f"n = {n}")
    ax.axhline(1.0, color="0.4", ls=":", lw=1)
    ax.set(xscale="log", xlabel=r"$\beta$", ylabel="p*(3) / p*(5)")
    ax.set_title(
        "What the ReLU constraint costs: certified p* of (3) over p* of (5)\n"
        "same data and patterns; mean and range over seeds",
        fontsize=9,
    )
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig
