"""The image data on the device: uint8 tensors loaded once, normalised and augmented per batch.

As in fast CIFAR training code (airbench): no DataLoader workers, batches are index slices of
tensors already on the device; CIFAR-10's RandomCrop(32, padding=4) + horizontal flip is done
with tensor ops there (App. C.2; the authors' augmentation).
"""

from __future__ import annotations

import copy

import torch
import torch.nn.functional as F

from bmconvex.cnn import formats

NORMALISATION = {  # per-channel mean and std (the authors' choices)
    "fashion_mnist": ((0.5,), (0.5,)),
    "cifar10": ((0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010)),
}


def device_name(device: torch.device) -> str:
    return torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"


class DeviceData:
    """A dataset resident on the device, normalised per batch."""

    def __init__(self, images: formats.ImageSet, dataset: str, device: torch.device):
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


def load(path: str, dataset: str, device: torch.device, train_samples: int | None, test_samples: int | None):
    """The packed dataset at ``path`` on ``device``, cut to the first train/test samples (None: all)."""
    images = formats.load(path)
    images = formats.ImageSet(
        images.train_x[:train_samples],
        images.train_y[:train_samples],
        images.test_x[:test_samples],
        images.test_y[:test_samples],
    )
    return DeviceData(images, dataset, device)


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


def batches(n: int, size: int):
    for start in range(0, n, size):
        yield slice(start, min(start + size, n))
