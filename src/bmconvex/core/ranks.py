"""Numerical ranks of BM factors, and the rank conditions of Thm 3.3, Thm 3.5 and Cor. 3.10.

Every architecture's BM factorisation is a stack of P factor pairs U_j in R^{a x m}, V_j in
R^{b x m} (P = 1 for self-attention, the arrangements for the gated-ReLU MLP). A rank counts the
singular values above ``rtol`` times the largest singular value over the whole stack, so that a
pattern whose factors GD has shrunk to nothing has rank 0 rather than full rank.

- rank-deficient (Thm 3.3, Lemma A.7, Cor. 3.10): rank [U_j; V_j] < m for every j;
- full rank in the sense of (21) (Thm 3.5): rank U_j = rank V_j = min(a, b) for every j.
"""

from __future__ import annotations

import numpy as np

# Singular values below RANK_RTOL times the largest count as zero: GD's shrunk factors sit below
# 1e-6 of the largest after the paper's 20000 epochs, interior-point solutions' zeros below 1e-7.
RANK_RTOL = 1e-4


def stack_ranks(A: np.ndarray, rtol: float) -> np.ndarray:
    """Rank of each matrix of the stack A (P, a, b), relative to the stack's largest singular value."""
    sigma = np.linalg.svd(A, compute_uv=False)
    top = float(sigma.max()) if sigma.size else 0.0
    if top == 0.0:
        return np.zeros(A.shape[0], dtype=int)
    return np.sum(sigma > rtol * top, axis=-1)


def rank_conditions(U: np.ndarray, V: np.ndarray, rtol: float) -> dict:
    """Ranks of U_j, V_j, Z_j = U_j V_j^T and R_j = [U_j; V_j] for stacks U (P, a, m), V (P, b, m).

    ``rank_Z`` is sum_j rank Z_j, the rank of the block-diagonal matrix of the Z_j.
    """
    m = U.shape[-1]
    ranks_U, ranks_V = stack_ranks(U, rtol), stack_ranks(V, rtol)
    ranks_R = stack_ranks(np.concatenate([U, V], axis=1), rtol)
    ranks_Z = stack_ranks(U @ np.swapaxes(V, 1, 2), rtol)
    full = min(U.shape[1], V.shape[1])
    return {
        "rank_Z": int(ranks_Z.sum()),
        "rank_deficient": bool(np.all(ranks_R < m)),
        "full_rank": bool(np.all((ranks_U == full) & (ranks_V == full))),
        "rank_rtol": rtol,
        "ranks_U": ranks_U.tolist(),
        "ranks_V": ranks_V.tolist(),
        "ranks_Z": ranks_Z.tolist(),
        "ranks_R": ranks_R.tolist(),
    }
