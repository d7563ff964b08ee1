"""The scaling figure draws a run without a certificate apart from the times to a certificate (issue 20, item 4)."""

import numpy as np
import pandas as pd
from matplotlib import pyplot as plt

from bmconvex.certify.figure import scaling_figure


def run(n, solver, status, seconds, gap=np.nan):
    return {
        "dataset": "fashion_mnist", "n": n, "P_hat": 100, "solver": solver, "status": status, "seconds": seconds,
        "certified_gap": gap, "memory_limit_mb": 8000, "time_limit_s": 420.0, "conic_variables": 31_571_500,
    }  # fmt: skip


def test_failures_are_in_the_band_never_on_the_seconds_axis():
    table = pd.DataFrame(
        [
            run(1000, "BM_CERTIFIED", "certified", 242.0, 4.6e-7),
            run(1000, "CLARABEL_DIRECT", "out_of_memory", 48.7),
            run(10000, "BM_CERTIFIED", "budget", 426.0, 5.2e-4),
        ]
    )
    uncapped = pd.DataFrame([run(10000, "BM_CERTIFIED", "certified", 1078.0, 8.8e-7)])
    fig = scaling_figure(table, uncapped)
    band, axis = fig.axes
    seconds = np.concatenate([line.get_ydata() for line in axis.get_lines()]).astype(float)
    assert 48.7 not in seconds and 426.0 not in seconds  # a failure is not a time to a certificate
    assert {242.0, 1078.0} <= set(seconds)  # the certified runs, the uncapped one too
    labels = [text.get_text() for text in band.texts]
    assert any("out of memory after 49 s" in t and "8 GB cap" in t and "31.6 M conic variables" in t for t in labels)
    assert any(t == "budget 420 s, gap 5.2e-04" for t in labels)
    assert [tick.get_text() for tick in band.get_yticklabels()] == ["CLARABEL_DIRECT", "BM_CERTIFIED"]
    plt.close(fig)
