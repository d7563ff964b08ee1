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
from bmconvex.mlp.arrangements import arrangement_for_seed
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


def scale_pixels(images: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """(X, mean, scale): pixels / 255 of the images (N, ...) minus their mean image, over one global std."""
    pixels = images.reshape(len(images), -1) / 255.0
    mean = pixels.mean(axis=0)
    scale = float((pixels - mean).std())
    return (pixels - mean) / scale, mean, scale


def fashion_case(images: dict, n: int, P_hat: int, beta: float, seed: int) -> Case:
    """``images``: train_x, train_y, test_x, test_y as packed by :func:`bmconvex.cnn.formats.save`."""
    X, mean, scale = scale_pixels(images["train_x"][:n])
    X_test = (images["test_x"].reshape(len(images["test_x"]), -1) / 255.0 - mean) / scale
    arrangement = arrangement_for_seed(X, P_hat, seed)
    program = Program(X, spiral.one_hot(images["train_y"][:n], 10), arrangement.D, beta, 1.0 / n)
    return Case(program, P_hat, X_test, images["test_y"], (X_test @ arrangement.H.T >= 0).T)
