"""Fig. 2 / 4 of the paper (relative gap, Thm 3.4 bound and certified gap against beta), drawn from a gap
table with the columns n, m, beta, rel_gap, rel_gap_bound, certified_gap: the gated (18) and ReLU (19) MLPs'.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

FLOOR = 1e-10  # a log axis cannot show 0: gaps at or below this (exact optima, solver round-off) sit on it
# Column, label and style of each quantity. The Thm 3.4 bound (20) and the certified gap
# (p_hat - d_hat) / d_hat coincide at a stationary point (eq. 57): the bound is drawn as a wide
# pale line under the certified gap, and their markers are dodged left and right of their beta.
STYLES = {
    "rel_gap": dict(label="actual gap", color="C0", marker="o", ls="-", lw=1.6, dodge=1.0),
    "rel_gap_bound": dict(label="Thm 3.4 bound (20)", color="C1", marker="D", ls="-", lw=5.0, alpha=0.45, dodge=0.8),
    "certified_gap": dict(label="certified gap (any point)", color="C2", marker="s", ls="--", lw=1.4, dodge=1.25),
}


def _summary(table: pd.DataFrame) -> pd.DataFrame:
    """Mean, min and max over seeds of every quantity per (n, m, beta)."""
    return table.groupby(["n", "m", "beta"])[list(STYLES)].agg(["mean", "min", "max"])


def _draw(ax: plt.Axes, stats: pd.DataFrame) -> None:
    beta = stats.index.to_numpy(dtype=float)
    for column, style in STYLES.items():
        mean, low, high = (stats[column][s].to_numpy() for s in ("mean", "min", "max"))
        x = beta * style["dodge"]
        ax.fill_between(x, np.maximum(low, FLOOR), np.maximum(high, FLOOR), color=style["color"], alpha=0.15, lw=0)
        alpha = style.get("alpha", 1.0)
        ax.plot(x, np.maximum(mean, FLOOR), color=style["color"], ls=style["ls"], lw=style["lw"], alpha=alpha)
        clipped = mean <= FLOOR
        kw = dict(color=style["color"], ms=5, ls="none", zorder=3)
        ax.plot(x[~clipped], mean[~clipped], marker=style["marker"], **kw)
        ax.plot(x[clipped], np.full(clipped.sum(), FLOOR), marker="v", mfc="white", **kw)


def _y_range(stats: pd.DataFrame) -> tuple[float, float]:
    """One y-range per row (one n): its smallest and largest drawn value, half a decade of margin."""
    values = np.maximum(stats.xs("max", axis=1, level=1).to_numpy(), FLOOR)
    lows = np.maximum(stats.xs("min", axis=1, level=1).to_numpy(), FLOOR)
    return lows.min() / 3, values.max() * 3


def _legend(fig: plt.Figure, floor_shown: bool) -> None:
    handles = [
        Line2D([], [], color=s["color"], marker=s["marker"], ls=s["ls"], lw=min(s["lw"], 3), alpha=s.get("alpha", 1.0))
        for s in STYLES.values()
    ]
    labels = [s["label"] for s in STYLES.values()]
    if floor_shown:
        handles += [Line2D([], [], color="0.4", marker="v", mfc="white", ls=":", lw=1)]
        labels += [f"plotting floor {FLOOR:.0e}: a mean at or below it is drawn on it"]
    fig.legend(handles, labels, loc="lower center", ncol=2 if floor_shown else 3, frameon=False)


def gap_figure(table: pd.DataFrame, ns: Sequence[int], model: str = "BM gated-ReLU MLP") -> plt.Figure:
    """Relative gap and bounds against beta, one panel per (n, m): mean marker and line, min-max band over seeds.

    Each row (one n) has its own y-range; values at or below FLOOR are drawn on the dotted floor
    line, a mean there with an open triangle. ``model`` names the network in the title (the ReLU
    experiment draws its table of (19) the same way).
    """
    stats = _summary(table[table["n"].isin(ns)])
    ms = sorted(stats.index.get_level_values("m").unique())
    legend_in, title_in = 0.75, 0.55  # inches below and above the panels
    height = 2.6 * len(ns) + legend_in + title_in
    fig, axes = plt.subplots(len(ns), len(ms), figsize=(3.2 * len(ms), height), squeeze=False, sharex=True)
    floor_shown = False
    for row, n in zip(axes, ns, strict=True):
        y_range = _y_range(stats.loc[n])
        for ax, m in zip(row, ms, strict=True):
            _draw(ax, stats.loc[(n, m)])
            ax.set(xscale="log", yscale="log", ylim=y_range, title=f"n = {n}, m = {m}")
            if y_range[0] <= FLOOR:
                ax.axhline(FLOOR, color="0.4", ls=":", lw=1)
                floor_shown = True
            ax.grid(True, which="major", alpha=0.3)
        row[0].set_ylabel("relative optimality gap")
    for ax in axes[-1]:
        ax.set_xlabel(r"$\beta$")
    _legend(fig, floor_shown)
    fig.suptitle(
        f"{model}, spiral data (n = {', '.join(map(str, ns))}): mean and range over seeds\n"
        "the Thm 3.4 bound (wide pale line) equals the certified gap at stationary points; markers dodged in beta",
        fontsize=10,
    )
    fig.tight_layout(rect=(0, legend_in / height, 1, 1))
    return fig
