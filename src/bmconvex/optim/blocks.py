"""PrecGD's per-block scalings (W_j^T W_j + eta I)^{-1} for all P blocks at once.

For U_j the matrix is V_j^T V_j + eta I and for V_j it is U_j^T U_j + eta I, both m x m and
positive definite for eta > 0; W is (P, a, m) with a = c or d. Each is formed and inverted with one
NumPy call per operation and none per block. When a < m the matrix has rank a plus eta I, and
Woodbury's identity (W^T W + eta I)^{-1} = (I - W^T (W W^T + eta I)^{-1} W) / eta needs only the
a x a inverses (normwise as accurate as inverting the m x m matrix: the a x a matrix is no worse
conditioned); otherwise the m x m matrix is inverted. An a x a or m x m stack is inverted in closed
form for sizes up to 3 (a division, the 2 x 2 and the 3 x 3 adjugate, elementwise over the stack)
and by one batched LAPACK inversion above. Measured at P = 69, m = 5, a = 2 and 3 (one thread, with
other jobs running): the batched LAPACK inversion of the (P, 5, 5) stack costs 1.5-2 us per block,
the Woodbury form with the closed-form 2 x 2 or 3 x 3 inverses a third of that. PrecGD refreshes
the inverses every few evaluations and applies them in between as one batched matmul per side
(:class:`bmconvex.optim.methods.PrecGD`, ``refresh``).
"""

from __future__ import annotations

import numpy as np

# The 3 x 3 adjugate in its cyclic form adj_ij = A_{j+1,i+1} A_{j+2,i+2} - A_{j+1,i+2} A_{j+2,i+1}
# (indices mod 3): the four factors' flat indices into a row-major 3 x 3 matrix, for all i, j at once.
_I, _J = np.divmod(np.arange(9), 3)
_ADJ = [3 * ((_J + s) % 3) + (_I + t) % 3 for s, t in ((1, 1), (2, 2), (1, 2), (2, 1))]


def _add_to_diagonal(A: np.ndarray, x: float) -> None:
    """A_j += x I for a C-contiguous stack A (P, m, m), in place through a view of the diagonals."""
    m = A.shape[-1]
    diagonal = A.reshape(A.shape[0], m * m)[:, :: m + 1]
    diagonal += x


def _inverse(A: np.ndarray) -> np.ndarray:
    """A_j^{-1} for a stack A (P, m, m) of positive definite matrices (A may be overwritten)."""
    P, m = A.shape[0], A.shape[-1]
    if m == 1:
        return np.divide(1.0, A, out=A)
    if m == 2:
        a, b, c = A[:, 0, 0], A[:, 0, 1], A[:, 1, 1]
        det = a * c - b * b
        out = np.empty_like(A)
        out[:, 0, 0], out[:, 1, 1] = c / det, a / det
        out[:, 0, 1] = out[:, 1, 0] = -b / det
        return out
    if m == 3:
        flat = A.reshape(P, 9)
        adj = flat[:, _ADJ[0]] * flat[:, _ADJ[1]] - flat[:, _ADJ[2]] * flat[:, _ADJ[3]]
        det = (flat[:, :3] * adj[:, ::3]).sum(axis=1)
        return np.divide(adj, det[:, None], out=adj).reshape(P, 3, 3)
    return np.linalg.inv(A)


def preconditioner(W: np.ndarray, eta: float) -> np.ndarray:
    """(W_j^T W_j + eta I)^{-1} for a stack W (P, a, m): (P, m, m), by Woodbury's identity when a < m."""
    a, m = W.shape[1:]
    Wt = W.transpose(0, 2, 1)
    if a >= m:
        A = np.matmul(np.ascontiguousarray(Wt), W)
        _add_to_diagonal(A, eta)
        return _inverse(A)
    K = np.matmul(W, Wt)
    _add_to_diagonal(K, eta)
    S = np.matmul(Wt, np.matmul(_inverse(K), W))  # W^T (W W^T + eta I)^{-1} W
    np.negative(S, out=S)
    _add_to_diagonal(S, 1.0)
    return np.divide(S, eta, out=S)
