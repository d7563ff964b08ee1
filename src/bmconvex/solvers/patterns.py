"""Program (5) through its operator, never forming M: for large n d P (Fashion-MNIST), on CPU or GPU.

    Y_hat = sum_j D_j (X U_j) V_j^T   (BM form (18), over the active patterns, batched),
    G_j   = X^T (D_j g),   g = s (Y_hat - Y)   (all patterns, for the certificate, in blocks).

An evaluation of (18) costs about 4 n d |A| m flops, the certificate n d P c. Arithmetic is torch on
``device``; inputs and outputs are NumPy arrays (float64). The evaluations of (18) that drive the
iterations run in ``precision`` (float64, or float32 for speed); the certificate (:meth:`state`,
:meth:`predict`, :meth:`pattern_gradients`) is always float64 from the residual, so a bracket holds
whatever precision the iterations used.
"""

from __future__ import annotations

import numpy as np
import torch

ENTRIES_PER_BLOCK = 2**24  # n x patterns x c entries held at once by state()
PRECISIONS = {"float64": torch.float64, "float32": torch.float32}


class PatternOperator:
    def __init__(
        self, X: np.ndarray, Y: np.ndarray, D: np.ndarray, s: float, device: str = "cpu", precision: str = "float64"
    ):
        self.device = torch.device(device)
        self.X = torch.as_tensor(X, dtype=torch.float64, device=self.device)
        self.Y = torch.as_tensor(Y, dtype=torch.float64, device=self.device)
        self.DT = torch.as_tensor(D.T, dtype=torch.float64, device=self.device)  # (n, P)
        (self.n, self.d), self.P, self.c, self.s = X.shape, D.shape[0], Y.shape[1], s
        self.block = max(1, ENTRIES_PER_BLOCK // (self.n * self.c))
        self.set_precision(precision)

    def set_precision(self, precision: str) -> None:
        """The precision of the evaluations of (18) from now on (all patterns active again)."""
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {tuple(PRECISIONS)}, got {precision!r}")
        self.precision, self.dtype = precision, PRECISIONS[precision]
        self.X_it, self.Y_it = self.X.to(self.dtype), self.Y.to(self.dtype)  # the iterations' copies
        self.restrict(np.arange(self.P))

    def tensor(self, array: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(array, dtype=torch.float64, device=self.device)

    def restrict(self, active: np.ndarray) -> None:
        self.DT_active = self.DT[:, torch.as_tensor(active, device=self.device)].to(self.dtype)

    def hidden(self, U: torch.Tensor) -> torch.Tensor:
        """D_j X U_j for the active patterns, as an n x (|A| m) matrix."""
        A, d, m = U.shape
        H = (self.X_it @ U.permute(1, 0, 2).reshape(d, A * m)).reshape(self.n, A, m)
        return (H * self.DT_active[:, :, None]).reshape(self.n, A * m)

    @torch.no_grad()
    def bm_value_grad(self, U: np.ndarray, V: np.ndarray, beta: float):
        """Objective of (18) over the active patterns and its gradients (App. A.1, eq. 28), in ``precision``
        (sums of squares accumulated in float64), returned as float64."""
        U, V = (torch.as_tensor(a, dtype=self.dtype, device=self.device) for a in (U, V))
        A, d, m = U.shape
        Vflat = V.permute(0, 2, 1).reshape(A * m, self.c)
        H = self.hidden(U)
        residual = H @ Vflat - self.Y_it
        squares = [t.square().sum(dtype=torch.float64) for t in (residual, U, V)]
        f = 0.5 * self.s * squares[0] + 0.5 * beta * (squares[1] + squares[2])
        g = self.s * residual
        gV = (H.T @ g).reshape(A, m, self.c).permute(0, 2, 1) + beta * V
        gVU = (g @ Vflat.T).reshape(self.n, A, m) * self.DT_active[:, :, None]
        gU = (self.X_it.T @ gVU.reshape(self.n, A * m)).reshape(d, A, m).permute(1, 0, 2) + beta * U
        return float(f), gU.double().cpu().numpy(), gV.double().cpu().numpy()

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
