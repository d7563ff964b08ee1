"""What a user sees of a running stage (a stage at the paper's settings runs for minutes to hours).

- the job's log: one readable line per epoch, and while an epoch runs a line every
  ``heartbeat_s`` seconds (a convex epoch can take ten minutes);
- a CSV with one row per epoch, appended and flushed as each epoch ends (``tail -f``-able; it is
  a log file of the rule, so Snakemake keeps it when the job fails);
- a tqdm bar over the stage's batches on the terminal Snakemake runs in, only when that is a
  terminal (never under SLURM or in a captured run): tqdm is the usual bar of the PyTorch
  ecosystem and turns itself off there.
"""

from __future__ import annotations

import csv
import logging
import sys
import time

from tqdm import tqdm

log = logging.getLogger("bmconvex")


def _on_terminal() -> bool:
    """Whether the job's own stderr (not its log, which start_log put in sys.stderr) is a terminal."""
    return sys.__stderr__ is not None and sys.__stderr__.isatty()


def epoch_line(title: str, epochs: int, row: dict) -> str:
    """'fashion_mnist m = 2 stage 3: epoch 7/50: train loss 0.3124, train acc 88.21 %, ...'."""
    peak = "not measured (CPU)" if row["peak_mem_gb"] is None else f"{row['peak_mem_gb']:.2f} GiB"
    test = "not evaluated" if row["test_acc"] is None else f"{100 * row['test_acc']:.2f} %"
    return (
        f"{title}: epoch {row['epoch']}/{epochs}: train loss {row['train_loss']:.4f}, "
        f"train acc {100 * row['train_acc']:.2f} %, test acc {test}, {row['seconds']:.1f} s, peak GPU memory {peak}"
    )


class Progress:
    """Progress of one stage's training; use as a context manager (closes the CSV and the bar)."""

    def __init__(self, title: str, epochs: int, batches: int, csv_path: str | None = None, heartbeat_s: float = 60):
        self.title, self.epochs, self.batches, self.heartbeat_s = title, epochs, batches, heartbeat_s
        self.file = open(csv_path, "w", newline="") if csv_path else None  # noqa: SIM115 - closed in close()
        self.writer = None
        self.bar = tqdm(
            total=epochs * batches, desc=title, unit="batch", file=sys.__stderr__, disable=not _on_terminal()
        )
        self.done, self.last_beat = 0, time.monotonic()

    def batch(self) -> None:
        """One batch queued (the GPU may still be working on it)."""
        self.done += 1
        self.bar.update(1)
        if time.monotonic() - self.last_beat >= self.heartbeat_s:
            epoch, batch = divmod(self.done - 1, self.batches)
            log.info("%s: epoch %d/%d, batch %d/%d", self.title, epoch + 1, self.epochs, batch + 1, self.batches)
            self.last_beat = time.monotonic()

    def epoch(self, row: dict) -> None:
        log.info(epoch_line(self.title, self.epochs, row))
        self.last_beat = time.monotonic()
        self.bar.set_postfix(
            loss=f"{row['train_loss']:.4f}",
            train=f"{row['train_acc']:.3f}",
            test="-" if row["test_acc"] is None else f"{row['test_acc']:.3f}",
        )
        if self.file is not None:
            if self.writer is None:
                self.writer = csv.DictWriter(self.file, fieldnames=list(row))
                self.writer.writeheader()
            self.writer.writerow(row)
            self.file.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.bar.close()
        if self.file is not None:
            self.file.close()
