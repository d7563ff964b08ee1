"""The fit of the two-layer MLP factorisations (18) and (19) and its gradient, in closed form (App. A.1).

Both programs fit Y with sum_j D_j X U_j V_j^T (in (19) D_j X U_j = relu(X U_j) on the cones):
M = [D_1 X, ..., D_P X] is formed once by the problem, the residual is shared by all gradients,
and the per-pattern products are batched matmuls into preallocated buffers.
"""

from __future__ import annotations

import numpy as np


def init_factors(P: int, d: int, c: int, m: int, init_std: float, rng: np.random.Generator):
    """Gaussian initialisation U_j ~ N(0, std^2) in R^{d x m}, V_j in R^{c x m}."""
    return init_std * rng.standard_normal((P, d, m)), init_std * rng.standard_normal((P, c, m))


class ClosedFormFit:
    """F = (s/2) ||sum_j D_j X U_j V_j^T - Y||^2 and grad_U_j = G_j V_j, grad_V_j = G_j^T U_j (eq. 28)."""

    def __init__(self, problem, U: np.ndarray, V: np.ndarray, gU: np.ndarray, gV: np.ndarray):
        P, d, c = problem.P, problem.d, problem.c
        self.M, self.Y, self.s = problem.M, problem.Y, problem.s
        self.sMT = np.ascontiguousarray(problem.s * problem.M.T)  # G = (s M^T) R
        self.U, self.V, self.VT, self.gU, self.gV = U, V, V.transpose(0, 2, 1), gU, gV
        self.Z, self.R, self.G = np.empty((P, d, c)), np.empty((problem.n, c)), np.empty((P * d, c))
        self.GT = self.G.reshape(P, d, c).transpose(0, 2, 1)
        self.Z2, self.G3 = self.Z.reshape(P * d, c), self.G.reshape(P, d, c)

    def __call__(self) -> float:
        np.matmul(self.U, self.VT, out=self.Z)
        np.matmul(self.M, self.Z2, out=self.R)
        np.subtract(self.R, self.Y, out=self.R)
        np.matmul(self.sMT, self.R, out=self.G)
        np.matmul(self.G3, self.V, out=self.gU)
        np.matmul(self.GT, self.U, out=self.gV)
        return 0.5 * self.s * float(np.vdot(self.R, self.R))
