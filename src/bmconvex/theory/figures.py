"""Relative gap against m with the rank conditions of the theorems marked, every seed shown.

One panel per beta, for linear self-attention (heads m, Cor. 3.10) and the spiral's gated-ReLU
MLP (factors m per arrangement, Thm 3.3). Each final point is drawn with the rank condition it
meets: R-hat = [U; V] rank-deficient (Thm 3.3, Lemma A.7, Cor. 3.10), U and V full rank in the
sense of (21) (Thm 3.5), both, or neither; red edges mark strict saddles (a clearly negative
Hessian eigenvalue). Thm 3.4's bound is drawn beside each point; vertical lines mark the rank of
Z* and the m past which Thm 3.3 / Cor. 3.10 exclude spurious local minima (d_c + d_r: d^2 + dc
heads, d + c factors per arrangement)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

FLOOR = 1e-12  # gaps at or below this (solver round-off: p_hat may undercut p* by ~1e-11) sit on the floor
CONDITIONS = {  # (rank_deficient, full_rank) -> label, marker, colour
    (True, False): ("[U; V] rank-deficient (Thm 3.3, Cor. 3.10)", "o", "C0"),
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
            linewidths=1.2,
            label=label,
        )
    ax.set_yscale("log")


def mark_m(ax, x: int, text: str, style: str, color: str) -> None:
    """A labelled vertical line at m = x."""
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


def gap_against_m(panels: list[tuple[str, pd.DataFrame, list]], xlabel: str, title: str) -> plt.Figure:
    """One panel per (title, rows, marks): the gap of each run against m, marks (m, label, style, colour)."""
    fig, axes = plt.subplots(1, len(panels), figsize=(4.6 * len(panels), 3.6), squeeze=False, sharey=True)
    for ax, (panel_title, rows, marks) in zip(axes[0], panels, strict=True):
        rank_condition_scatter(ax, rows, "m")
        for mark in marks:
            mark_m(ax, *mark)
        ax.set(title=panel_title, xlabel=xlabel, xticks=sorted(rows["m"].unique()))
    axes[0, 0].set_ylabel(r"relative gap $(\hat p - p^*)/p^*$")
    legend_below(fig, axes[0])
    fig.suptitle(f"{title}: GD's last iterate per seed (floor {FLOOR:g})")
    fig.tight_layout()
    return fig


def heads_figure(table: pd.DataFrame, d: int, c: int) -> plt.Figure:
    """Self-attention: gap against the heads m for each beta, rank(Z*) and d^2 + dc marked."""
    panels = []
    for beta in sorted(table["beta"].unique()):
        rows = table[table["beta"] == beta]
        marks = [(int(rows["rank_Z_star"].iloc[0]), "rank Z*", "--", "C4"), (d * d + d * c, "$d^2 + dc$", ":", "C3")]
        panels.append((rf"$\beta$ = {beta:g}", rows, marks))
    return gap_against_m(panels, "heads m", f"Linear self-attention (26), d = {d}, c = {c}")


def spiral_figure(table: pd.DataFrame, d: int, c: int) -> plt.Figure:
    """Spiral: gap against m for each (n, beta), max_j rank(Z*_j) and d + c marked (Thm 3.3)."""
    panels = []
    for n, beta in sorted(table.groupby(["n", "beta"]).groups):
        rows = table[(table["n"] == n) & (table["beta"] == beta)]
        marks = [
            (int(rows["max_rank_Z_star"].max()), "max$_j$ rank $Z^*_j$", "--", "C4"),
            (d + c, "$d + c$", ":", "C3"),
        ]
        panels.append((rf"n = {n}, $\beta$ = {beta:g}", rows, marks))
    return gap_against_m(panels, "m per arrangement", "Gated-ReLU MLP (18) on the spiral")
