"""Small image datasets written in the real published formats (IDX for Fashion-MNIST, the
cifar-10-batches-py pickles for CIFAR-10), so the real loaders run where the data cannot be had."""

import pickle
import struct
from pathlib import Path

import numpy as np


def write_idx(path: Path, array: np.ndarray) -> None:
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    path.write_bytes(header + array.astype(np.uint8).tobytes())


def labelled_images(n: int, shape: tuple[int, ...], seed: int):
    """Images whose mean brightness encodes the label (learnable), and the labels."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, size=n)
    x = rng.integers(0, 64, size=(n, *shape)) + 19 * y.reshape(-1, *([1] * len(shape)))
    return x.astype(np.uint8), y


def write_fashion_mnist(root: Path, n_train: int = 512, n_test: int = 128) -> Path:
    folder = root / "FashionMNIST" / "raw"
    folder.mkdir(parents=True, exist_ok=True)
    for name, n, seed in (("train", n_train, 0), ("t10k", n_test, 1)):
        x, y = labelled_images(n, (28, 28), seed)
        write_idx(folder / f"{name}-images-idx3-ubyte", x)
        write_idx(folder / f"{name}-labels-idx1-ubyte", y)
    return folder


def write_cifar10(root: Path, per_batch: int = 20) -> Path:
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True, exist_ok=True)
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    for seed, name in enumerate(names):
        x, y = labelled_images(per_batch, (3, 32, 32), seed)
        batch = {"batch_label": name, "labels": y.tolist(), "data": x.reshape(per_batch, -1), "filenames": []}
        with open(folder / name, "wb") as f:
            pickle.dump(batch, f)
    return folder
