"""A card per GPU job on a workstation with several: lock-file slots, between real processes."""

import multiprocessing
import os
import signal
import time

from bmconvex.core import gpu_slots

FORK = multiprocessing.get_context("fork")  # the children only take locks and sleep


def hold(directory, cards, whole_card, seconds, out):
    """A job: claim a slot, hold it for ``seconds``, report (card, level, start, end)."""
    slot = gpu_slots.claim(directory, cards, whole_card, poll_s=0.01)
    start = time.monotonic()
    time.sleep(seconds)
    out.put((slot.card, slot.level, start, time.monotonic()))


def overlap(a, b) -> bool:
    return a[2] < b[3] and b[2] < a[3]


def test_concurrent_jobs_never_share_a_slot_and_a_whole_card_job_is_alone_on_its_card(tmp_path):
    """Two fake cards; seven shared jobs and two whole-card jobs (convex stages) started at once."""
    out = FORK.Queue()
    kinds = [False] * 4 + [True] + [False] * 3 + [True]
    jobs = [FORK.Process(target=hold, args=(tmp_path, 2, whole, 0.15, out)) for whole in kinds]
    for job in jobs:
        job.start()
    held = [out.get(timeout=30) for _ in jobs]
    for job in jobs:
        job.join(timeout=30)
    assert all(job.exitcode == 0 for job in jobs)
    assert sum(level is None for _, level, _, _ in held) == 2 and {card for card, *_ in held} == {0, 1}
    for i, a in enumerate(held):
        for b in held[i + 1 :]:
            if overlap(a, b) and a[0] == b[0]:  # at the same time on the same card
                assert a[1] is not None and b[1] is not None, "a whole-card job shared its card"
                assert a[1] != b[1], f"two jobs in slot {a[1]} of card {a[0]}"


def test_the_first_jobs_spread_over_the_cards(tmp_path):
    """Every card gets its first job before any gets its second (levels fill card by card)."""
    slots = [gpu_slots.try_claim(tmp_path, 3, whole_card=False) for _ in range(4)]
    assert [(s.card, s.level) for s in slots] == [(0, 0), (1, 0), (2, 0), (0, 1)]
    assert gpu_slots.try_claim(tmp_path, 3, whole_card=True) is None  # no card is free of shared jobs
    slots[1].release()
    assert gpu_slots.try_claim(tmp_path, 3, whole_card=True).card == 1


def crash_while_holding(directory, ready):
    gpu_slots.assign_gpu(whole_card=True, directory=directory, cards=1)
    ready.set()
    time.sleep(60)


def test_a_crashed_holder_frees_its_card(tmp_path, monkeypatch):
    ready = FORK.Event()
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)  # a job given no card
    holder = FORK.Process(target=crash_while_holding, args=(tmp_path, ready))
    holder.start()
    assert ready.wait(timeout=30)
    assert gpu_slots.try_claim(tmp_path, 1, whole_card=True) is None
    assert gpu_slots.try_claim(tmp_path, 1, whole_card=False) is None  # a shared job waits too
    os.kill(holder.pid, signal.SIGKILL)  # no cleanup runs
    holder.join(timeout=30)
    assert holder.exitcode == -signal.SIGKILL
    slot = gpu_slots.try_claim(tmp_path, 1, whole_card=True)
    assert slot is not None and slot.card == 0


def test_the_claimed_card_is_exported_unless_the_job_was_given_one(tmp_path, monkeypatch):
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    monkeypatch.setattr(gpu_slots, "_ASSIGNED", [])
    first = gpu_slots.try_claim(tmp_path, 2, whole_card=True)  # card 0 is taken
    slot = gpu_slots.assign_gpu(whole_card=False, directory=tmp_path, cards=2)
    assert slot.card == 1 and os.environ["CUDA_VISIBLE_DEVICES"] == "1"
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "3")  # e.g. SLURM's card
    assert gpu_slots.assign_gpu(whole_card=False, directory=tmp_path, cards=2) is None
    assert os.environ["CUDA_VISIBLE_DEVICES"] == "3"
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES")
    assert gpu_slots.assign_gpu(whole_card=False, directory=tmp_path, cards=0) is None  # no NVIDIA card
    first.release()
    slot.release()


def test_the_cards_are_counted_from_the_driver_or_nvidia_smi_without_cuda(tmp_path, monkeypatch):
    """The driver's /proc/driver/nvidia/gpus/<bus>/information, else `nvidia-smi -L` (a real process)."""
    proc = tmp_path / "gpus"
    for bus, model in [("0000:01:00.0", "NVIDIA GeForce GTX 1080 Ti"), ("0000:02:00.0", "Tesla V100-SXM2-16GB")]:
        (proc / bus).mkdir(parents=True)
        (proc / bus / "information").write_text(f"Model: \t\t {model}\nIRQ:   \t\t 130\nGPU UUID: \t GPU-0\n")
    monkeypatch.setattr(gpu_slots, "PROC_GPUS", proc)
    assert gpu_slots.nvidia_gpus() == ["NVIDIA GeForce GTX 1080 Ti", "Tesla V100-SXM2-16GB"]
    monkeypatch.setattr(gpu_slots, "PROC_GPUS", tmp_path / "absent")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    smi = bin_dir / "nvidia-smi"
    smi.write_text(
        "#!/bin/sh\necho 'GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-1)'\necho 'GPU 1: NVIDIA A100 (UUID: GPU-2)'\n"
    )
    smi.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir), prepend=os.pathsep)
    assert gpu_slots.nvidia_gpus() == ["NVIDIA H100 80GB HBM3", "NVIDIA A100"] and gpu_slots.card_count() == 2
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert gpu_slots.card_count() == 0
