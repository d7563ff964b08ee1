"""Program (5) in Gram form, for small P d: an evaluation costs O((P d)^2 c), whatever n.

With M = [D_1 X, ..., D_P X] (n x P d), K = s M^T M and b = s M^T Y,

    F(Z) = (s/2) ||M Z - Y||_F^2 = <Z, K Z> / 2 - <b, Z> + (s/2) ||Y||_F^2,   G = grad_Z F = K Z - b,

and the dual quantities of the certificate are ||g||^2 = 2 s F and <g, Y> = <b, Z> - s ||Y||_F^2.
K is accumulated over blocks of rows (n (P d)^2 / 2 flops, one BLAS syrk per block), so M is
never held whole. The restriction to the active patterns A keeps K_AA and b_A.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg.blas import dsyrk

ROWS_PER_BLOCK = 4096


class GramOperator:
    def __init__(self, X: np.ndarray, Y: np.ndarray, D: np.ndarray, s: float):
        n, self.d = X.shape
        self.P, self.c, self.s = D.shape[0], Y.shape[1], s
        Pd = self.P * self.d
        K, b = np.zeros((Pd, Pd)), np.zeros((Pd, self.c))
        for start in range(0, n, ROWS_PER_BLOCK):
            rows = slice(start, start + ROWS_PER_BLOCK)
            M = (D[:, rows].T[:, :, None] * X[rows, None, :]).reshape(-1, Pd)
            K = dsyrk(s, M.T, beta=1.0, c=K, overwrite_c=1)  # M.T is Fortran-ordered: no copy
            b += s * (M.T @ Y[rows])
        self.K = np.triu(K) + np.triu(K, 1).T
        self.b = b.reshape(self.P, self.d, self.c)
        self.yy = 0.5 * s * float(np.sum(Y * Y))
        self.restrict(np.arange(self.P))

    def restrict(self, active: np.ndarray) -> None:
        """Later calls of :meth:`bm_value_grad` see only the patterns ``active``."""
        rows = (np.asarray(active)[:, None] * self.d + np.arange(self.d)).ravel()
        self.K_active, self.b_active = self.K[np.ix_(rows, rows)], self.b[active]

    def bm_value_grad(self, U: np.ndarray, V: np.ndarray, beta: float):
        """Objective of (18) over the active patterns and its gradients (G_j V_j + beta U_j, G_j^T U_j + beta V_j)."""
        A, d, c = U.shape[0], self.d, self.c
        Z = U @ V.transpose(0, 2, 1)
        KZ = (self.K_active @ Z.reshape(A * d, c)).reshape(A, d, c)
        f = float(np.sum(Z * (0.5 * KZ - self.b_active))) + self.yy + 0.5 * beta * float(np.sum(U * U) + np.sum(V * V))
        G = KZ - self.b_active
        return f, G @ V + beta * U, G.transpose(0, 2, 1) @ U + beta * V

    def state(self, Z: np.ndarray):
        """F, G (P, d, c), <g, Y> and ||g||^2 at Z (P, d, c)."""
        KZ = (self.K @ Z.reshape(-1, self.c)).reshape(Z.shape)
        F = float(np.sum(Z * (0.5 * KZ - self.b))) + self.yy
        return F, KZ - self.b, float(np.sum(self.b * Z)) - 2.0 * self.yy, 2.0 * self.s * F

    def gram_apply(self, Delta: np.ndarray) -> np.ndarray:
        """K Delta, (P, d, c)."""
        return (self.K @ Delta.reshape(-1, self.c)).reshape(Delta.shape)

    def curvature(self, Delta: np.ndarray) -> float:
        """<Delta, K Delta> = s ||sum_j D_j X Delta_j||_F^2."""
        return float(np.sum(Delta * self.gram_apply(Delta)))


class ResidualOperator:
    """F, G and the dual quantities at Z from the residual Y_hat - Y itself (NumPy, no torch).

    What the answer of the Gram-form iterations is certified with (no cancellation in F), in
    blocks of patterns so that no n x P x c array is held whole.
    """

    def __init__(self, X: np.ndarray, Y: np.ndarray, D: np.ndarray, s: float):
        self.X, self.Y, self.DT, self.s = X, Y, D.T.astype(float), s
        (self.n, self.d), self.P, self.c = X.shape, D.shape[0], Y.shape[1]
        self.block = max(1, 2**24 // (self.n * self.c))

    def state(self, Z: np.ndarray):
        Y_hat = np.zeros_like(self.Y)
        for j in range(0, self.P, self.block):
            XZ = (self.X @ Z[j : j + self.block].transpose(1, 0, 2).reshape(self.d, -1)).reshape(self.n, -1, self.c)
            Y_hat += np.einsum("nb,nbc->nc", self.DT[:, j : j + self.block], XZ)
        residual = Y_hat - self.Y
        g = self.s * residual
        G = np.empty((self.P, self.d, self.c))
        for j in range(0, self.P, self.block):
            Dg = (self.DT[:, j : j + self.block, None] * g[:, None, :]).reshape(self.n, -1)
            G[j : j + self.block] = (self.X.T @ Dg).reshape(self.d, -1, self.c).transpose(1, 0, 2)
        F = 0.5 * self.s * float(np.sum(residual * residual))
        return F, G, float(np.sum(g * self.Y)), float(np.sum(g * g))
