"""The smallest eigenvalue of a BM objective's Hessian: is a stationary point a local minimum?

Thm 3.3 and Cor. 3.10 speak of local minima, Thm 3.4 of stationary points. At a (near-)stationary
point a clearly negative Hessian eigenvalue shows a strict saddle: not a local minimum. The
Hessian is assembled column by column from exact Hessian-vector products and diagonalised
densely (LAPACK's symmetric eigensolver), which is exact and fast for the small factorisations
checked here (a few thousand parameters); Lanczos (ARPACK) did not converge on the clustered
near-zero spectra of these saddles.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from bmconvex.core.finite import NonFiniteError


def hessian_min_eigenvalue(hvp: Callable, U: np.ndarray, V: np.ndarray) -> float:
    """lambda_min of the Hessian at (U, V), where hvp(dU, dV) -> (H dU-part, H dV-part)."""
    n_U, n = U.size, U.size + V.size
    H = np.empty((n, n))
    for k, e in enumerate(np.eye(n)):
        HU, HV = hvp(e[:n_U].reshape(U.shape), e[n_U:].reshape(V.shape))
        H[:, k] = np.concatenate([HU.ravel(), HV.ravel()])
    if not np.all(np.isfinite(H)):
        raise NonFiniteError("the Hessian holds non-finite values: the point diverged")
    return float(np.linalg.eigvalsh(0.5 * (H + H.T))[0])
