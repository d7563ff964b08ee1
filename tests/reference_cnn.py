"""The reference the project's CNN stage trainer is measured against: a BM stage (126) written and
trained the way a plain PyTorch program would, with the weights of a :class:`BMStage`.

Plain: NCHW float32 (no autocast, no channels-last), the images normalised
once on the host and served by a ``DataLoader`` (shuffled, pinned memory) one batch at a time to the
device, the gate as a 0/1 float mask repeated to the P m channels, the frozen earlier stages
recomputed per batch as in the project (their latents do not fit in memory).
"""

from __future__ import annotations

import time

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from bmconvex.cnn.model import POOL, BMStage


class PlainStage(nn.Module):
    """sum_k sum_j V_jk P_a D_k X u_jk of eq. (126), with the weights of ``stage``."""

    def __init__(self, stage: BMStage):
        super().__init__()
        self.m = stage.m
        self.gate_weight = nn.Parameter(stage.gates.conv.weight.detach().clone(), requires_grad=False)
        gate_bias = stage.gates.conv.bias
        self.gate_bias = None if gate_bias is None else nn.Parameter(gate_bias.detach().clone(), requires_grad=False)
        self.U = nn.Conv2d(stage.in_channels, stage.P * stage.m, 3, padding=1, bias=stage.bias)
        self.U.load_state_dict(stage.U.state_dict())
        self.V = nn.Linear(stage.P * stage.m * POOL * POOL, stage.num_classes, bias=False)
        self.V.load_state_dict(stage.V.state_dict())
        self.to(stage.U.weight.device, stage.U.weight.dtype)

    def latent(self, x: torch.Tensor) -> torch.Tensor:
        mask = (F.conv2d(x, self.gate_weight, self.gate_bias, padding=1) > 0).float()
        return self.U(x) * mask.repeat_interleave(self.m, dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.V(F.adaptive_avg_pool2d(self.latent(x), POOL).flatten(1))


def plain_chain_input(frozen: list[PlainStage], space_to_depth: tuple[bool, ...], x: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        for stage, downsample in zip(frozen, space_to_depth, strict=False):
            x = stage.latent(F.pixel_unshuffle(x, 2) if downsample else x)
        return F.pixel_unshuffle(x, 2) if space_to_depth[-1] else x


def plain_epoch(stage, frozen, space_to_depth, x, y, batch_size, lr, device, seed=0) -> tuple[float, float]:
    """One SGD epoch (momentum 0.9, weight decay 5e-4) over host tensors x (normalised), y.

    Returns the seconds it took (synchronised) and the peak GPU memory in GiB (NaN on the CPU).
    """
    loader = DataLoader(
        TensorDataset(x, y),
        batch_size=batch_size,
        shuffle=True,
        pin_memory=device.type == "cuda",
        generator=torch.Generator().manual_seed(seed),
    )
    opt = torch.optim.SGD([p for p in stage.parameters() if p.requires_grad], lr=lr, momentum=0.9, weight_decay=5e-4)
    if device.type == "cuda":
        torch.cuda.synchronize(device)
        torch.cuda.reset_peak_memory_stats(device)
    start = time.perf_counter()
    for xb, yb in loader:
        xb, yb = xb.to(device, non_blocking=True), yb.to(device, non_blocking=True)
        loss = F.cross_entropy(stage(plain_chain_input(frozen, space_to_depth, xb)), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
        return time.perf_counter() - start, torch.cuda.max_memory_allocated(device) / 2**30
    return time.perf_counter() - start, float("nan")
