"""Training one layerwise stage of the BM convex CNN (Sec. 4.2, App. C.2-C.3).

Data sit on the device once as uint8; batches are normalised (and, for CIFAR-10, randomly
cropped and flipped) with tensor ops on the device; the frozen earlier stages recompute a
stage's input per batch (the latent of a whole dataset does not fit in memory); the loop keeps
its statistics on the device and synchronises once per epoch.
"""

from __future__ import annotations

import copy
import logging
import os
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from bmconvex.cnn import BMStage, ConvexStage, FrozenChain
from bmconvex.image_data import ImageSet

log = logging.getLogger("bmconvex")

NORMALISATION = {  # per-channel mean and std (the authors' choices)
    "fashion_mnist": ((0.5,), (0.5,)),
    "cifar10": ((0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010)),
}


@dataclass(frozen=True)
class StageSettings:
    """SGD with momentum and weight decay beta, lr x gamma every ``lr_step`` epochs."""

    epochs: int
    lr: float
    momentum: float
    weight_decay: float
    batch_size: int
    lr_step: int
    lr_gamma: float
    augment: bool
    mixed_precision: bool


def device_name(device: torch.device) -> str:
    return torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"


def pick_device(requested: str) -> torch.device:
    """``auto``: the GPU SLURM or the user made visible (CUDA_VISIBLE_DEVICES), else the CPU."""
    if requested == "auto":
        requested = "cuda" if torch.cuda.is_available() else "cpu"
    device = torch.device(requested)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("device 'cuda' requested but no CUDA device is visible")
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    log.info("device %s (%s), CUDA_VISIBLE_DEVICES=%s", device, device_name(device), visible)
    return device


class DeviceData:
    """A dataset resident on the device, normalised per batch."""

    def __init__(self, images: ImageSet, dataset: str, device: torch.device):
        self.device = device
        self.train_x = torch.from_numpy(images.train_x).to(device)
        self.train_y = torch.from_numpy(images.train_y).to(device)
        self.test_x = torch.from_numpy(images.test_x).to(device)
        self.test_y = torch.from_numpy(images.test_y).to(device)
        mean, std = NORMALISATION[dataset]
        self.mean = torch.tensor(mean, device=device).view(1, -1, 1, 1)
        self.std = torch.tensor(std, device=device).view(1, -1, 1, 1)

    def head(self, n: int) -> DeviceData:
        """The same data with only the first n training images (the test set unchanged)."""
        part = copy.copy(self)
        part.train_x, part.train_y = self.train_x[:n], self.train_y[:n]
        return part

    def normalise(self, x: torch.Tensor) -> torch.Tensor:
        return (x.float() / 255.0 - self.mean) / self.std


def crop_and_flip(x: torch.Tensor, generator: torch.Generator, pad: int = 4) -> torch.Tensor:
    """RandomCrop(size, padding=pad) + RandomHorizontalFlip, per sample, on the device."""
    B, _, H, W = x.shape
    padded = F.pad(x, (pad, pad, pad, pad))
    device = generator.device  # the data's device: no host work per batch
    dy = torch.randint(0, 2 * pad + 1, (B, 1, 1), generator=generator, device=device)
    dx = torch.randint(0, 2 * pad + 1, (B, 1, 1), generator=generator, device=device)
    flip = torch.rand(B, 1, 1, generator=generator, device=device) < 0.5
    rows = torch.arange(H, device=x.device).view(1, H, 1) + dy
    cols = torch.arange(W, device=x.device).view(1, 1, W)
    cols = torch.where(flip, W - 1 - cols, cols) + dx
    b = torch.arange(B, device=x.device).view(B, 1, 1)
    return padded.permute(0, 2, 3, 1)[b, rows, cols].permute(0, 3, 1, 2)


def autocast(device: torch.device, enabled: bool):
    """bf16 autocast on the GPU when mixed precision is on (no loss scaling needed)."""
    if enabled and device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return nullcontext()


def batches(n: int, size: int):
    for start in range(0, n, size):
        yield slice(start, min(start + size, n))


@torch.no_grad()
def accuracy(model, chain: FrozenChain, s: int, data: DeviceData, x: torch.Tensor, y: torch.Tensor, settings) -> float:
    model.eval()
    correct = torch.zeros((), device=data.device, dtype=torch.long)
    for idx in batches(len(y), 1000):
        with autocast(data.device, settings.mixed_precision):
            logits = model(chain(data.normalise(x[idx]), s))
        correct += (logits.argmax(1) == y[idx]).sum()
    return correct.item() / len(y)


def train_stage(
    model: BMStage | ConvexStage,
    chain: FrozenChain,
    s: int,
    data: DeviceData,
    settings: StageSettings,
    seed: int,
    regulariser: Callable[[], torch.Tensor] | None = None,
) -> list[dict]:
    """Train stage s (0-based) on top of the frozen ``chain``; one metrics row per epoch.

    Weight decay beta in SGD is the BM regulariser beta/2 (||U||^2 + ||V||^2) of (24). For the
    convex form (23) pass ``regulariser`` (beta sum_k ||Z_k||_*) and weight_decay 0.
    """
    device = data.device
    generator = torch.Generator(device=device).manual_seed(seed)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.SGD(params, lr=settings.lr, momentum=settings.momentum, weight_decay=settings.weight_decay)
    sched = torch.optim.lr_scheduler.StepLR(opt, settings.lr_step, settings.lr_gamma)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    n = len(data.train_y)
    rows = []
    for epoch in range(settings.epochs):
        model.train()
        start = time.perf_counter()
        loss_sum = torch.zeros((), device=device)
        correct = torch.zeros((), device=device, dtype=torch.long)
        order = torch.randperm(n, generator=generator, device=device)
        for idx in batches(n, settings.batch_size):
            sel = order[idx]
            x, y = data.train_x[sel], data.train_y[sel]
            if settings.augment:
                x = crop_and_flip(x, generator)
            with autocast(device, settings.mixed_precision):
                logits = model(chain(data.normalise(x), s))
                loss = F.cross_entropy(logits, y)
                objective = loss if regulariser is None else loss + regulariser()
            opt.zero_grad(set_to_none=True)
            objective.backward()
            opt.step()
            loss_sum += loss.detach() * len(sel)
            correct += (logits.argmax(1) == y).sum()
        sched.step()
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        seconds = time.perf_counter() - start
        row = {
            "epoch": epoch + 1,
            "train_loss": loss_sum.item() / n,
            "train_acc": correct.item() / n,
            "test_acc": accuracy(model, chain, s, data, data.test_x, data.test_y, settings),
            "seconds": seconds,
            "peak_mem_gb": torch.cuda.max_memory_allocated(device) / 2**30 if device.type == "cuda" else float("nan"),
        }
        log.info("stage %d epoch %d/%d %s", s + 1, epoch + 1, settings.epochs, row)
        rows.append(row)
    return rows


def stage_bound(
    model: BMStage, chain: FrozenChain, s: int, data: DeviceData, beta: float, samples: int | None
) -> float:
    """Cor. 3.8 / Thm 3.4 for the stage: (max_k ||grad_{Z_k} L||_2 / beta - 1)_+.

    Z_k = sum_j u_jk vec(V_jk)^T is the convex form of the trained stage; L is the mean
    cross-entropy over the first ``samples`` training images (all when None), in float32.
    """
    convex = ConvexStage.from_bm(model)
    convex.Z.requires_grad_(True)
    n = len(data.train_y) if samples is None else min(samples, len(data.train_y))
    for idx in batches(n, 256):
        with torch.no_grad():
            x = chain(data.normalise(data.train_x[idx]), s)
        loss = F.cross_entropy(convex(x), data.train_y[idx], reduction="sum") / n
        loss.backward()
    norms = torch.linalg.matrix_norm(convex.Z_matrices(grad=True).float(), ord=2)
    return max(0.0, norms.max().item() / beta - 1.0)


def seed_everything(seed: int) -> None:
    torch.manual_seed(seed)
