"""Relative gap against the number of heads m (Cor. 3.10), one panel per beta, every seed shown.

Each final point is drawn with the rank condition it meets: R-hat of (27) rank-deficient
(Cor. 3.10 / Lemma A.7), U and V full rank in the sense of (21) (Thm 3.5), both, or neither;
red edges mark strict saddles (a clearly negative Hessian eigenvalue). Thm 3.4's bound is drawn beside
each point; the rank of Z* and Cor. 3.10's head count d^2 + dc are marked by vertical lines.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

FLOOR = 1e-12  # gaps at or below this (solver round-off: p_hat may undercut p* by ~1e-11) sit on the floor
CONDITIONS = {  # (rank_deficient, full_rank) -> label, marker, colour
    (True, False): ("R-hat rank-deficient (Cor. 3.10)", "o", "C0"),
    (False, True): ("U, V full rank (21) (Thm 3.5)", "s", "C1"),
    (True, True): ("both", "D", "C2"),
    (False, False): ("neither", "^", "C7"),
}


def rank_condition_scatter(ax, table: pd.DataFrame, x: str, jitter: float = 0.12) -> None:
    """Actual gap (filled, by rank condition) and Thm 3.4 bound (x) of every run against ``x``."""
    seeds = sorted(table["seed"].unique())
    offset = table["seed"].map({s: (k - (len(seeds) - 1) / 2) * jitter for k, s in enumerate(seeds)})
    ax.scatter(table[x] + offset, table["rel_gap_bound"].clip(lower=FLOOR), marker="x", c="0.55", s=14, lw=0.8)
    for (deficient, full), (label, marker, color) in CONDITIONS.items():
        rows = (table["rank_deficient"] == deficient) & (table["full_rank"] == full)
        if not rows.any():
            continue
        edge = np.where(table.loc[rows, "strict_saddle"], "red", "k")
        ax.scatter(
            table.loc[rows, x] + offset[rows],
            table.loc[rows, "rel_gap"].clip(lower=FLOOR),
            marker=marker,
            c=color,
            s=30,
            edgecolors=edge,
            linewidths=0.8,
            label=label,
        )
    ax.set_yscale("log")


def mark_ranks(ax, rank_star: int, heads_bound: int) -> None:
    """Vertical lines at rank(Z*) and at Cor. 3.10's bound d^2 + dc (or d_c + d_r of Thm 3.3)."""
    for x, style, color, text in ((rank_star, "--", "C4", "rank Z*"), (heads_bound, ":", "C3", "$d^2 + dc$")):
        ax.axvline(x, ls=style, c=color, lw=1)
        ax.text(x, 1.0, f" {text} = {x}", transform=ax.get_xaxis_transform(), color=color, fontsize=7, va="top")


def legend_below(fig: plt.Figure, axes) -> None:
    """One legend for all panels: the rank conditions met anywhere, the bound and the saddles."""
    found = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            found.setdefault(label, handle)
    bound = plt.Line2D([], [], marker="x", ls="", c="0.55", label="Thm 3.4 bound")
    saddle = plt.Line2D([], [], marker="o", ls="", mfc="none", mec="red", label="strict saddle (not a local min)")
    handles = [*found.values(), bound, saddle]
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize=8)


def heads_figure(table: pd.DataFrame, d: int, c: int) -> plt.Figure:
    """Gap against m for each beta, with rank(Z*) and d^2 + dc marked."""
    betas = sorted(table["beta"].unique())
    fig, axes = plt.subplots(1, len(betas), figsize=(4.6 * len(betas), 3.6), squeeze=False, sharey=True)
    for ax, beta in zip(axes[0], betas, strict=True):
        rows = table[table["beta"] == beta]
        rank_condition_scatter(ax, rows, "m")
        mark_ranks(ax, int(rows["rank_Z_star"].iloc[0]), d * d + d * c)
        ax.set(title=rf"$\beta$ = {beta:g}", xlabel="heads m", xticks=sorted(rows["m"].unique()))
    axes[0, 0].set_ylabel(r"relative gap $(\hat p - p^*)/p^*$")
    legend_below(fig, axes[0])
    fig.suptitle(f"Linear self-attention (26), d = {d}, c = {c}: GD's last iterate per seed (floor {FLOOR:g})")
    fig.tight_layout()
    return fig
