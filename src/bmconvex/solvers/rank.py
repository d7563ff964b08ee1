"""Rank of the BM factors per pattern: the start, balancing, and growth along the top singular pair of -G_j.

Balancing. Z_j = L_j S_j R_j^T gives the factors U_j = L_j S_j^{1/2}, V_j = R_j S_j^{1/2}, whose
penalty (beta/2)(||U_j||_F^2 + ||V_j||_F^2) equals beta ||Z_j||_* (the BM objective (18) equals
the objective of (5), eq. 57), with one column per singular value kept. Singular values below
``drop`` times the largest one are cut: their columns become exactly zero, and zero columns stay
zero under (quasi-)gradient steps on (18) (their gradient G_j v + beta u vanishes at u = v = 0).

Growth. If the certificate fails because ||G_j||_2 > beta for some pattern, (U, V) is not a global
optimum: the direction Z_j + tau u v^T along the top singular pair (u, v) of -G_j decreases the
objective of (5) at the rate beta - ||G_j||_2 < 0. Appending sqrt(tau) (u, v) as a new column
(here one column per singular value of G_j above beta, see :func:`grow`) is the rank-incremental
step of Burer-Monteiro methods (Burer & Monteiro 2003, 2005; Journee,
Bach, Absil & Sepulchre, SIAM J. Optim. 2010, for the PSD cone; Mishra, Meyer, Bach & Sepulchre,
SIAM J. Optim. 2013, for trace-norm penalties; Haeffele & Vidal 2019's meta-algorithm for
factorised regularisers); a rank-deficient local minimum of (18) is global (Thm 3.3; Bach et al.
2008, Haeffele et al. 2014), so growth is needed only at stationary points that are not
second-order critical, e.g. a pattern held at rank m when its optimum has rank > m. All violating
patterns grow at once with one exact line search.
"""

from __future__ import annotations

import math

import numpy as np


def balance(Z: np.ndarray, drop: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Balanced factors of Z (P, d, c) with m = the largest kept rank, and the rank of each pattern."""
    L, S, Rt = np.linalg.svd(Z, full_matrices=False)
    keep = S > drop * max(float(S.max(initial=0.0)), np.finfo(float).tiny)
    ranks = keep.sum(axis=1)
    m = max(1, int(ranks.max()))
    root = np.sqrt(np.where(keep, S, 0.0))[:, None, :m]
    return L[:, :, :m] * root, Rt[:, :m, :].transpose(0, 2, 1) * root, ranks


def grow(U, V, ranks, G, beta: float, curvature) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Append columns sqrt(tau w_i) (u_i, v_i) for the singular pairs of -G_j with sigma_i > beta.

    w_i = sigma_i - beta, so the added Delta_j = sum_i w_i u_i v_i^T = SVT_beta(-G_j) is the
    proximal-gradient direction of the nuclear norm; at most min(d, c) - rank_j pairs per pattern.
    ``curvature(Delta)`` is <Delta, K Delta> = s ||sum_j D_j X Delta_j||^2, and
    tau = sum w_i (sigma_i - beta) / <Delta, K Delta> minimises (18) along the new columns.
    Returns the new factors and the number of columns added per pattern (all zero when none can grow).
    """
    P, d, c = G.shape
    L, S, Rt = np.linalg.svd(-G, full_matrices=False)
    W = np.maximum(S - beta, 0.0)
    W[np.arange(min(d, c))[None, :] >= (min(d, c) - ranks)[:, None]] = 0.0  # room left per pattern
    added = (W > 0).sum(axis=1)
    if not added.any():
        return U, V, added
    Delta = (L * W[:, None, :]) @ Rt
    tau = float(np.sum(W * W)) / curvature(Delta)
    m = max(U.shape[2], int((ranks + added).max()))
    U = np.concatenate([U, np.zeros((P, d, m - U.shape[2]))], axis=2)
    V = np.concatenate([V, np.zeros((P, c, m - V.shape[2]))], axis=2)
    for j in np.nonzero(added)[0]:
        new = slice(ranks[j], ranks[j] + added[j])
        root = np.sqrt(tau * W[j, : added[j]])
        U[j, :, new] = L[j, :, : added[j]] * root
        V[j, :, new] = Rt[j, : added[j], :].T * root
    return U, V, added


def initial_factors(operator, beta: float, m0: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian directions (U0, V0) of rank m0, scaled by the exact line search along Z = tau U0 V0^T of (18)."""
    rng = np.random.default_rng(seed)
    P, d, c = operator.P, operator.d, operator.c
    U0, V0 = rng.standard_normal((P, d, m0)), rng.standard_normal((P, c, m0))
    Z0 = U0 @ V0.transpose(0, 2, 1)
    _, G0, _, _ = operator.state(np.zeros_like(Z0))
    slope = float(np.sum(G0 * Z0))
    if slope > 0:  # the opposite direction descends
        V0, Z0, slope = -V0, -Z0, -slope
    tau = max(0.0, -slope - 0.5 * beta * float(np.sum(U0**2) + np.sum(V0**2))) / operator.curvature(Z0)
    return math.sqrt(tau) * U0, math.sqrt(tau) * V0


def scatter(operator, active: np.ndarray, U: np.ndarray, V: np.ndarray) -> np.ndarray:
    """Z (P, d, c) with Z_j = U_j V_j^T on the active patterns and 0 elsewhere."""
    Z = np.zeros((operator.P, operator.d, operator.c))
    Z[active] = U @ V.transpose(0, 2, 1)
    return Z
