"""The paper's GD with restarts after divergence, for the gated (18) and ReLU (19) MLP runs alike.

The paper's lr 1.0 sits at the edge of stability for small beta: a run whose objective blows up is
restarted from the same init with a smaller initial lr (:class:`bmconvex.core.gd.Divergence`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from bmconvex.core.gd import Divergence, DivergenceError, GDSettings, TrainResult

log = logging.getLogger("bmconvex")


def train_with_restarts(
    train: Callable[..., TrainResult], settings: GDSettings, divergence: Divergence, log_every: int = 0
) -> tuple[TrainResult, GDSettings, int]:
    """``train(settings, progress=..., progress_every=log_every)`` from lr, then lr f, lr f f, ...

    Returns the result, the settings of the attempt that finished (its initial lr is the run's lr0)
    and the number of restarts; after ``divergence.restarts`` of them the last DivergenceError is raised.
    """

    def progress(epoch: int, objective: float, lr: float) -> None:
        log.info("epoch %6d / %d  objective %.10g  lr %.3g", epoch, settings.epochs, objective, lr)

    lrs = divergence.initial_lrs(settings.lr)
    for attempt, lr in enumerate(lrs):
        settings = replace(settings, lr=lr)
        try:
            return train(settings, progress=progress, progress_every=log_every), settings, attempt
        except DivergenceError as err:
            if attempt == divergence.restarts:
                raise DivergenceError(f"{err}; gave up after {attempt} restart(s) with smaller lr") from err
            log.warning("%s: restarting from the same init with lr %g", err, lrs[attempt + 1])
    raise AssertionError("unreachable: the last attempt returns or raises")


def run_record(P: int, m: int, settings: GDSettings, attempt: int, result: TrainResult) -> dict:
    """The head of a run's record: its size, schedule, the lr0 and restarts that finished, and time."""
    return {
        "P": P,
        "m": m,
        "epochs": settings.epochs,
        "lr0": settings.lr,
        "restarts": attempt,
        "final_lr": float(result.lr[-1]),
        "seconds": result.seconds,
    }
