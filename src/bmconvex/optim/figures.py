"""The optimizer study's figures: Fig. 2's layout with one line per optimizer, and the fraction of
runs whose gap is below each threshold against the evaluations spent."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

FLOOR = 1e-10  # as in Fig. 2: a log axis cannot show 0; gaps at or below this are drawn on it
LABELS = {
    "paper_gd": "the paper's GD (plateau decay)",
    "gd": "GD, no decay",
    "heavy_ball": "heavy ball, momentum reset",
    "precgd": "PrecGD (+ momentum reset)",
    "lbfgs": "L-BFGS at fixed m",
}


def _color(order: list[str], name: str) -> str:
    return f"C{order.index(name)}"


def fig2_figure(table: pd.DataFrame, n: int, order: list[str]) -> plt.Figure:
    """The actual gap against beta at one n, one panel per m: mean over seeds (line) and range (band)."""
    rows = table[table["n"] == n]
    ms = sorted(rows["m"].unique())
    fig, axes = plt.subplots(1, len(ms), figsize=(3.4 * len(ms), 3.6), squeeze=False, sharey=True)
    for ax, m in zip(axes[0], ms, strict=True):
        for name in order:
            stats = rows[(rows["m"] == m) & (rows["optimizer"] == name)].groupby("beta")["rel_gap"]
            stats = stats.agg(["mean", "min", "max"]).clip(lower=FLOOR)
            beta, color = stats.index.to_numpy(dtype=float), _color(order, name)
            ax.fill_between(beta, stats["min"], stats["max"], color=color, alpha=0.12, lw=0)
            ax.plot(beta, stats["mean"], marker="o", ms=4, color=color, label=LABELS.get(name, name))
        ax.axhline(FLOOR, color="0.4", ls=":", lw=1)
        ax.set(xscale="log", yscale="log", title=f"n = {n}, m = {m}", xlabel=r"$\beta$")
        ax.grid(True, which="major", alpha=0.3)
    axes[0][0].set_ylabel("relative optimality gap (final point)")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(len(order), 3), frameon=False)
    fig.suptitle(
        f"Spiral (Fig. 2 layout), same budget of evaluations: mean and range over seeds; floor {FLOOR:g}", fontsize=10
    )
    fig.tight_layout(rect=(0, 0.16, 1, 1))
    return fig


def fraction_figure(table: pd.DataFrame, thresholds: list[float], budget: int, order: list[str]) -> plt.Figure:
    """Fraction of all runs whose gap (solid) / certified gap (dashed) is at or below each threshold."""
    fig, axes = plt.subplots(1, len(thresholds), figsize=(3.6 * len(thresholds), 3.6), squeeze=False, sharey=True)
    grid = np.unique(np.geomspace(1, budget, 200).round())
    for ax, t in zip(axes[0], thresholds, strict=True):
        for name in order:
            runs, color = table[table["optimizer"] == name], _color(order, name)
            for column, ls in ((f"evals_gap_{t:g}", "-"), (f"evals_certified_{t:g}", "--")):
                reached = runs[column].dropna().to_numpy(dtype=float)
                fraction = (reached[None, :] <= grid[:, None]).sum(axis=1) / len(runs)
                label = LABELS.get(name, name) if ls == "-" else None
                ax.plot(grid, fraction, color=color, ls=ls, label=label, drawstyle="steps-post")
        ax.set(xscale="log", ylim=(0, 1.02), title=f"gap <= {t:g}", xlabel="evaluations of (f, gradient)")
        ax.grid(True, which="major", alpha=0.3)
    axes[0][0].set_ylabel("fraction of each optimizer's runs")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(len(order), 3), frameon=False)
    fig.suptitle(
        "Spiral grid: solid, actual gap (p* known); dashed, certified gap (Thm 3.4 / Fenchel bound)", fontsize=10
    )
    fig.tight_layout(rect=(0, 0.16, 1, 1))
    return fig
