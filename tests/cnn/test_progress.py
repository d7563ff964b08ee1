"""What a user sees of a running stage: log lines, the per-epoch CSV as it grows, a bar on terminals."""

import io
import logging
import sys

import pandas as pd
import pytest

from bmconvex.cnn.progress import Progress, epoch_line

ROW = {"epoch": 1, "train_loss": 0.31234, "train_acc": 0.88214, "test_acc": 0.879, "seconds": 4.61, "peak_mem_gb": 2.0}


def test_an_epoch_is_one_readable_line():
    line = epoch_line("fashion_mnist m = 2 stage 3", 50, ROW)
    assert line == (
        "fashion_mnist m = 2 stage 3: epoch 1/50: train loss 0.3123, train acc 88.21 %, test acc 87.90 %, "
        "4.6 s, peak GPU memory 2.00 GiB"
    )
    cpu = epoch_line("x", 50, {**ROW, "peak_mem_gb": None, "test_acc": None})
    assert "test acc not evaluated" in cpu and cpu.endswith("peak GPU memory not measured (CPU)")


def test_each_epoch_is_in_the_csv_and_the_log_as_soon_as_it_ends(tmp_path, caplog):
    path = tmp_path / "stage1.epochs.csv"
    caplog.set_level(logging.INFO, logger="bmconvex")
    with Progress("stage", epochs=3, batches=2, csv_path=str(path)) as progress:
        progress.epoch(ROW)
        assert pd.read_csv(path).to_dict("records") == [ROW]  # read while the stage still runs
        progress.epoch({**ROW, "epoch": 2})
        assert list(pd.read_csv(path)["epoch"]) == [1, 2]
    assert [r.message.split(":")[1] for r in caplog.records] == [" epoch 1/3", " epoch 2/3"]


def test_a_long_epoch_logs_where_it_is(caplog):
    caplog.set_level(logging.INFO, logger="bmconvex")
    with Progress("convex stage 2", epochs=1, batches=469, heartbeat_s=0) as progress:
        progress.batch()
        progress.batch()
    assert [r.message for r in caplog.records] == [
        "convex stage 2: epoch 1/1, batch 1/469",
        "convex stage 2: epoch 1/1, batch 2/469",
    ]


class Stream(io.StringIO):
    def __init__(self, tty: bool):
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize("tty", [True, False])
def test_the_bar_is_drawn_only_on_a_terminal(monkeypatch, tty):
    stream = Stream(tty)
    monkeypatch.setattr(sys, "__stderr__", stream)
    with Progress("stage", epochs=1, batches=4) as progress:
        for _ in range(4):
            progress.batch()
    assert ("4/4" in stream.getvalue()) == tty
