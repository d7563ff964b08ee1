"""Figures 2-4 of the paper from the gap table and the spiral data (Sec. 4.1, App. C.1)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from bmconvex.mlp.spiral import Dataset  # noqa: E402

FLOOR = 1e-10  # gaps at or below this (exact optima, solver round-off) are drawn at the floor
QUANTITIES = {
    "rel_gap": "actual gap",
    "rel_gap_bound": "Thm 3.4 bound",
    "certified_gap": "certified gap (any point)",
}


def _long_form(table: pd.DataFrame) -> pd.DataFrame:
    long = table.melt(id_vars=["n", "beta", "m", "seed"], value_vars=list(QUANTITIES), var_name="quantity")
    long["quantity"] = long["quantity"].map(QUANTITIES)
    long["value"] = long["value"].clip(lower=FLOOR)
    return long


def gap_figure(table: pd.DataFrame, ns: Sequence[int]) -> sns.FacetGrid:
    """Relative gap and bounds against beta, one panel per (n, m); mean line, min-max band over seeds."""
    long = _long_form(table[table["n"].isin(ns)])
    grid = sns.relplot(
        data=long,
        kind="line",
        x="beta",
        y="value",
        hue="quantity",
        style="quantity",
        row="n" if len(ns) > 1 else None,
        col="m",
        markers={label: marker for label, marker in zip(QUANTITIES.values(), "oXs", strict=True)},
        dashes={label: dash for label, dash in zip(QUANTITIES.values(), ["", "", (2, 2)], strict=True)},
        estimator="mean",
        errorbar=("pi", 100),
        height=2.8,
        aspect=1.1,
        facet_kws={"margin_titles": True},
    )
    grid.set(xscale="log", yscale="log")
    grid.set_axis_labels(r"$\beta$", "relative optimality gap")
    grid.figure.suptitle(
        f"BM gated-ReLU MLP, spiral data (n = {', '.join(map(str, ns))}), mean and range over seeds", y=1.02
    )
    return grid


def data_figure(datasets: dict[int, Dataset]) -> plt.Figure:
    """Fig. 3: the three-class spiral for each n."""
    fig, axes = plt.subplots(1, len(datasets), figsize=(3 * len(datasets), 3), squeeze=False)
    for ax, (n, ds) in zip(axes[0], sorted(datasets.items()), strict=False):
        sns.scatterplot(x=ds.X[:, 0], y=ds.X[:, 1], hue=ds.y, palette="deep", ax=ax, legend=False, s=18)
        ax.set(title=f"n = {n}", xlim=(-1.1, 1.1), ylim=(-1.1, 1.1), aspect="equal", xlabel="$x_1$", ylabel="$x_2$")
    fig.tight_layout()
    return fig
