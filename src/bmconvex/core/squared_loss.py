"""The squared loss of the paper's MLP programs over a set of activation patterns, shared by the
gated-ReLU programs (5)/(18) and the ReLU programs (3)/(19).

Both fit Y_hat = sum_j D_j X Z_j with F(Y_hat) = (s / 2) ||Y_hat - Y||_F^2, where the paper does not
state the scaling s: s = 1/n ("mean", the default, which keeps GD with lr 1.0 stable) or s = 1
("sum"). The programs differ only in the norm of Z_j and (for ReLU) the cones of U_j.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

LOSS_SCALINGS = ("mean", "sum")


class PatternLoss:
    """Data X (n, d), targets Y (n, c), patterns D (P, n) and beta > 0; F, its gradient and predict.

    The n x (P d) matrix M = [D_1 X, ..., D_P X] (sum_j D_j X Z_j = M vec(Z), and the gradients
    w.r.t. all Z_j are one product M^T grad F) is formed on first use only, by the paths that read
    it (GD training, :meth:`predict`, the interior-point solvers): the certified solvers never do,
    and at Fashion-MNIST sizes it would not fit in memory (7.5 GB at n = 12 000, d = 784, P = 100).
    """

    def __init__(self, X, Y, D, beta: float, loss_scaling: str = "mean"):
        if beta <= 0:
            raise ValueError(f"beta must be positive, got {beta}")
        if loss_scaling not in LOSS_SCALINGS:
            raise ValueError(f"loss_scaling must be one of {LOSS_SCALINGS}, got {loss_scaling!r}")
        self.X = np.asarray(X, dtype=float)
        self.Y = np.asarray(Y, dtype=float)
        self.D = np.asarray(D, dtype=bool)
        self.beta = float(beta)
        self.n, self.d = self.X.shape
        self.c = self.Y.shape[1]
        self.P = self.D.shape[0]
        self.s = 1.0 / self.n if loss_scaling == "mean" else 1.0

    @cached_property
    def M(self) -> np.ndarray:
        """M = [D_1 X, ..., D_P X], (n, P d), formed once on first use."""
        DX = self.D[:, :, None] * self.X[None, :, :]  # (P, n, d): D_j X
        return np.ascontiguousarray(DX.transpose(1, 0, 2).reshape(self.n, self.P * self.d))

    def predict(self, Z: np.ndarray) -> np.ndarray:
        """Y_hat = sum_j D_j X Z_j for a stack Z (P, d, c)."""
        return self.M @ Z.reshape(self.P * self.d, self.c)

    def F(self, Y_hat: np.ndarray) -> float:
        """F(Y_hat) = (s/2) ||Y_hat - Y||_F^2 (non-negative, as Thm 3.4 requires)."""
        return 0.5 * self.s * float(np.sum((Y_hat - self.Y) ** 2))

    def grad_F(self, Y_hat: np.ndarray) -> np.ndarray:
        return self.s * (Y_hat - self.Y)
