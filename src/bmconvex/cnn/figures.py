"""Figures 1, 5 and 6 of the layerwise CNN experiment (Sec. 4.2, App. C.2-C.3)."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from bmconvex.cnn.paper import NAMES, PAPER  # noqa: E402

OOM = {"hatch": "///", "facecolor": "none", "edgecolor": "tab:red"}


def accuracy_figure(stages: pd.DataFrame, column: str, ylabel: str) -> plt.Figure:
    """Fig. 1 (test) / Fig. 5 (train): accuracy after each stage for each m, one panel per dataset."""
    datasets = list(dict.fromkeys(stages["dataset"]))
    fig, axes = plt.subplots(1, len(datasets), figsize=(4.5 * len(datasets), 3.4), squeeze=False)
    for ax, dataset in zip(axes[0], datasets, strict=True):
        part = stages[stages["dataset"] == dataset].assign(
            accuracy=lambda d: 100 * d[column], model=lambda d: "BM, m = " + d["m"].astype(str)
        )
        order = [f"BM, m = {m}" for m in sorted(part["m"].unique())]
        sns.lineplot(data=part, x="stage", y="accuracy", hue="model", hue_order=order, marker="o", ax=ax)
        if column == "test_acc":
            ax.axhline(PAPER[dataset]["end_to_end"], color="k", ls="--", lw=1, label="end-to-end ReLU CNN (paper)")
            paper = PAPER[dataset]["bm"]
            ax.scatter([part["stage"].max()] * len(paper), list(paper.values()), marker="x", color="gray")
            ax.scatter([], [], marker="x", color="gray", label=f"BM, paper, m = {', '.join(map(str, paper))}")
        ax.set(title=NAMES[dataset], xlabel="stage", ylabel=ylabel, xticks=sorted(part["stage"].unique()))
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def _bars(stages: pd.DataFrame, convex: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """(label, rows with stage, status, seconds_per_epoch, peak_mem_gb, needed_gib) per bar group."""
    bm = stages.assign(status="trained", needed_gib=math.nan)
    groups = [(f"BM, m = {m}", bm[bm["m"] == m]) for m in sorted(bm["m"].unique())]
    return [*groups, ("convex (23)", convex)]


def _mark(ax, xs, y, text: str, color: str) -> None:
    for x in xs:
        ax.text(x, y, text, rotation=90, ha="center", va="bottom", fontsize=7, color=color)


def _time_panel(ax, groups, colors, stages_shown) -> None:
    """Seconds per epoch on a log axis; an out-of-memory stage is a hatched bar to the top."""
    times = pd.concat([part["seconds_per_epoch"] for _, part in groups]).dropna()
    low, high = (times.min() / 3, times.max() * 10) if len(times) else (0.1, 10)
    width = 0.8 / len(groups)
    for i, ((label, part), color) in enumerate(zip(groups, colors, strict=True)):
        x = part["stage"] - 0.4 + width * (i + 0.5)
        done = part["status"] == "trained"
        ax.bar(x[done], part["seconds_per_epoch"][done] - low, width, bottom=low, color=color, label=label)
        oom = part["status"] == "out of memory"
        ax.bar(x[oom], high - low, width, bottom=low, **OOM)
        _mark(ax, x[oom], low * 1.5, "out of memory", "tab:red")
        _mark(ax, x[part["status"] == "not reached"], low * 1.5, "not reached", "gray")
    ax.set(yscale="log", ylim=(low, high), ylabel="seconds per epoch (log)", xlabel="stage")
    ax.set(xticks=stages_shown, xlim=(stages_shown[0] - 0.5, stages_shown[-1] + 0.5))


def _memory_panel(ax, groups, colors, stages_shown, budget) -> None:
    """Peak GPU memory; an out-of-memory stage is a hatched bar at what it needed at least (on a CPU
    run: from shapes, the only bars of the panel, whose title says that nothing was measured)."""
    width = 0.8 / len(groups)
    for i, ((label, part), color) in enumerate(zip(groups, colors, strict=True)):
        x = part["stage"] - 0.4 + width * (i + 0.5)
        ax.bar(x, part["peak_mem_gb"].fillna(0), width, color=color, label=label)
        oom = part["status"] == "out of memory"
        ax.bar(x[oom], part["needed_gib"][oom], width, **OOM)
        for xi, need in zip(x[oom], part["needed_gib"][oom], strict=True):
            ax.text(xi, need, f">= {need:.1f}", ha="center", va="bottom", fontsize=7, color="tab:red")
        _mark(ax, x[part["status"] == "not reached"], 0.1, "not reached", "gray")
    if budget is not None:
        ax.axhline(budget, color="k", ls="--", lw=1)
        ax.text(stages_shown[0] - 0.45, budget, f" budget {budget:g} GiB", va="bottom", fontsize=7)
    ax.set(ylabel="peak GPU memory (GiB)", xlabel="stage", ylim=(0, None))
    ax.set(xticks=stages_shown, xlim=(stages_shown[0] - 0.5, stages_shown[-1] + 0.5))


def cost_figure(stages: pd.DataFrame, convex: pd.DataFrame) -> plt.Figure:
    """Fig. 6: seconds per epoch and peak GPU memory per stage, BM (each m) against the convex chain (23);
    the time panel's title names the precision the stages trained in."""
    datasets = list(dict.fromkeys([*stages["dataset"], *convex["dataset"]]))
    fig, axes = plt.subplots(len(datasets), 2, figsize=(10, 3.6 * len(datasets)), squeeze=False)
    for (time_ax, mem_ax), dataset in zip(axes, datasets, strict=True):
        groups = _bars(stages[stages["dataset"] == dataset], convex[convex["dataset"] == dataset])
        colors = sns.color_palette("deep", len(groups))
        shown = sorted({s for _, part in groups for s in part["stage"]})
        budgets = convex.loc[convex["dataset"] == dataset, "budget_gib"].dropna().unique()
        _time_panel(time_ax, groups, colors, shown)
        _memory_panel(mem_ax, groups, colors, shown, budgets[0] if len(budgets) else None)
        precisions = sorted({p for _, part in groups for p in part["precision"]})  # bf16, fp16 or fp32
        time_ax.set_title(f"{NAMES[dataset]}: time per epoch ({', '.join(precisions)})")
        measured = pd.concat([part["peak_mem_gb"] for _, part in groups]).notna().any()
        mem_ax.set_title(f"{NAMES[dataset]}: peak GPU memory" + ("" if measured else " not measured (CPU run)"))
        handles, _ = time_ax.get_legend_handles_labels()
        if any((part["status"] == "out of memory").any() for _, part in groups):
            handles.append(Patch(**OOM, label="out of memory"))
        time_ax.legend(handles=handles, fontsize=7)
    fig.tight_layout()
    return fig
