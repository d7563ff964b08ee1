"""The gated-ReLU MLP programs of the paper with squared loss.

Convex program (5):       p* = min_{Z_j} F(sum_j D_j X Z_j) + beta sum_j ||Z_j||_*
BM factorisation (18):    min_{U_j, V_j} F(sum_j D_j X U_j V_j^T) + beta/2 sum_j (||U_j||_F^2 + ||V_j||_F^2)

with F(Y_hat) = (s / 2) ||Y_hat - Y||_F^2 (s: :mod:`bmconvex.core.squared_loss`, shared with (3)/(19)).

Stacked shapes: D (P, n), Z (P, d, c), U (P, d, m), V (P, c, m).
"""

from __future__ import annotations

import numpy as np

from bmconvex.core.squared_loss import PatternLoss
from bmconvex.mlp import arrangements, spiral


class GatedReLUProblem(PatternLoss):
    """Data X, targets Y, patterns D_j and beta of programs (5) and (18); the loss F, its gradient,
    predict and M = [D_1 X, ..., D_P X] (formed on first use) are :class:`PatternLoss`'s."""

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
