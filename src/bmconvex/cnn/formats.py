"""Fashion-MNIST and CIFAR-10 read from their published formats, and the packed arrays (Sec. 4.2).

The formats are IDX (Fashion-MNIST) and Python pickles (CIFAR-10), read with NumPy because
torchvision's PyPI wheels do not import against a CPU-only torch. The content is checked against
the format always (cheap); the checksums are :mod:`bmconvex.cnn.files`'.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path

import numpy as np

NUM_CLASSES = 10  # both datasets: labels 0 .. 9


class DatasetCorrupt(ValueError):
    """A dataset file whose content does not fit its format (checked even with ``verify: false``)."""

    def __init__(self, path: Path, problem: str):
        super().__init__(
            f"{path}: {problem}. The file is corrupt: delete it (it is obtained again where possible, "
            "see cnn.data in config.yaml) or restore it, then run again."
        )


@dataclass(frozen=True)
class ImageSet:
    """uint8 images (N, C, H, W) and integer labels (N,) for train and test."""

    train_x: np.ndarray
    train_y: np.ndarray
    test_x: np.ndarray
    test_y: np.ndarray


def read_idx(path: Path) -> np.ndarray:
    """An IDX file (the MNIST format): big-endian dims after a 4-byte magic number.

    The magic number and the file length against the header's dims are checked (always, cheap).
    """
    raw = path.read_bytes()
    if len(raw) < 4 or raw[:3] != b"\0\0\x08":
        raise DatasetCorrupt(path, "not an IDX file of unsigned bytes (its magic number is wrong)")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DatasetCorrupt(path, f"{len(raw)} bytes, shorter than its {header}-byte header")
    dims = tuple(int(k) for k in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    if len(raw) != (size := header + int(np.prod(dims, dtype=np.int64))):
        raise DatasetCorrupt(path, f"{len(raw)} bytes, but its header {dims} needs {size}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def check_labels(path: Path, y: np.ndarray, n: int) -> np.ndarray:
    """Labels of n images, each in 0 .. 9 (checked always, cheap), or DatasetCorrupt naming ``path``."""
    if y.shape != (n,):
        raise DatasetCorrupt(path, f"labels of shape {y.shape} for {n} images")
    if n and not 0 <= y.min() <= y.max() < NUM_CLASSES:
        raise DatasetCorrupt(path, f"labels range over {y.min()} .. {y.max()}, not 0 .. {NUM_CLASSES - 1}")
    return y


def load_fashion_mnist(folder: Path) -> ImageSet:
    def part(name):
        images, labels = folder / f"{name}-images-idx3-ubyte", folder / f"{name}-labels-idx1-ubyte"
        x, y = read_idx(images), read_idx(labels).astype(np.int64)
        if x.shape[1:] != (28, 28):
            raise DatasetCorrupt(images, f"images of shape {x.shape}, not (N, 28, 28)")
        return x[:, None], check_labels(labels, y, len(x))

    return ImageSet(*part("train"), *part("t10k"))


def _cifar_batches(folder: Path, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for name in names:
        try:
            with open(folder / name, "rb") as f:
                batch = pickle.load(f, encoding="latin1")
            x, y = np.asarray(batch["data"], dtype=np.uint8), np.asarray(batch["labels"], dtype=np.int64)
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, KeyError, IndexError) as err:
            raise DatasetCorrupt(folder / name, f"not a CIFAR-10 batch ({type(err).__name__}: {err})") from None
        if x.ndim != 2 or x.shape[1] != 3 * 32 * 32:
            raise DatasetCorrupt(folder / name, f"data of shape {x.shape}, not (N, 3072)")
        xs.append(x.reshape(-1, 3, 32, 32))
        ys.append(check_labels(folder / name, y, len(x)))
    return np.concatenate(xs), np.concatenate(ys)


def load_cifar10(folder: Path) -> ImageSet:
    train = [f"data_batch_{i}" for i in range(1, 6)]
    return ImageSet(*_cifar_batches(folder, train), *_cifar_batches(folder, ["test_batch"]))


def save(images: ImageSet, path: str | Path) -> None:
    np.savez(path, train_x=images.train_x, train_y=images.train_y, test_x=images.test_x, test_y=images.test_y)


def load(path: str | Path) -> ImageSet:
    with np.load(path) as f:
        return ImageSet(f["train_x"], f["train_y"], f["test_x"], f["test_y"])
