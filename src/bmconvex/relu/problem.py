"""The ReLU MLP programs of the paper with squared loss: d = 2 (the spiral) and, at c = 1, any d.

Convex program (3):       p* = min_{Z_j} F(sum_j D_j X Z_j) + beta sum_j ||Z_j||_{*,K_j}
BM factorisation (19):    min_{K_j U_j >= 0, V_j} F(sum_j D_j X U_j V_j^T) + beta/2 sum_j (||U_j||^2 + ||V_j||^2)

with K_j = (2 D_j - I) X, the quasi-nuclear norm (4) and F(Y_hat) = (s / 2) ||Y_hat - Y||_F^2
(:mod:`bmconvex.core.squared_loss`, shared with the gated program). Where K_j u >= 0, D_j X u = relu(X u):
each column of U_j is a ReLU neuron. Stacked shapes: D (P, n), U (P, d, m), V (P, c, m).
"""

from __future__ import annotations

import numpy as np

from bmconvex.core.squared_loss import PatternLoss
from bmconvex.mlp import arrangements, spiral
from bmconvex.relu.cones import cone_matrices, wedges


class ReLUProblem(PatternLoss):
    """Data X, targets Y, patterns D_j with their cones C_j (wedges at d = 2), and beta of (3) and (19).

    The loss F, its gradient, predict and M = [D_1 X, ..., D_P X] are :class:`PatternLoss`'s, as for
    the gated program: the fit and its gradient are the same functions of (U, V); only the feasible
    set of U differs. The wedges (closed-form sigma_j and projection) exist at d = 2; in any d, c = 1
    uses NNLS on the cone matrices K_j.
    """

    def __init__(self, X, Y, D, H, beta: float, loss_scaling: str = "mean"):
        super().__init__(X, Y, D, beta, loss_scaling)
        self.K = cone_matrices(self.X, self.D)
        self.wedges = wedges(self.X, self.D, np.asarray(H, dtype=float)) if self.d == 2 else None

    def grad_Z(self, Y_hat: np.ndarray) -> np.ndarray:
        """G_j = (D_j X)^T grad F(Y_hat), stacked (P, d, c)."""
        return (self.M.T @ self.grad_F(Y_hat)).reshape(self.P, self.d, self.c)

    def network(self, U: np.ndarray, V: np.ndarray) -> np.ndarray:
        """The ReLU network's output sum_{j,k} relu(X u_jk) v_jk^T, evaluated as a network: it equals
        predict(U_j V_j^T) where every u_jk lies in C_j, and is a network's output whatever the rounding."""
        return np.einsum("pnm,pcm->nc", np.maximum(np.einsum("nd,pdm->pnm", self.X, U), 0.0), V)

    def factored_objective(self, U: np.ndarray, V: np.ndarray) -> float:
        """F + beta sum_{j,k} ||u_jk|| ||v_jk|| of the network (U, V): the objective of (3) at Z_j = U_j V_j^T
        with the norm (4) bounded by this decomposition, so >= p* when every u_jk lies in C_j.
        It is <= the objective of (19), with equality at balanced (e.g. stationary) points.
        """
        Y_hat = self.network(U, V)
        return self.F(Y_hat) + self.beta * float(np.sum(np.linalg.norm(U, axis=1) * np.linalg.norm(V, axis=1)))

    def bm_objective(self, U: np.ndarray, V: np.ndarray) -> float:
        """Objective of (19)."""
        Y_hat = self.predict(U @ V.transpose(0, 2, 1))
        return self.F(Y_hat) + 0.5 * self.beta * (float(np.sum(U**2)) + float(np.sum(V**2)))


def make_problem(data_path: str, arrangement_path: str, beta: float, loss_scaling: str) -> ReLUProblem:
    """The program of one (n, seed, beta) from the spiral experiment's data and arrangement files."""
    data = spiral.load(data_path)
    arrangement = arrangements.load(arrangement_path)
    return ReLUProblem(data.X, data.Y, arrangement.D, arrangement.H, beta, loss_scaling)
