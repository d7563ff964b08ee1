"""PrecGD's per-block scalings (W_j^T W_j + eta I)^{-1} for all P blocks at once.

For U_j the matrix is V_j^T V_j + eta I and for V_j it is U_j^T U_j + eta I, both m x m and
positive definite for eta > 0. Each is formed and inverted with one NumPy call per operation and
none per block: m = 1 is a division, m = 2 the closed-form inverse of a 2 x 2 matrix (elementwise
over the stack), m >= 3 one batched LAPACK inversion of the (P, m, m) stack. Applying a stored
inverse is one batched matmul. Measured at P = 69, m = 5 (benchmarks/optimizers.py): a batched
LAPACK solve or inversion costs about 1 us per block (70 us per stack, twice an evaluation of
(18)), a batched matmul 4 us per stack; so PrecGD refreshes the inverses every few evaluations
and applies them in between (:class:`bmconvex.optim.methods.PrecGD`, ``refresh``).
"""

from __future__ import annotations

import numpy as np


def gram(W: np.ndarray) -> np.ndarray:
    """W_j^T W_j for a stack W (P, a, m): (P, m, m) (a contiguous W_j^T: NumPy's fast batched path)."""
    return np.matmul(np.ascontiguousarray(W.transpose(0, 2, 1)), W)


def inverse(A: np.ndarray, eta: float) -> np.ndarray:
    """(A_j + eta I)^{-1} for a stack A (P, m, m) of symmetric positive semidefinite matrices."""
    m = A.shape[-1]
    if m == 1:
        return 1.0 / (A + eta)
    if m == 2:
        a, b, c = A[:, 0, 0] + eta, A[:, 0, 1], A[:, 1, 1] + eta
        det = a * c - b * b
        out = np.empty_like(A)
        out[:, 0, 0], out[:, 1, 1] = c / det, a / det
        out[:, 0, 1] = out[:, 1, 0] = -b / det
        return out
    return np.linalg.inv(A + eta * np.eye(m))
