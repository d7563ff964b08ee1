"""The gated-ReLU MLP programs of the paper with squared loss.

Convex program (5):       p* = min_{Z_j} F(sum_j D_j X Z_j) + beta sum_j ||Z_j||_*
BM factorisation (18):    min_{U_j, V_j} F(sum_j D_j X U_j V_j^T) + beta/2 sum_j (||U_j||_F^2 + ||V_j||_F^2)

with F(Y_hat) = (s / 2) ||Y_hat - Y||_F^2. The paper does not state the scaling s; we use
s = 1/n ("mean", the default, which keeps GD with lr 1.0 stable) or s = 1 ("sum").

Stacked shapes: D (P, n), Z (P, d, c), U (P, d, m), V (P, c, m).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from bmconvex.mlp import arrangements, spiral

LOSS_SCALINGS = ("mean", "sum")


class GatedReLUProblem:
    """Data X, targets Y, patterns D_j and beta of programs (5) and (18).

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
        self.loss_scaling = loss_scaling
        self.n, self.d = self.X.shape
        self.c = self.Y.shape[1]
        self.P = self.D.shape[0]
        self.s = 1.0 / self.n if loss_scaling == "mean" else 1.0

    @cached_property
    def M(self) -> np.ndarray:
        """M = [D_1 X, ..., D_P X], (n, P d), formed once on first use."""
        DX = self.D[:, :, None] * self.X[None, :, :]  # (P, n, d): D_j X
        return np.ascontiguousarray(DX.transpose(1, 0, 2).reshape(self.n, self.P * self.d))

    # --- the loss F and its gradient -------------------------------------------------------
    def predict(self, Z: np.ndarray) -> np.ndarray:
        """Y_hat = sum_j D_j X Z_j."""
        return self.M @ Z.reshape(self.P * self.d, self.c)

    def F(self, Y_hat: np.ndarray) -> float:
        """F(Y_hat) = (s/2) ||Y_hat - Y||_F^2 (non-negative, as Thm 3.4 requires)."""
        return 0.5 * self.s * float(np.sum((Y_hat - self.Y) ** 2))

    def grad_F(self, Y_hat: np.ndarray) -> np.ndarray:
        return self.s * (Y_hat - self.Y)

    def grad_Z(self, Z: np.ndarray) -> np.ndarray:
        """G_j = grad_{Z_j} F(sum_j' D_j' X Z_j') = (D_j X)^T grad F, stacked (P, d, c)."""
        return (self.M.T @ self.grad_F(self.predict(Z))).reshape(self.P, self.d, self.c)

    # --- objectives --------------------------------------------------------------------------
    def convex_objective(self, Z: np.ndarray) -> float:
        """Objective of (5) at Z."""
        return self.F(self.predict(Z)) + self.beta * float(nuclear_norms(Z).sum())

    def bm_objective(self, U: np.ndarray, V: np.ndarray) -> float:
        """Objective of (18) at (U, V); always >= the objective of (5) at Z_j = U_j V_j^T."""
        reg = 0.5 * self.beta * (float(np.sum(U**2)) + float(np.sum(V**2)))
        return self.F(self.predict(factor_product(U, V))) + reg

    def bm_gradients(self, U: np.ndarray, V: np.ndarray, G: np.ndarray | None = None):
        """Gradients of (18): grad_U_j = G_j V_j + beta U_j (eq. 28), grad_V_j = G_j^T U_j + beta V_j.

        ``G`` is grad_Z F at Z = U V^T when the caller has it already.
        """
        G = self.grad_Z(factor_product(U, V)) if G is None else G
        return G @ V + self.beta * U, G.transpose(0, 2, 1) @ U + self.beta * V


def factor_product(U: np.ndarray, V: np.ndarray) -> np.ndarray:
    """Z_j = U_j V_j^T, stacked (P, d, c)."""
    return U @ V.transpose(0, 2, 1)


def nuclear_norms(Z: np.ndarray) -> np.ndarray:
    """||Z_j||_* for each j."""
    return np.linalg.svd(Z, compute_uv=False).sum(axis=-1)


def make_problem(data_path: str, arrangement_path: str, beta: float, loss_scaling: str) -> GatedReLUProblem:
    """The program of one (n, seed, beta) from its data and arrangement files."""
    data = spiral.load(data_path)
    arrangement = arrangements.load(arrangement_path)
    return GatedReLUProblem(data.X, data.Y, arrangement.D, beta, loss_scaling)
