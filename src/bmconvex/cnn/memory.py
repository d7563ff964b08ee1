"""The GPU memory budget of a CNN job, and running out of it as a result (App. C.3, Fig. 6).

Every CNN job runs under ``cnn.gpu_memory_gib`` (the paper's GTX 1080 Ti: 11 GiB usable of its
12 GB; None: the whole card), so the statement "training [the convex form (23)] causes memory
consumption to exceed [the] 1080 Ti GPU's 12 GB [...] after the first stage" is tested on any
larger GPU.

- On a GPU, PyTorch's caching allocator enforces it (``torch.cuda.set_per_process_memory_fraction``):
  an allocation past it raises ``torch.OutOfMemoryError``. What the step needed at least is then
  measured: the memory allocated at the failure plus the failed request.
- On the CPU nothing caps memory, so the budget is checked before training against what a step
  holds at once at least, computed from shapes (:func:`step_bytes`).

An allocation failure inside a CUDA library is out of memory too: cuBLAS, cuDNN and cuSOLVER
report theirs as a ``RuntimeError`` (:data:`ALLOCATION_FAILED`, the messages of PyTorch's
``ATen/cuda/Exceptions.h``: "CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling
`cublasCreate(handle)`", "cuDNN error: CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED" (cuDNN
9; CUDNN_STATUS_ALLOC_FAILED before), "cusolver error: CUSOLVER_STATUS_ALLOC_FAILED, when calling
..."), as are the CUDA runtime's "CUDA error: out of memory" and the CPU allocator's "can't allocate
memory".

Both raise :class:`OutOfMemory`: one path, which a convex stage records as its result and a BM
stage reports as a failed job. The shape count is a lower bound (no allocator slack, no cuDNN
workspace, no autocast weight copies), so a stage it rejects cannot fit; one it admits may still
fail on a GPU, where the allocator decides.
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager

import torch
from torch import nn

log = logging.getLogger("bmconvex")

GiB = 2**30
FROM_SHAPES = "shapes (lower bound)"
FROM_ALLOCATOR = "allocator at the failure (lower bound)"
_REQUEST = re.compile(r"Tried to allocate ([\d.]+) (B|KiB|MiB|GiB|TiB)")
_UNITS = {"B": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}
ALLOCATION_FAILED = re.compile(r"out of memory|_STATUS_ALLOC_FAILED|_ALLOCATION_FAILED|can't allocate memory")
BOUND_BATCH = 256  # the most images per batch of the stage bound (Cor. 3.8)


class OutOfMemory(RuntimeError):
    """A stage that does not fit the budget: what it needed at least, and how that was found."""

    def __init__(self, needed_gib: float, budget_gib: float | None, source: str):
        self.needed_gib, self.budget_gib, self.source = needed_gib, budget_gib, source
        super().__init__(
            f"needs at least {needed_gib:.2f} GiB (from the {source}) under a budget of "
            f"{'the whole card' if budget_gib is None else f'{budget_gib:g} GiB'}; "
            "raise cnn.gpu_memory_gib or set it to null for the whole card"
        )


def apply_budget(device: torch.device, budget_gib: float | None) -> None:
    """Cap this process's GPU memory at ``budget_gib`` (no-op on the CPU or for None)."""
    if device.type != "cuda" or budget_gib is None:
        return
    total = torch.cuda.get_device_properties(device).total_memory
    fraction = min(1.0, budget_gib * GiB / total)
    torch.cuda.set_per_process_memory_fraction(fraction, device)
    log.info("GPU memory budget %.2f GiB of the card's %.2f GiB (fraction %.4f)", budget_gib, total / GiB, fraction)


def _bytes(tensors) -> int:
    return sum(t.numel() * t.element_size() for t in tensors)


def step_bytes(
    model: nn.Module, chain: nn.Module, resident: list[torch.Tensor], input_shape: tuple, activation_bytes: int
) -> int:
    """What one SGD step of ``model`` on the frozen ``chain`` holds at once, at least, in bytes.

    The trained parameters three times (weights, gradients, momentum), the frozen ones (the
    stage's gates and the chain) once, the ``resident`` data, and for one batch of
    ``input_shape`` (B, C, H, W): the stage's input and its conv output and gated product
    (B, latent channels, H, W), alive together in the forward pass, at ``activation_bytes`` per
    number. Works on modules built on the meta device (nothing allocated).
    """
    trained = _bytes(p for p in model.parameters() if p.requires_grad)
    frozen = _bytes(p for p in model.parameters() if not p.requires_grad) + _bytes(chain.parameters())
    B, C, H, W = input_shape
    batch = activation_bytes * B * H * W * (C + 2 * model.latent_channels)
    return 3 * trained + frozen + _bytes(resident) + batch


def bound_bytes(stage: nn.Module, convex: nn.Module, chain: nn.Module, resident: list[torch.Tensor]) -> int:
    """What the stage bound (:func:`bmconvex.cnn.bound.stage_bound`) holds at once besides its batch, at
    least: the trained ``stage``, the chain and the data once, the convex form's Z and its gradient."""
    once = _bytes(stage.parameters()) + _bytes(chain.parameters()) + _bytes(convex.gates.parameters())
    return once + 2 * _bytes(convex.Z.parameters()) + _bytes(resident)


def bound_batch(fixed: int, per_image: int, budget_gib: float | None) -> int:
    """Images per batch of the stage bound under the budget: at most :data:`BOUND_BATCH`, with the
    batch taking at most half of what ``fixed`` leaves (the other half: the allocator's slack and
    cuDNN's workspace, which the shape count omits); :class:`OutOfMemory` when one image does not fit."""
    if budget_gib is None:
        return BOUND_BATCH
    if fixed + per_image > budget_gib * GiB:
        raise OutOfMemory((fixed + per_image) / GiB, budget_gib, FROM_SHAPES)
    return max(1, min(BOUND_BATCH, int((budget_gib * GiB - fixed) / 2 // per_image)))


def out_of_memory(err: BaseException) -> bool:
    """Whether ``err`` is an allocation failure (module doc)."""
    return isinstance(err, torch.OutOfMemoryError) or (
        isinstance(err, RuntimeError) and ALLOCATION_FAILED.search(str(err)) is not None
    )


def _requested(message: str) -> int:
    """The failed request of a CUDA out-of-memory message ('Tried to allocate 2.00 GiB'), in bytes."""
    found = _REQUEST.search(message)
    return round(float(found.group(1)) * _UNITS[found.group(2)]) if found else 0


@contextmanager
def budget(device: torch.device, budget_gib: float | None, estimate: int):
    """Run training under the budget; raise :class:`OutOfMemory` when it does not fit (module doc).

    ``estimate`` (bytes, from shapes) is what an allocation failure on the CPU reports as needed.
    """
    if device.type != "cuda" and budget_gib is not None and estimate > budget_gib * GiB:
        raise OutOfMemory(estimate / GiB, budget_gib, FROM_SHAPES)
    try:
        yield
    except RuntimeError as err:
        if isinstance(err, OutOfMemory) or not out_of_memory(err):
            raise
        if device.type != "cuda":
            raise OutOfMemory(estimate / GiB, budget_gib, FROM_SHAPES) from err
        at_failure = torch.cuda.memory_allocated(device) + _requested(str(err))
        needed = max(torch.cuda.max_memory_allocated(device), at_failure)
        raise OutOfMemory(needed / GiB, budget_gib, FROM_ALLOCATOR) from err
