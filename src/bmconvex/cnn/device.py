"""The device a CNN job trains on, chosen before any work: never a silent fall back to the CPU.

- A GPU the machine shows (the NVIDIA driver's /proc entries, or ``nvidia-smi -L``) that this
  torch build cannot drive is named, with the fix, before training: a CPU-only build; a driver
  older than the build's CUDA (``torch.cuda.is_available()`` is then False); a card whose compute
  capability the build has no kernels for (the torch 2.13 wheel is a CUDA 13 build, without
  Maxwell, Pascal and Volta: the paper's GTX 1080 Ti is compute capability 6.1). That check is
  torch's own (``torch.cuda._check_capability``, private in torch 2.13, where it only warns at CUDA
  start): its table of which builds run on which card, and the ``pip install`` of one that does.
- ``cnn.device: auto`` without a usable GPU trains on the CPU only when the job is small (at most
  :data:`CPU_WORK` image-epoch-channels: training images x epochs x output channels of the stage's
  conv); at the paper's settings (7.7e8 for a BM stage at m = 1, 6.1e8 for a convex stage) it
  refuses, saying to set ``cnn.device: cpu`` to train on the CPU anyway.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

import torch

from bmconvex.cnn.config import ChainStage, StageJob
from bmconvex.cnn.formats import NUM_CLASSES
from bmconvex.cnn.model import POOL
from bmconvex.core import gpu_slots

log = logging.getLogger("bmconvex")

CPU_WORK = 10**8  # image-epoch-channels; the CPU preset's largest job: 1.3e5 (workflow/presets/cnn_cpu.yaml)
TRAIN_IMAGES = {"fashion_mnist": 60_000, "cifar10": 50_000}
PROC_NVIDIA = Path("/proc/driver/nvidia")
FIX_BUILD = "install a PyTorch build for this GPU and driver (the README's supported GPUs: the CUDA 12 build)"


class DeviceError(RuntimeError):
    """The job cannot run on the device it asked for; the message says what to do."""


def work(job: ChainStage) -> int:
    """Training images x epochs x output channels of the stage's conv (P m for BM, P a c for convex)."""
    images = job.train_samples or TRAIN_IMAGES[job.dataset]
    if not isinstance(job, StageJob) and job.max_batches is not None:
        images = min(images, job.max_batches * job.settings.batch_size)
    channels = job.P[-1] * (job.m if isinstance(job, StageJob) else POOL * POOL * NUM_CLASSES)
    return images * job.settings.epochs * channels


def visible_gpus() -> list[str]:
    """The NVIDIA GPUs the machine shows to this job (none where CUDA_VISIBLE_DEVICES hides them all)."""
    return [] if os.environ.get("CUDA_VISIBLE_DEVICES") in ("", "-1") else gpu_slots.nvidia_gpus()


def driver_version() -> str:
    """The NVIDIA kernel driver's version line, or 'unknown' (device-bound: stubbed in tests)."""
    version = PROC_NVIDIA / "version"
    return version.read_text().splitlines()[0].strip() if version.is_file() else "unknown"


def cuda_problem() -> str | None:
    """Why this torch cannot train on the GPU the machine shows; None when it can or no GPU is shown."""
    gpus = visible_gpus()
    if not gpus:
        return None
    build = f"torch {torch.__version__} (CUDA {torch.version.cuda})"
    if torch.version.cuda is None:
        return f"this machine shows {gpus[0]}, but {build} is a CPU-only build; {FIX_BUILD}"
    if not torch.cuda.is_available():
        return (
            f"this machine shows {gpus[0]}, but {build} cannot use it: torch.cuda.is_available() is False, "
            f"usually a driver older than CUDA {torch.version.cuda} needs (driver: {driver_version()}; NVIDIA's "
            "minimum drivers: 580 for CUDA 13, 525 for CUDA 12 builds); "
            f"update the driver or {FIX_BUILD}"
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.cuda._check_capability()  # torch's table of which builds run on which card, and the pip command
    if caught:
        return f"{build} has no kernels for this GPU: {caught[0].message}"
    return None


def usable_device(requested: str, key: str) -> torch.device:
    """``requested`` (auto, cuda, cpu) as a device (a GPU with its index); :class:`DeviceError` naming
    ``key`` when the GPU it needs or the machine shows cannot be used. ``auto`` without a GPU is the CPU."""
    if requested != "cpu" and (problem := cuda_problem()) is not None:
        raise DeviceError(f"{key}: {requested}: {problem}; or set {key}: cpu to run on the CPU")
    if requested == "cuda" and not torch.cuda.is_available():
        raise DeviceError(f"{key}: cuda, but no CUDA device is visible; set {key}: cpu or auto")
    if requested == "auto":
        requested = "cuda" if torch.cuda.is_available() else "cpu"
    # An indexed device: torch's per-process memory cap (cnn.gpu_memory_gib, certify's memory_limit_mb)
    # refuses a bare "cuda" (ValueError, found on the first GPU run of certify)
    device = torch.device("cuda", torch.cuda.current_device()) if requested == "cuda" else torch.device("cpu")
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    log.info("device %s (%s), CUDA_VISIBLE_DEVICES=%s", device, name, os.environ.get("CUDA_VISIBLE_DEVICES"))
    return device


def pick_device(requested: str, job_work: int) -> torch.device:
    """The device of ``cnn.device`` (auto, cuda, cpu); :class:`DeviceError` before any work when it cannot be."""
    device = usable_device(requested, "cnn.device")
    if requested == "auto" and device.type == "cpu":
        if job_work > CPU_WORK:
            raise DeviceError(
                f"cnn.device: auto found no GPU, and this job is GPU-sized ({job_work:.2g} image-epoch-channels, "
                f"the CPU limit of auto is {CPU_WORK:.0e}; a paper-size stage takes hours to days on a CPU); "
                "set cnn.device: cpu to train on the CPU anyway, or run where a GPU is visible"
            )
        log.warning(
            "cnn.device: auto found no GPU; this small job (%.2g image-epoch-channels) trains on the CPU", job_work
        )
    return device
