"""Nuclear and spectral norms of a stack of matrices with two rows or columns, without an SVD.

The spiral's blocks Z_j and G_j are 2 x c (d = 2): LAPACK's batched SVD costs about 2 us per block
in NumPy (150 us for a stack of 69), which would dominate the optimizers' certificate every few
evaluations. For a 2 x c matrix, sigma_1^2 + sigma_2^2 = ||Z||_F^2 and sigma_1 sigma_2 is the root of
the sum of the squared 2 x 2 minors (Cauchy-Binet), computed from products of entries, so that a
rank-one block gives sigma_2 ~ 1e-16 sigma_1 (not the 1e-8 of eigenvalues of Z Z^T). Other shapes
use the SVD.
"""

from __future__ import annotations

import numpy as np


def _two_row(Z: np.ndarray) -> np.ndarray | None:
    """The stack as (P, 2, k), or None when neither dimension is 2."""
    if Z.shape[1] == 2:
        return Z
    if Z.shape[2] == 2:
        return Z.transpose(0, 2, 1)
    return None


def _sums(Z: np.ndarray):
    """sigma_1^2 + sigma_2^2 and sigma_1 sigma_2 of each 2 x k block."""
    minors = Z[:, 0, :, None] * Z[:, 1, None, :]
    minors -= minors.transpose(0, 2, 1)
    return np.einsum("pij,pij->p", Z, Z), np.sqrt(0.5 * np.einsum("pij,pij->p", minors, minors))


def nuclear_norm_sum(Z: np.ndarray) -> float:
    """sum_j ||Z_j||_* (sigma_1 + sigma_2 = sqrt(||Z||_F^2 + 2 sigma_1 sigma_2) for 2 x k blocks)."""
    two = _two_row(Z)
    if two is None:
        return float(np.linalg.svd(Z, compute_uv=False).sum())
    squares, product = _sums(two)
    return float(np.sqrt(squares + 2.0 * product).sum())


def max_spectral_norm(Z: np.ndarray) -> float:
    """max_j ||Z_j||_2 (sigma_1 = (sqrt(s + 2 p) + sqrt(max(s - 2 p, 0))) / 2 for 2 x k blocks)."""
    two = _two_row(Z)
    if two is None:
        return float(np.linalg.svd(Z, compute_uv=False)[..., 0].max())
    squares, product = _sums(two)
    return float((0.5 * (np.sqrt(squares + 2.0 * product) + np.sqrt(np.maximum(squares - 2.0 * product, 0.0)))).max())
