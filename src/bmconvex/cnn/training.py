"""Training one layerwise stage of the BM convex CNN (Sec. 4.2, App. C.2-C.3).

Batches come from :mod:`bmconvex.cnn.loader`; the frozen earlier stages recompute a
stage's input per batch (the latent of a whole dataset does not fit in memory); the loop keeps
its statistics on the device and synchronises once per epoch. On a GPU the convs run in the
precision of :mod:`bmconvex.cnn.precision` (bf16, or fp16 with loss scaling, or fp32) in
channels-last memory (PyTorch's performance tuning guide: the layout of tensor-core convs).
cuDNN's autotuner is left off: its trial workspaces would enter the peak memory of Fig. 6 and
compete with the memory budget.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from bmconvex.cnn.loader import DeviceData, batches, crop_and_flip
from bmconvex.cnn.model import BMStage, ConvexStage, FrozenChain
from bmconvex.cnn.precision import autocast, grad_scaler, resolve
from bmconvex.cnn.progress import Progress
from bmconvex.core.finite import NonFiniteError


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
    precision: str  # auto, bf16, fp16 or fp32 (bmconvex.cnn.precision)


def on_device(module: nn.Module, device: torch.device) -> nn.Module:
    """``module`` on ``device``; on a GPU its conv weights in channels-last memory (so are the convs' outputs)."""
    module = module.to(device)
    return module.to(memory_format=torch.channels_last) if device.type == "cuda" else module


@torch.no_grad()
def accuracy(model, chain: FrozenChain, data: DeviceData, x: torch.Tensor, y: torch.Tensor, settings) -> float:
    """Accuracy on (x, y) in batches of the training batch size (no more memory than a training step)."""
    model.eval()
    correct = torch.zeros((), device=data.device, dtype=torch.long)
    for idx in batches(len(y), settings.batch_size):
        with autocast(data.device, resolve(settings.precision, data.device)):
            logits = model(chain(data.normalise(x[idx])))
        correct += (logits.argmax(1) == y[idx]).sum()
    return correct.item() / len(y)


def train_stage(
    model: BMStage | ConvexStage,
    chain: FrozenChain,
    data: DeviceData,
    settings: StageSettings,
    seed: int,
    regulariser: Callable[[], torch.Tensor] | None = None,
    progress: Progress | None = None,
    evaluate: bool = True,
) -> list[dict]:
    """Train a stage on top of the frozen ``chain`` of the stages before it; one metrics row per epoch.

    Weight decay beta in SGD is the BM regulariser beta/2 (||U||^2 + ||V||^2) of (24). For the
    convex form (23) pass ``regulariser`` (beta sum_k ||Z_k||_*) and weight_decay 0. Each batch and
    each epoch's row are reported to ``progress`` (default: one log line per epoch). Without
    ``evaluate`` the test accuracy is not computed (NaN): the convex form is trained for its cost only.
    """
    device = data.device
    n = len(data.train_y)
    progress = progress or Progress("stage", settings.epochs, -(-n // settings.batch_size))
    generator = torch.Generator(device=device).manual_seed(seed)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.SGD(params, lr=settings.lr, momentum=settings.momentum, weight_decay=settings.weight_decay)
    sched = torch.optim.lr_scheduler.StepLR(opt, settings.lr_step, settings.lr_gamma)
    precision = resolve(settings.precision, device)
    scaler = grad_scaler(device, precision)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
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
            with autocast(device, precision):
                logits = model(chain(data.normalise(x)))
                loss = F.cross_entropy(logits, y)
                objective = loss if regulariser is None else loss + regulariser()
            opt.zero_grad(set_to_none=True)
            scaler.scale(objective).backward()
            scaler.step(opt)  # skipped when a scaled fp16 gradient overflowed
            scaler.update()
            loss_sum += loss.detach() * len(sel)
            correct += (logits.argmax(1) == y).sum()
            progress.batch()
        sched.step()
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        seconds = time.perf_counter() - start
        row = {
            "epoch": epoch + 1,
            "train_loss": loss_sum.item() / n,
            "train_acc": correct.item() / n,
            "test_acc": accuracy(model, chain, data, data.test_x, data.test_y, settings) if evaluate else None,
            "seconds": seconds,
            "peak_mem_gb": torch.cuda.max_memory_allocated(device) / 2**30 if device.type == "cuda" else None,
        }
        if not math.isfinite(row["train_loss"]):
            raise NonFiniteError(
                f"training diverged in epoch {epoch + 1}: mean training loss {row['train_loss']} "
                f"(initial lr {settings.lr}); lower this stage's lr in cnn.architecture"
            )
        progress.epoch(row)
        rows.append(row)
    return rows


def seed_everything(seed: int) -> None:
    torch.manual_seed(seed)
