"""Linear self-attention: the convex program (104) and its BM factorisation (26), squared loss.

Convex program (104):  p* = min_{Z in R^{d^2 x dc}} F(A(Z)) + beta ||Z||_*,
                       A(Z)_i = sum_{k,l} G_i[k, l] X_i Z^{(k,l)},  G_i = X_i^T X_i,
BM factorisation:      min_{U in R^{d^2 x m}, V in R^{dc x m}} F(A(U V^T)) + beta/2 (||U||_F^2 + ||V||_F^2),

with F(Y_hat) = 1/(2n) sum_i ||Y_hat_i - Y_i||_F^2. Z^{(k,l)} in R^{d x c} is the block of Z in
rows k d .. k d + d - 1 and columns l c .. l c + c - 1. Column j of U is vec(U_j) (the columns of
the head's U_j stacked) and column j of V is vec(V_j^T) (the rows of V_j stacked), which turns the
factorisation into the m-head network (26) (App. A.12): A(U V^T)_i = sum_j X_i U_j X_i^T X_i V_j.

A is a linear map: the prediction for token t of sequence i is Phi[(i, t)] @ Z reshaped to
(d^3, c), with the design Phi[(i, t), (k, a, l)] = G_i[k, l] X_i[t, a]. The problem is built
from Phi, so that tests can also hand it a design with a closed-form optimum (eq. 13).
"""

from __future__ import annotations

import numpy as np


class AttentionProblem:
    """Design Phi (N, d^3), targets Y (N, c), the number n of sequences and beta of (104)."""

    def __init__(self, Phi, Y, d: int, c: int, n: int, beta: float):
        if beta <= 0:
            raise ValueError(f"beta must be positive, got {beta}")
        self.Phi = np.asarray(Phi, dtype=float)
        self.Y = np.asarray(Y, dtype=float)
        if self.Phi.shape != (self.Y.shape[0], d**3) or self.Y.shape[1] != c:
            raise ValueError(f"Phi {self.Phi.shape} and Y {self.Y.shape} do not fit d = {d}, c = {c}")
        if not (np.all(np.isfinite(self.Phi)) and np.all(np.isfinite(self.Y))):
            raise ValueError("the design Phi or the targets Y hold non-finite values")
        self.d, self.c, self.n, self.beta = d, c, n, float(beta)
        self.s = 1.0 / n  # loss scale: F = (s/2) ||Phi Z - Y||_F^2
        self.Q = self.Phi.T @ self.Phi  # Gram matrix of the design (Hessian of F up to s)
        self.B = self.Phi.T @ self.Y

    @classmethod
    def from_sequences(cls, X: np.ndarray, Y: np.ndarray, beta: float) -> AttentionProblem:
        """The problem (104) of sequences X (n, s, d) with targets Y (n, s, c)."""
        n, s, d = X.shape
        if Y.shape[:2] != (n, s):
            raise ValueError(f"targets Y {Y.shape} do not match sequences X {X.shape}")
        G = np.swapaxes(X, 1, 2) @ X
        Phi = np.einsum("ikl,ita->itkal", G, X).reshape(n * s, d**3)
        return cls(Phi, Y.reshape(n * s, -1), d, Y.shape[2], n, beta)

    @property
    def shape(self) -> tuple[int, int]:
        """(d^2, dc): the shape of Z."""
        return self.d**2, self.d * self.c

    # --- the loss F and its gradient ----------------------------------------------------------
    def predict(self, Z: np.ndarray) -> np.ndarray:
        """A(Z), one row per token: Phi @ Z reshaped to (d^3, c)."""
        return self.Phi @ Z.reshape(self.d**3, self.c)

    def F(self, Y_hat: np.ndarray) -> float:
        """F(Y_hat) = (s/2) ||Y_hat - Y||_F^2 >= 0, as Thm 3.4 requires."""
        return 0.5 * self.s * float(np.sum((Y_hat - self.Y) ** 2))

    def grad_F(self, Y_hat: np.ndarray) -> np.ndarray:
        return self.s * (Y_hat - self.Y)

    def adjoint(self, L: np.ndarray) -> np.ndarray:
        """A^*(L) in R^{d^2 x dc} for L of the shape of Y."""
        return (self.Phi.T @ L).reshape(self.shape)

    def grad_Z(self, Z: np.ndarray) -> np.ndarray:
        """grad_Z F(A(Z)) = A^*(grad F), in R^{d^2 x dc}."""
        return self.adjoint(self.grad_F(self.predict(Z)))

    def fit_and_grad_Z(self, Z: np.ndarray) -> tuple[float, np.ndarray]:
        """F(A(Z)) and grad_Z F from the Gram matrix Q = Phi^T Phi: cost independent of n."""
        W = Z.reshape(self.d**3, self.c)
        QW = self.Q @ W
        F = 0.5 * self.s * (float(np.vdot(W, QW)) - 2.0 * float(np.vdot(self.B, W)) + float(np.vdot(self.Y, self.Y)))
        return F, (self.s * (QW - self.B)).reshape(self.shape)

    # --- objectives ---------------------------------------------------------------------------
    def convex_objective(self, Z: np.ndarray) -> float:
        """Objective of (104) at Z."""
        return self.F(self.predict(Z)) + self.beta * float(np.linalg.svd(Z, compute_uv=False).sum())

    def bm_objective(self, U: np.ndarray, V: np.ndarray) -> float:
        """Objective of (26) at factors U, V; always >= the objective of (104) at Z = U V^T."""
        reg = 0.5 * self.beta * (float(np.sum(U**2)) + float(np.sum(V**2)))
        return self.F(self.predict(U @ V.T)) + reg

    def bm_gradients(self, U: np.ndarray, V: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """grad_U = G V + beta U and grad_V = G^T U + beta V with G = grad_Z F (as eq. 28)."""
        G = self.grad_Z(U @ V.T)
        return G @ V + self.beta * U, G.T @ U + self.beta * V

    def bm_hessian_vector(self, U, V, dU, dV) -> tuple[np.ndarray, np.ndarray]:
        """The Hessian of the BM objective at (U, V) applied to the direction (dU, dV), exactly.

        With dG = s A^*(A(dU V^T + U dV^T)): H(dU) = dG V + G dV + beta dU and
        H(dV) = dG^T U + G^T dU + beta dV.
        """
        G = self.grad_Z(U @ V.T)
        dW = (dU @ V.T + U @ dV.T).reshape(self.d**3, self.c)
        dG = (self.s * (self.Q @ dW)).reshape(self.shape)
        return dG @ V + G @ dV + self.beta * dU, dG.T @ U + G.T @ dU + self.beta * dV


def heads_to_factors(U_heads: np.ndarray, V_heads: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(U_j (m, d, d), V_j (m, d, c)) of (26) -> U = [vec(U_j)] (d^2, m), V = [vec(V_j^T)] (dc, m)."""
    m = U_heads.shape[0]
    return np.swapaxes(U_heads, 1, 2).reshape(m, -1).T, V_heads.reshape(m, -1).T


def factors_to_heads(U: np.ndarray, V: np.ndarray, d: int, c: int) -> tuple[np.ndarray, np.ndarray]:
    """The inverse of :func:`heads_to_factors`."""
    m = U.shape[1]
    return np.swapaxes(U.T.reshape(m, d, d), 1, 2), V.T.reshape(m, d, c)
