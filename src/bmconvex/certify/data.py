"""The programs (5) of the scaling experiment: the spiral (Sec. 4.1) and Fashion-MNIST pixels.

Fashion-MNIST as a gated-ReLU two-layer classifier: x = pixels / 255 minus the mean image of the
n training images used, divided by one global standard deviation (a per-pixel scale would blow up
the nearly constant border pixels); one-hot targets; P-hat
Gaussian gates h_j ~ N(0, I_784) and their distinct non-empty patterns D_j = 1{X h_j >= 0}, the
same gates applied to the test images for the test accuracy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bmconvex.mlp import spiral
from bmconvex.mlp.arrangements import arrangement_for_seed, distinct_nonempty
from bmconvex.mlp.seeds import ARRANGEMENT_STREAM, rng
from bmconvex.solvers.certified import Program


@dataclass(frozen=True)
class Case:
    """Program (5) of one job, and the test set of the classifier (None for the spiral)."""

    program: Program
    P_hat: int
    X_test: np.ndarray | None = None
    y_test: np.ndarray | None = None
    D_test: np.ndarray | None = None


def spiral_case(n: int, P_hat: int, beta: float, noise: float, data_seed: int, seed: int) -> Case:
    data = spiral.make_spiral(n, noise, data_seed)
    D = arrangement_for_seed(data.X, P_hat, seed).D
    return Case(Program(data.X, data.Y, D, beta, 1.0 / n), P_hat)


def fashion_case(images: dict, n: int, P_hat: int, beta: float, seed: int) -> Case:
    """``images``: train_x, train_y, test_x, test_y as packed by :func:`bmconvex.cnn.formats.save`."""
    train = images["train_x"][:n].reshape(n, -1) / 255.0
    mean = train.mean(axis=0)
    scale = float((train - mean).std())
    X = (train - mean) / scale
    X_test = (images["test_x"].reshape(len(images["test_x"]), -1) / 255.0 - mean) / scale
    H = rng(seed, ARRANGEMENT_STREAM).standard_normal((P_hat, X.shape[1]))
    D = (X @ H.T >= 0).T
    keep = distinct_nonempty(D)
    Y = spiral.one_hot(images["train_y"][:n], 10)
    program = Program(X, Y, D[keep], beta, 1.0 / n)
    return Case(program, P_hat, X_test, images["test_y"], (X_test @ H[keep].T >= 0).T)
