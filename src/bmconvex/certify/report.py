"""The scaling table, its figure (time to certificate against n) and the agreement table."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

COLUMNS = [
    "dataset", "n", "d", "P", "P_hat", "beta", "solver", "status", "seconds", "peak_mem_mb", "p_upper", "p_lower",
    "certified_gap", "iterations", "seconds_per_iteration", "test_accuracy", "time_limit_s", "memory_limit_mb",
    "device", "conic_variables", "stop", "rounds", "grown", "newton_steps", "thm34_eps", "gpu_peak_mem_mb",
]  # fmt: skip
MARKERS = {"certified": "o", "budget": "s", "time_limit": "x", "out_of_memory": "X", "failed": "d"}


def scaling_table(records: list[dict]) -> pd.DataFrame:
    table = pd.DataFrame(records).reindex(columns=COLUMNS)
    return table.sort_values(["dataset", "P_hat", "n", "solver"], kind="stable").reset_index(drop=True)


def scaling_figure(table: pd.DataFrame) -> plt.Figure:
    """Time to the certificate against n, log-log, one panel per dataset; the marker is the status
    (filled circle: certified; square: budget bracket; crosses: time / memory cap; diamond: failed)."""
    datasets = list(dict.fromkeys(table["dataset"]))
    fig, axes = plt.subplots(1, len(datasets), figsize=(5.5 * len(datasets), 4.2), squeeze=False)
    colours = {s: f"C{i}" for i, s in enumerate(dict.fromkeys(table["solver"]))}
    for ax, dataset in zip(axes[0], datasets, strict=True):
        part = table[table["dataset"] == dataset]
        for (solver, P_hat), runs in part.groupby(["solver", "P_hat"], sort=False):
            label = f"{solver}" + (f", P-hat {P_hat}" if part["P_hat"].nunique() > 1 else "")
            style = "-" if P_hat == part["P_hat"].min() else "--"
            ax.plot(runs["n"], runs["seconds"], style, color=colours[solver], label=label, alpha=0.8)
            for status, marker in MARKERS.items():
                hit = runs[runs["status"] == status]
                ax.scatter(hit["n"], hit["seconds"], marker=marker, color=colours[solver], zorder=3)
        ax.set(xscale="log", yscale="log", xlabel="n (samples)", ylabel="seconds to certified gap (or to the cap)")
        ax.set_title(dataset.replace("_", "-"))
        ax.grid(True, which="both", alpha=0.3)
        statuses = [s for s in MARKERS if (part["status"] == s).any()]  # the markers, explained once
        handles, _ = ax.get_legend_handles_labels()
        handles += [Line2D([], [], ls="", marker=MARKERS[s], color="0.4", label=s.replace("_", " ")) for s in statuses]
        ax.legend(handles=handles, fontsize=7)
    fig.tight_layout()
    return fig


def _cell(row) -> str:
    if row["status"] == "certified":
        return f"{row['seconds']:.3g} s"
    gap = row["certified_gap"]
    bracket = f", gap {gap:.1e}" if isinstance(gap, float) and np.isfinite(gap) else ""
    return f"{row['status']} ({row['seconds']:.3g} s{bracket})"


def markdown_table(table: pd.DataFrame, tolerance: float) -> str:
    """Seconds to a certified relative gap <= tolerance, one row per (dataset, n, P), one column per solver."""
    table = table.assign(cell=table.apply(_cell, axis=1))
    wide = table.pivot_table(index=["dataset", "n", "P_hat", "P"], columns="solver", values="cell", aggfunc="first")
    wide = wide.reindex(columns=list(dict.fromkeys(table["solver"]))).reset_index()
    head = f"Seconds to a certified relative gap <= {tolerance:g} (else: how the job ended, its certified gap).\n\n"
    return head + wide.to_markdown(index=False) + "\n"


def agreement_markdown(table: pd.DataFrame) -> str:
    """One row per solve of the paper's grid: both brackets and whether each holds the other's value."""
    columns = ["n", "beta", "seed", "P", "bm_status", "bm_p_upper", "bm_certified_gap", "clarabel_p_star"]
    columns += ["clarabel_certified_gap"]
    columns += ["rel_diff", "bm_holds_clarabel", "clarabel_holds_bm", "bm_seconds", "clarabel_seconds"]
    agree = int((table["bm_holds_clarabel"] & table["clarabel_holds_bm"]).sum())
    certified = int((table["bm_status"] == "certified").sum())
    head = (
        f"BM_CERTIFIED against Clarabel (direct) on the paper's grid: {certified} of {len(table)} solves certified "
        f"within the budget; in {agree} of {len(table)} each bracket holds the other's value.\n\n"
    )
    return head + table[columns].to_markdown(index=False, floatfmt=".3g") + "\n"
