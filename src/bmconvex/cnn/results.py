"""Tables and Figures 1, 5, 6 of the layerwise CNN experiment (Sec. 4.2, App. C.3)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from bmconvex.core.figures import save  # noqa: E402

# The paper's Sec. 4.2: final test accuracy (%) of the BM stages per m, the end-to-end ReLU CNN
# baseline of the same depth, and the training time (s) of the whole chain on one 1080 Ti.
PAPER = {
    "fashion_mnist": {"bm": {1: 91.5, 2: 91.4, 4: 91.6}, "end_to_end": 91.2, "seconds": 4931},
    "cifar10": {"bm": {1: 80.9, 2: 81.1, 4: 81.5}, "end_to_end": 81.6, "seconds": 9163},
}
NAMES = {"fashion_mnist": "Fashion-MNIST", "cifar10": "CIFAR-10"}


def epoch_table(records: list[dict]) -> pd.DataFrame:
    """One row per (dataset, m, stage, epoch)."""
    rows = [{"dataset": r["dataset"], "m": r["m"], "stage": r["stage"], **e} for r in records for e in r["epochs"]]
    return pd.DataFrame(rows).sort_values(["dataset", "m", "stage", "epoch"], ignore_index=True)


def stage_table(records: list[dict]) -> pd.DataFrame:
    """One row per (dataset, m, stage): final accuracies, seconds per epoch, peak memory, bound."""
    rows = []
    for r in records:
        last = r["epochs"][-1]
        rows.append(
            {
                "dataset": r["dataset"],
                "m": r["m"],
                "stage": r["stage"],
                "epochs": len(r["epochs"]),
                "train_acc": last["train_acc"],
                "test_acc": last["test_acc"],
                "seconds_per_epoch": sum(e["seconds"] for e in r["epochs"]) / len(r["epochs"]),
                "seconds": sum(e["seconds"] for e in r["epochs"]),
                "peak_mem_gb": max(e["peak_mem_gb"] for e in r["epochs"]),
                "bound": r["bound"],
                "device": r["device"],
            }
        )
    return pd.DataFrame(rows).sort_values(["dataset", "m", "stage"], ignore_index=True)


def accuracy_figure(stages: pd.DataFrame, column: str, ylabel: str) -> plt.Figure:
    """Fig. 1 (test) / Fig. 5 (train): accuracy after each stage for each m, one panel per dataset."""
    datasets = list(dict.fromkeys(stages["dataset"]))
    fig, axes = plt.subplots(1, len(datasets), figsize=(4.5 * len(datasets), 3.4), squeeze=False)
    for ax, dataset in zip(axes[0], datasets, strict=True):
        part = stages[stages["dataset"] == dataset].assign(accuracy=lambda d: 100 * d[column])
        sns.lineplot(data=part, x="stage", y="accuracy", hue="m", marker="o", palette="deep", ax=ax)
        if column == "test_acc":
            ax.axhline(PAPER[dataset]["end_to_end"], color="k", ls="--", lw=1, label="end-to-end ReLU CNN (paper)")
            paper = list(PAPER[dataset]["bm"].values())
            ax.scatter([part["stage"].max()] * len(paper), paper, marker="x", color="gray", label="BM, paper (final)")
        ax.set(title=NAMES[dataset], xlabel="stage", ylabel=ylabel, xticks=sorted(part["stage"].unique()))
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def cost_figure(stages: pd.DataFrame, convex: pd.DataFrame) -> plt.Figure:
    """Fig. 6: seconds per epoch and peak GPU memory per stage, BM (each m) against the convex form."""
    bm = stages.assign(model=lambda d: "BM, m = " + d["m"].astype(str))[
        ["dataset", "stage", "model", "seconds_per_epoch", "peak_mem_gb"]
    ]
    cvx = convex.assign(model="convex (23)")[["dataset", "stage", "model", "seconds_per_epoch", "peak_mem_gb", "oom"]]
    both = pd.concat([bm.assign(oom=False), cvx], ignore_index=True)
    datasets = list(dict.fromkeys(both["dataset"]))
    fig, axes = plt.subplots(len(datasets), 2, figsize=(9, 3.2 * len(datasets)), squeeze=False)
    for row, dataset in zip(axes, datasets, strict=True):
        part = both[both["dataset"] == dataset]
        for ax, col, label in zip(
            row, ["seconds_per_epoch", "peak_mem_gb"], ["seconds per epoch", "peak memory (GiB)"], strict=True
        ):
            sns.barplot(data=part, x="stage", y=col, hue="model", palette="deep", ax=ax)
            for _, r in part[part["oom"]].iterrows():
                ax.annotate("OOM", (r["stage"] - 1, 0), ha="center", va="bottom", color="red")
            ax.set(title=f"{NAMES[dataset]}: {label}", ylabel=label)
            ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def accuracy_markdown(stages: pd.DataFrame) -> str:
    """Final test accuracy per dataset and m beside the paper's numbers."""
    final = stages.loc[stages.groupby(["dataset", "m"])["stage"].idxmax()]
    rows = []
    for _, r in final.iterrows():
        paper = PAPER[r["dataset"]]
        total = stages[(stages["dataset"] == r["dataset"]) & (stages["m"] == r["m"])]["seconds"].sum()
        rows.append(
            {
                "dataset": NAMES[r["dataset"]],
                "m": r["m"],
                "stages": r["stage"],
                "epochs per stage": r["epochs"],
                "test accuracy (%)": f"{100 * r['test_acc']:.1f}",
                "paper (%)": paper["bm"].get(r["m"], float("nan")),
                "end-to-end ReLU CNN, paper (%)": paper["end_to_end"],
                "training time (s)": f"{total:.0f}",
                "paper time, all m (s)": paper["seconds"],
                "device": r["device"],
            }
        )
    return pd.DataFrame(rows).to_markdown(index=False) + "\n"


def write_report(stage_records: list[dict], convex_records: list[dict], out: dict[str, str]) -> None:
    """All outputs of the CNN report: CSVs (epochs, stages, convex), Fig. 1, 5, 6 and the table."""
    stages = stage_table(stage_records)
    convex = pd.DataFrame(convex_records).drop(columns="provenance", errors="ignore")
    epoch_table(stage_records).to_csv(out["epochs"], index=False)
    stages.to_csv(out["stages"], index=False)
    convex.to_csv(out["convex"], index=False)
    save(accuracy_figure(stages, "test_acc", "test accuracy (%)"), out["fig1_pdf"], out["fig1_png"])
    save(accuracy_figure(stages, "train_acc", "train accuracy (%)"), out["fig5_pdf"], out["fig5_png"])
    save(cost_figure(stages, convex), out["fig6_pdf"], out["fig6_png"])
    with open(out["table"], "w") as f:
        f.write(accuracy_markdown(stages))
