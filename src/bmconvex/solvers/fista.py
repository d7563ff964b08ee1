"""The first-order convex baseline: accelerated proximal gradient (FISTA) on program (5) itself.

    Z_{k+1} = prox_{beta/L}(W_k - G(W_k) / L),   prox = singular-value soft-thresholding per pattern
              (the minimiser of (13) for each d x c block Z_j: one thin SVD per pattern),
    W_{k+1} = Z_{k+1} + (t_k - 1) / t_{k+1} (Z_{k+1} - Z_k),   t_{k+1} = (1 + sqrt(1 + 4 t_k^2)) / 2,

with L = lambda_max(K) (K = s M^T M, from Lanczos: SciPy's eigsh on the operator, times a margin)
and the gradient-based adaptive restart of O'Donoghue & Candes (2015): t = 1 and W = Z whenever
<W_k - Z_{k+1}, Z_{k+1} - Z_k> > 0 (Beck & Teboulle 2009 for FISTA). Every ``check_every``
iterations Z_k is certified exactly as the BM solver's iterates are (:mod:`.bracket`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from scipy.sparse.linalg import LinearOperator, eigsh

from bmconvex.solvers.bm_certified import BMResult
from bmconvex.solvers.bracket import certify

LIPSCHITZ_MARGIN = 1.02  # Lanczos approaches lambda_max from below


@dataclass(frozen=True)
class FISTASettings:
    tolerance: float = 1e-6
    check_every: int = 10
    max_iterations: int = 1_000_000
    max_seconds: float = math.inf


def lipschitz(operator) -> float:
    """lambda_max(K) of the gradient G = K Z - b of F, by Lanczos on Z -> K Z."""
    shape = (operator.P, operator.d, operator.c)
    size = int(np.prod(shape))
    K = LinearOperator((size, size), matvec=lambda z: operator.gram_apply(z.reshape(shape)).ravel(), dtype=float)
    v0 = np.ones(size) / math.sqrt(size)
    return LIPSCHITZ_MARGIN * float(eigsh(K, k=1, which="LA", tol=1e-6, v0=v0, return_eigenvectors=False)[0])


def soft_threshold(W: np.ndarray, threshold: float) -> np.ndarray:
    """prox of threshold * ||.||_* per pattern: singular values shrunk by threshold (eq. 13)."""
    L, S, Rt = np.linalg.svd(W, full_matrices=False)
    return (L * np.maximum(S - threshold, 0.0)[:, None, :]) @ Rt


def solve_fista(operator, beta: float, settings: FISTASettings = FISTASettings(), exact=None) -> BMResult:
    """FISTA with restarts on (5) from Z = 0, until the certified gap <= tolerance or a budget is spent."""
    start = time.perf_counter()
    exact = operator if exact is None else exact
    step = 1.0 / lipschitz(operator)
    Z = W = np.zeros((operator.P, operator.d, operator.c))
    t = 1.0
    result = BMResult(Z=Z, bracket=certify(exact, Z, beta)[0], status="")
    for k in range(1, settings.max_iterations + 1):
        _, G, _, _ = operator.state(W)
        Z_next = soft_threshold(W - step * G, step * beta)
        if np.sum((W - Z_next) * (Z_next - Z)) > 0:
            t, W = 1.0, Z_next  # restart
        else:
            t_next = 0.5 * (1.0 + math.sqrt(1.0 + 4.0 * t * t))
            W, t = Z_next + (t - 1.0) / t_next * (Z_next - Z), t_next
        Z = Z_next
        result.iterations, result.evaluations = k, k + k // settings.check_every
        late = time.perf_counter() - start > settings.max_seconds
        if k % settings.check_every == 0 or k == settings.max_iterations or late:
            bracket = certify(operator, Z, beta)[0]
            elapsed = time.perf_counter() - start
            result.history.append({"iteration": k, "seconds": elapsed, "certified_gap": bracket.reported_gap})
            result.Z, result.bracket = Z, bracket
            if bracket.certified_gap <= settings.tolerance:
                result.bracket = certify(exact, Z, beta)[0]
                if result.bracket.certified_gap <= settings.tolerance:
                    result.status = "certified"
                    break
            if late:
                break
    result.status = result.status or "budget"
    if result.status == "budget":
        result.bracket = certify(exact, result.Z, beta)[0]
    result.seconds = time.perf_counter() - start
    return result
