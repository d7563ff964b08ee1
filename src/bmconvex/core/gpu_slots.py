"""One GPU per job on a workstation with several cards: slots taken by lock files.

Snakemake's global resource ``gpu_job`` (profiles/default) bounds how many GPU jobs run at once;
it does not say which card a job uses, and without a choice every job would run on ``cuda:0``.
A job therefore claims a slot before torch starts CUDA and exports ``CUDA_VISIBLE_DEVICES``:

- a *shared* slot (a BM stage): an exclusive ``flock`` on ``card<c>.slot<i>`` and a shared one on
  ``card<c>.lock``, the lowest level i first over all cards, so that the jobs spread over the cards
  (every card gets its first job before any gets its second);
- a *whole card* (a convex stage, timed alone): an exclusive ``flock`` on ``card<c>.lock``.

The kernel releases a ``flock`` when the process ends, however it ends (a crash, SIGKILL), so a
slot is never left taken. Where ``CUDA_VISIBLE_DEVICES`` is already set (SLURM, or the user), it
is kept and no slot is claimed. Hand-written: the standard library's ``fcntl`` is all it needs.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("bmconvex")

DIRECTORY = Path(".snakemake") / "gpu_slots"
PROC_GPUS = Path("/proc/driver/nvidia/gpus")
_ASSIGNED: list[Slot] = []  # the job's card, held (its lock files open) until the process ends


def nvidia_gpus() -> list[str]:
    """The NVIDIA cards of this machine (their models), found without CUDA: the driver's /proc
    entries, else ``nvidia-smi -L``. Device-bound: tests stub it."""
    if PROC_GPUS.is_dir():
        models = []
        for gpu in sorted(PROC_GPUS.iterdir()):
            info = (gpu / "information").read_text() if (gpu / "information").is_file() else ""
            found = [line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("Model:")]
            models += found or ["an NVIDIA GPU"]
        return models
    if shutil.which("nvidia-smi") is None:
        return []
    listed = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, check=False)
    lines = listed.stdout.splitlines() if listed.returncode == 0 else []
    return [line.split(":", 1)[1].split("(UUID")[0].strip() for line in lines if line.startswith("GPU ")]


def card_count() -> int:
    return len(nvidia_gpus())


@dataclass
class Slot:
    """A card held by this process (its lock files stay open until the process ends)."""

    card: int
    level: int | None  # None: the whole card
    files: list = field(default_factory=list, repr=False)

    def release(self) -> None:
        for f in self.files:
            f.close()  # closing the file drops its flock
        self.files.clear()


def _try_lock(path: Path, mode: int):
    f = open(path, "a+")  # noqa: SIM115 - held open for as long as the slot is
    try:
        fcntl.flock(f, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        f.close()
        return None
    return f


def try_claim(directory: Path, cards: int, whole_card: bool, levels: int = 64) -> Slot | None:
    """A free slot (module doc), or None when every card is taken."""
    directory.mkdir(parents=True, exist_ok=True)
    if whole_card:
        for card in range(cards):
            if (held := _try_lock(directory / f"card{card}.lock", fcntl.LOCK_EX)) is not None:
                return Slot(card, None, [held])
        return None
    for level in range(levels):
        for card in range(cards):
            slot = _try_lock(directory / f"card{card}.slot{level}", fcntl.LOCK_EX)
            if slot is None:
                continue
            shared = _try_lock(directory / f"card{card}.lock", fcntl.LOCK_SH)
            if shared is None:  # a whole-card job holds it
                slot.close()
                continue
            return Slot(card, level, [slot, shared])
    return None


def claim(directory: Path, cards: int, whole_card: bool, poll_s: float = 5.0) -> Slot:
    """Wait for a slot (a whole-card job waits for a card the shared jobs have left)."""
    waited = False
    while (slot := try_claim(directory, cards, whole_card)) is None:
        if not waited:
            log.info("waiting for a free GPU (%d cards, slots in %s)", cards, directory)
            waited = True
        time.sleep(poll_s)
    return slot


def assign_gpu(whole_card: bool, directory: Path = DIRECTORY, cards: int | None = None) -> Slot | None:
    """Claim a card for this job and export it as CUDA_VISIBLE_DEVICES; call before torch starts CUDA.

    None (nothing claimed) when CUDA_VISIBLE_DEVICES is already set or the machine has no NVIDIA card.
    The slot is held until the process ends (or :meth:`Slot.release`).
    """
    if "CUDA_VISIBLE_DEVICES" in os.environ:
        log.info("CUDA_VISIBLE_DEVICES=%s set before the job: no GPU slot claimed", os.environ["CUDA_VISIBLE_DEVICES"])
        return None
    cards = card_count() if cards is None else cards
    if cards == 0:
        return None
    slot = claim(directory, cards, whole_card)
    _ASSIGNED.append(slot)
    os.environ["CUDA_VISIBLE_DEVICES"] = str(slot.card)
    kind = "the whole card" if slot.level is None else f"slot {slot.level}"
    log.info("GPU %d of %d assigned (%s; lock files in %s)", slot.card, cards, kind, directory)
    return slot
