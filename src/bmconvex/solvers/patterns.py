"""Program (5) through its operator, never forming M: for large n d P (Fashion-MNIST), on CPU or GPU.

    Y_hat = sum_j D_j (X U_j) V_j^T   (BM form (18), over the active patterns, batched),
    G_j   = X^T (D_j g),   g = s (Y_hat - Y)   (all patterns, for the certificate, in blocks).

An evaluation of (18) costs about 4 n d N flops (N nonzero columns of the factors), the
certificate n d P c. Arithmetic is float64 torch on ``device``; inputs and outputs are NumPy arrays.
"""

from __future__ import annotations

import numpy as np
import torch

ENTRIES_PER_BLOCK = 2**24  # n x patterns x c entries held at once by state()


class PatternOperator:
    def __init__(self, X: np.ndarray, Y: np.ndarray, D: np.ndarray, s: float, device: str = "cpu"):
        self.device = torch.device(device)
        self.X = torch.as_tensor(X, dtype=torch.float64, device=self.device)
        self.Y = torch.as_tensor(Y, dtype=torch.float64, device=self.device)
        self.DT = torch.as_tensor(D.T, dtype=torch.float64, device=self.device)  # (n, P)
        (self.n, self.d), self.P, self.c, self.s = X.shape, D.shape[0], Y.shape[1], s
        self.block = max(1, ENTRIES_PER_BLOCK // (self.n * self.c))
        self.restrict(np.arange(self.P))

    def tensor(self, array: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(array, dtype=torch.float64, device=self.device)

    def restrict(self, active: np.ndarray) -> None:
        self.DT_active = self.DT[:, torch.as_tensor(active, device=self.device)]

    @torch.no_grad()
    def bm_value_grad(self, U: np.ndarray, V: np.ndarray, beta: float):
        """Objective of (18) over the active patterns and its gradients (App. A.1, eq. 28).

        Only the nonzero columns (neurons u_k, v_k of pattern a_k) are computed with: a zero
        column's gradient G_j v + beta u is zero and L-BFGS keeps it zero, so patterns of lower
        rank than the widest one cost nothing for their missing columns. With N neurons,

            H = (X [u_1 ... u_N]) o D_a (n x N),  Y_hat = H [v_1 ... v_N]^T,
            grad_v = H^T g + beta v,  grad_u = X^T ((g [v_1 ... v_N]) o D_a) + beta u.
        """
        U, V = self.tensor(U), self.tensor(V)
        a, k = ((U != 0).any(dim=1) | (V != 0).any(dim=1)).nonzero(as_tuple=True)
        u, v, mask = U[a, :, k], V[a, :, k], self.DT_active[:, a]  # (N, d), (N, c), (n, N)
        H = (self.X @ u.T) * mask
        g = self.s * (H @ v - self.Y)
        f = 0.5 * (g.square().sum() / self.s + beta * (u.square().sum() + v.square().sum()))
        gU, gV = torch.zeros_like(U), torch.zeros_like(V)
        gU[a, :, k] = (self.X.T @ ((g @ v.T) * mask)).T + beta * u
        gV[a, :, k] = H.T @ g + beta * v
        return float(f), gU.cpu().numpy(), gV.cpu().numpy()

    @torch.no_grad()
    def predict(self, Z: np.ndarray) -> torch.Tensor:
        """Y_hat = sum_j D_j X Z_j, in blocks of patterns."""
        Z = self.tensor(Z)
        Y_hat = torch.zeros_like(self.Y)
        for j in range(0, self.P, self.block):
            Zb = Z[j : j + self.block]
            XZ = (self.X @ Zb.permute(1, 0, 2).reshape(self.d, -1)).reshape(self.n, -1, self.c)
            Y_hat += (XZ * self.DT[:, j : j + self.block, None]).sum(dim=1)
        return Y_hat

    @torch.no_grad()
    def pattern_gradients(self, g: torch.Tensor) -> np.ndarray:
        """G_j = X^T (D_j g) for every pattern, (P, d, c)."""
        G = torch.empty((self.P, self.d, self.c), dtype=torch.float64, device=self.device)
        for j in range(0, self.P, self.block):
            Dg = self.DT[:, j : j + self.block, None] * g[:, None, :]
            G[j : j + self.block] = (self.X.T @ Dg.reshape(self.n, -1)).reshape(self.d, -1, self.c).permute(1, 0, 2)
        return G.cpu().numpy()

    def state(self, Z: np.ndarray):
        """F, G (P, d, c), <g, Y> and ||g||^2 at Z (P, d, c), from the residual itself."""
        residual = self.predict(Z) - self.Y
        g = self.s * residual
        F = 0.5 * self.s * float(residual.square().sum())
        return F, self.pattern_gradients(g), float((g * self.Y).sum()), float(g.square().sum())

    def gram_apply(self, Delta: np.ndarray) -> np.ndarray:
        """K Delta = (D_j X)^T (s sum_k D_k X Delta_k), (P, d, c)."""
        return self.pattern_gradients(self.s * self.predict(Delta))

    def curvature(self, Delta: np.ndarray) -> float:
        """s ||sum_j D_j X Delta_j||_F^2."""
        return self.s * float(self.predict(Delta).square().sum())
