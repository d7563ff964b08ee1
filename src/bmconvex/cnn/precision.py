"""The arithmetic a CNN stage trains in (``cnn.precision``), following the device.

- ``auto``: bf16 autocast on a GPU that computes bf16 natively (compute capability >= 8.0: A100,
  RTX 30xx, H100, ...); fp16 autocast with a gradient scaler below it (T4, RTX 20xx, V100, where
  bf16 is emulated: no error, but slow convolutions that would distort Fig. 6); fp32 on the CPU.
- ``bf16``, ``fp16``, ``fp32``: that, on any device (CPU autocast computes both half types).

fp16 has bf16's precision but a range of 6e-5 .. 6.5e4, so small gradients underflow without
loss scaling: :func:`grad_scaler` is ``torch.amp.GradScaler``, enabled for fp16 only (a disabled
scaler is a no-op: fp32 and bf16 steps are unchanged).
"""

from __future__ import annotations

import logging
from contextlib import nullcontext

import torch

log = logging.getLogger("bmconvex")

PRECISIONS = ("auto", "bf16", "fp16", "fp32")
HALF = {"bf16": torch.bfloat16, "fp16": torch.float16}
BF16_NATIVE = (8, 0)  # compute capability from which tensor cores compute bf16 (Ampere)


def capability(device: torch.device) -> tuple[int, int]:
    """The GPU's compute capability (device-bound: stubbed in tests)."""
    return torch.cuda.get_device_capability(device)


def resolve(requested: str, device: torch.device) -> str:
    """bf16, fp16 or fp32: ``requested``, with ``auto`` chosen by the device (module doc)."""
    if requested not in PRECISIONS:
        raise ValueError(f"cnn.precision: {requested!r}; use one of {', '.join(PRECISIONS)}")
    on_gpu = device.type == "cuda"
    if requested == "auto":
        if not on_gpu:
            return "fp32"
        return "bf16" if capability(device) >= BF16_NATIVE else "fp16"
    if requested == "bf16" and on_gpu and capability(device) < BF16_NATIVE:
        log.warning(
            "cnn.precision: bf16 on compute capability %d.%d is emulated (slow); auto uses fp16", *capability(device)
        )
    return requested


def autocast(device: torch.device, precision: str):
    """Autocast to the half type of ``precision`` (bf16, fp16); no autocast for fp32."""
    return nullcontext() if precision == "fp32" else torch.autocast(device.type, dtype=HALF[precision])


def grad_scaler(device: torch.device, precision: str) -> torch.amp.GradScaler:
    """Loss scaling for fp16 (module doc); disabled otherwise."""
    return torch.amp.GradScaler(device.type, enabled=precision == "fp16")


def number_bytes(precision: str) -> int:
    """Bytes per activation: 2 in a half type, 4 in fp32 (the shape count of :mod:`memory`)."""
    return 4 if precision == "fp32" else 2
