"""Class-balanced three-class spiral data (paper Sec. 4.1, Fig. 3, App. C.1)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

N_CLASSES = 3


@dataclass(frozen=True)
class Dataset:
    """Inputs X (n x d), integer labels y (n,) and one-hot targets Y (n x c)."""

    X: np.ndarray
    y: np.ndarray

    @property
    def Y(self) -> np.ndarray:
        return one_hot(self.y, int(self.y.max()) + 1)


def one_hot(y: np.ndarray, c: int) -> np.ndarray:
    """One-hot targets Y in {0, 1}^{n x c} for the squared loss of Sec. 4.1."""
    Y = np.zeros((y.size, c))
    Y[np.arange(y.size), y] = 1.0
    return Y


def make_spiral(n: int, noise: float, seed: int) -> Dataset:
    """Three interleaved spiral arms with n / 3 points each, d = 2.

    Arm k has radii r = (1, ..., N) / N and angles t = linspace(4k, 4(k + 1), N) plus
    Gaussian noise of standard deviation ``noise``; x = (r sin t, r cos t). Every radius is
    positive, so n = 3 gives three distinct points (Fig. 3), never a degenerate X = 0.
    """
    if n <= 0 or n % N_CLASSES:
        raise ValueError(f"n must be a positive multiple of {N_CLASSES}, got {n}")
    if noise < 0:
        raise ValueError(f"noise must be non-negative, got {noise}")
    rng = np.random.default_rng(seed)
    per_class = n // N_CLASSES
    r = np.arange(1, per_class + 1) / per_class
    X, y = [], []
    for k in range(N_CLASSES):
        t = np.linspace(4 * k, 4 * (k + 1), per_class) + noise * rng.standard_normal(per_class)
        X.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
        y.append(np.full(per_class, k))
    return Dataset(X=np.concatenate(X), y=np.concatenate(y))


def save(dataset: Dataset, path: str) -> None:
    np.savez(path, X=dataset.X, y=dataset.y)


def load(path: str) -> Dataset:
    with np.load(path) as f:
        return Dataset(X=f["X"], y=f["y"])
