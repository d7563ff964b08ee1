"""Fig. 1, 5 name m; Fig. 6 draws time on a log axis, an out-of-memory stage as a marked bar, and says
when no GPU memory was measured."""

import math

import pandas as pd
import pytest

from bmconvex.cnn.figures import accuracy_figure, cost_figure

NAN = math.nan


def stages(peak: float) -> pd.DataFrame:
    rows = [
        {"dataset": "fashion_mnist", "m": m, "stage": s, "train_acc": 0.9, "test_acc": 0.9, "seconds_per_epoch": s * m}
        | {"peak_mem_gb": peak, "precision": "bf16"}
        for m in (1, 2)
        for s in (1, 2, 3)
    ]
    return pd.DataFrame(rows)


def convex(peak: float) -> pd.DataFrame:
    base = {"dataset": "fashion_mnist", "budget_gib": 11.0, "needed_gib": NAN, "precision": "bf16"}
    return pd.DataFrame(
        [
            base | {"stage": 1, "status": "trained", "seconds_per_epoch": 90.0, "peak_mem_gb": peak},
            base
            | {"stage": 2, "status": "out of memory", "seconds_per_epoch": NAN, "peak_mem_gb": NAN}
            | {"needed_gib": 16.4},
            base | {"stage": 3, "status": "not reached", "seconds_per_epoch": NAN, "peak_mem_gb": NAN},
        ]
    )


@pytest.mark.parametrize("peak", [NAN, 3.0])
def test_fig6_marks_the_out_of_memory_stage_and_what_was_not_measured(peak):
    fig = cost_figure(stages(peak), convex(peak))
    time_ax, mem_ax = fig.axes
    assert time_ax.get_yscale() == "log" and time_ax.get_title() == "Fashion-MNIST: time per epoch (bf16)"
    assert "out of memory" in [t.get_text() for t in time_ax.get_legend().get_texts()]
    hatched = [p for ax in (time_ax, mem_ax) for p in ax.patches if p.get_hatch()]
    assert len(hatched) == 2  # stage 2 of the convex chain, in both panels
    assert max(p.get_height() for p in mem_ax.patches if p.get_hatch()) == pytest.approx(16.4)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert texts.count("not reached") == 2 and "out of memory" in texts
    assert ("not measured (CPU run)" in mem_ax.get_title()) == math.isnan(peak)


@pytest.mark.parametrize("column", ["test_acc", "train_acc"])
def test_fig1_and_fig5_name_m(column):
    ax = accuracy_figure(stages(NAN), column, "accuracy (%)").axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:2] == ["BM, m = 1", "BM, m = 2"]
