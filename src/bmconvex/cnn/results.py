"""Tables of the layerwise CNN experiment and the report that writes them with Fig. 1, 5, 6 (Sec. 4.2)."""

from __future__ import annotations

import pandas as pd

from bmconvex.cnn.figures import accuracy_figure, cost_figure
from bmconvex.cnn.paper import NAMES, PAPER
from bmconvex.core.figures import save


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
                "peak_mem_gb": pd.Series([e["peak_mem_gb"] for e in r["epochs"]], dtype=float).max(),  # NaN: CPU
                "bound": r["bound"],  # None (NaN): not computed, for the reason in bound_not_computed
                "bound_not_computed": r["bound_not_computed"],
                "device": r["device"],
                "precision": r["precision"],
            }
        )
    return pd.DataFrame(rows).sort_values(["dataset", "m", "stage"], ignore_index=True)


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
    convex = convex.astype({"seconds_per_epoch": float, "peak_mem_gb": float, "needed_gib": float})  # null -> NaN
    epoch_table(stage_records).to_csv(out["epochs"], index=False)
    stages.to_csv(out["stages"], index=False)
    convex.to_csv(out["convex"], index=False)
    save(accuracy_figure(stages, "test_acc", "test accuracy (%)"), out["fig1_pdf"], out["fig1_png"])
    save(accuracy_figure(stages, "train_acc", "train accuracy (%)"), out["fig5_pdf"], out["fig5_png"])
    save(cost_figure(stages, convex), out["fig6_pdf"], out["fig6_png"])
    with open(out["table"], "w") as f:
        f.write(accuracy_markdown(stages))
