"""An upper bound on Thm 3.4's cone-constrained PCA in any d: the SDP relaxation of sigma_j.

sigma(G)^2 = max_{u in C, ||u|| <= 1} u^T G G^T u is NP-hard for general d and c > 1. Lifting u u^T to
W gives the relaxation

    sigma(G)^2 <= max <G G^T, W>  s.t.  W PSD, tr W = 1, K W K^T >= 0 (entrywise),

valid because W = u u^T is feasible for every unit u in C ((K u)(K u)^T >= 0). A larger sigma gives
a larger eps and a smaller d_hat, so the relaxed Thm 3.4 certificate stays valid (to the solver's
accuracy), only looser. Its n^2 / 2 entrywise constraints make it cost seconds per pattern at the
spiral's n; at d = 2 it is compared with the closed form in tests/relu/test_relaxation.py.
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np

from bmconvex.relu.sdp import solve


def sigma_relaxation(K: np.ndarray, G: np.ndarray, tolerance: float = 1e-9) -> float:
    """An upper bound on sigma(G) = max_{K u >= 0, ||u|| <= 1} ||G^T u|| for K (n, d), G (d, c), any d."""
    W = cp.Variable((K.shape[1], K.shape[1]), PSD=True)
    constraints = [cp.trace(W) == 1, K @ W @ K.T >= 0]  # symmetric: n (n + 1) / 2 distinct constraints
    program = solve(-cp.trace(G @ G.T @ W), constraints, tolerance)
    return float(np.sqrt(max(-program.value, 0.0)))
