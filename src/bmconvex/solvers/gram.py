"""Program (5) in Gram form, for small P d: an evaluation costs O((P d)^2 c), whatever n.

With M = [D_1 X, ..., D_P X] (n x P d), K = s M^T M and b = s M^T Y,

    F(Z) = (s/2) ||M Z - Y||_F^2 = <Z, K Z> / 2 - <b, Z> + (s/2) ||Y||_F^2,   G = grad_Z F = K Z - b,

and the dual quantities of the certificate are ||g||^2 = 2 s F and <g, Y> = <b, Z> - s ||Y||_F^2.
K is accumulated over blocks of rows (n (P d)^2 / 2 flops, one BLAS syrk per block), so M is
never held whole. The restriction to the active patterns A keeps K_AA and b_A. With per-pattern
bases Q_j (d x r), the features are D_j X Q_j instead (M = [D_1 X Q_1, ..., D_P X Q_P]): program (5)
restricted to Z_j = Q_j W_j, in the unknowns W_j (r x c) (:mod:`.subspace`).
"""

from __future__ import annotations

import numpy as np
from scipy.linalg.blas import dsyrk

ROWS_PER_BLOCK = 4096


class GramOperator:
    def __init__(self, X: np.ndarray, Y: np.ndarray, D: np.ndarray, s: float, Q: np.ndarray | None = None):
        n = X.shape[0]
        self.P, self.d, self.c, self.s = D.shape[0], X.shape[1] if Q is None else Q.shape[2], Y.shape[1], s
        Pd = self.P * self.d
        stacked = None if Q is None else Q.transpose(1, 0, 2).reshape(X.shape[1], Pd)  # [Q_1 ... Q_P]
        K, b = np.zeros((Pd, Pd)), np.zeros((Pd, self.c))
        for start in range(0, n, ROWS_PER_BLOCK):
            rows = slice(start, start + ROWS_PER_BLOCK)
            features = X[rows, None, :] if Q is None else (X[rows] @ stacked).reshape(-1, self.P, self.d)
            M = (D[:, rows].T[:, :, None] * features).reshape(-1, Pd)
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
        G = KZ - self.b_active
        penalty = float(np.vdot(U, U)) + float(np.vdot(V, V))
        f = 0.5 * float(np.vdot(Z, G - self.b_active)) + self.yy + 0.5 * beta * penalty  # <Z, KZ/2 - b> = <Z, G - b>/2
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

    What the answer of the Gram-form iterations is certified with (no cancellation in F). Both
    sums over the patterns are one matrix product each, over blocks of rows: with
    W_i = sum_j D_j[i] Z_j (d x c),

        Y_hat_i = X_i^T W_i,   vec(G_j) = sum_i D_j[i] vec(X_i g_i^T),

    so a certificate costs 2 n P d c flops in BLAS and holds no n x P x c array.
    """

    def __init__(self, X: np.ndarray, Y: np.ndarray, D: np.ndarray, s: float):
        self.X, self.Y, self.DT, self.s = X, Y, D.T.astype(float), s
        (self.n, self.d), self.P, self.c = X.shape, D.shape[0], Y.shape[1]
        self.rows = max(1, 2**22 // (self.d * self.c))

    def state(self, Z: np.ndarray):
        d, c, G = self.d, self.c, np.zeros((self.P, self.d * self.c))
        Zf = Z.reshape(self.P, d * c)
        gY, gg = 0.0, 0.0
        for start in range(0, self.n, self.rows):
            rows = slice(start, start + self.rows)
            W = (self.DT[rows] @ Zf).reshape(-1, d, c)
            g = self.s * (np.einsum("nd,ndc->nc", self.X[rows], W) - self.Y[rows])
            G += self.DT[rows].T @ (self.X[rows, :, None] * g[:, None, :]).reshape(-1, d * c)
            gY, gg = gY + float(np.sum(g * self.Y[rows])), gg + float(np.sum(g * g))
        return gg / (2 * self.s), G.reshape(self.P, d, c), gY, gg  # F = (s/2) ||r||^2 = ||g||^2 / (2 s)
