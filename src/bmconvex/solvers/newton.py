"""Newton polish of the BM factorisation (18) in Gram form: the second-order lever.

L-BFGS's line search compares objective values, which stop changing in floating point long before
the gradient is small enough for Thm 3.4's certificate (eps ~ 1e-6 needs ||G_j||_2 within 1e-6
beta of beta: the last digits of the gradient). Newton's method on grad f = 0 needs only
gradients: with the exact Hessian it converges quadratically near a non-degenerate local minimum.

Each nonzero column k of the factors is a neuron (u_k, v_k) of pattern p(k). With
Z_p = sum_{k in p} u_k v_k^T, G = K Z - b and K_kl = K_{p(k) p(l)} (d x d), the Hessian of (18) is

    d2f / du_k du_l = (v_k . v_l) K_kl + beta I [k = l]
    d2f / du_k dv_l = (K_kl u_l) v_k^T + G_{p(k)} [k = l]
    d2f / dv_k dv_l = (u_k^T K_kl u_l) I + beta I [k = l].

It is singular along the rotations (U_j Q, V_j Q) of a pattern with two or more columns and
indefinite at saddles, so the step uses its eigendecomposition with |lambda| (the saddle-free
Newton step of Dauphin et al. 2014) and drops the near-null directions; a step is kept only
if it lowers ||grad f||, halving it otherwise. Dense, so for the Gram form (small P d) only.
"""

from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_limits

MAX_STEPS = 30
HALVINGS = 8
NULL = 1e-10  # eigenvalues below NULL x the largest are treated as zero
MAX_ORDER = 2000  # largest Hessian of (18) that polish decomposes (eigh: seconds)


def neurons(U: np.ndarray, V: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pattern index, u and v of each nonzero column of U (P, d, m), V (P, c, m)."""
    pattern, column = np.nonzero(np.any(U != 0, axis=1) | np.any(V != 0, axis=1))
    return pattern, U[pattern, :, column], V[pattern, :, column]


def fits(U: np.ndarray, V: np.ndarray) -> bool:
    """Whether (U, V) has neurons and their Hessian (order: neurons x (d + c)) is small enough to decompose."""
    order = neurons(U, V)[0].size * (U.shape[1] + V.shape[1])
    return 0 < order <= MAX_ORDER


def gradient(K4, b, pattern, u, v, beta):
    """grad f over the neurons, and G = K Z - b of the patterns."""
    Z = np.zeros(b.shape)
    np.add.at(Z, pattern, u[:, :, None] * v[:, None, :])
    G = np.einsum("pazb,zbc->pac", K4, Z) - b
    Gk = G[pattern]
    return np.concatenate(
        [(np.einsum("kac,kc->ka", Gk, v) + beta * u).ravel(), (np.einsum("kac,ka->kc", Gk, u) + beta * v).ravel()]
    ), G


def hessian(K4, G, pattern, u, v, beta):
    N1, d = u.shape
    c = v.shape[1]
    Kb = K4[pattern][:, :, pattern]  # (N1, d, N1, d)
    KU = np.einsum("kalb,lb->kal", Kb, u)
    H_uu = Kb * (v @ v.T)[:, None, :, None]
    H_uv = np.einsum("kal,ke->kale", KU, v)
    H_uv[np.arange(N1), :, np.arange(N1), :] += G[pattern]
    H_vv = np.einsum("ka,kal->kl", u, KU)[:, None, :, None] * np.eye(c)[None, :, None, :]
    H = np.block(
        [
            [H_uu.reshape(N1 * d, N1 * d), H_uv.reshape(N1 * d, N1 * c)],
            [H_uv.reshape(N1 * d, N1 * c).T, H_vv.reshape(N1 * c, N1 * c)],
        ]
    )
    return H + beta * np.eye(N1 * (d + c))


def factors(pattern, u, v, P: int) -> tuple[np.ndarray, np.ndarray]:
    """The neurons back as stacked factors (P, d, m), (P, c, m)."""
    rank = np.bincount(pattern, minlength=P)
    U, V = np.zeros((P, u.shape[1], max(1, rank.max()))), np.zeros((P, v.shape[1], max(1, rank.max())))
    column = np.zeros(P, dtype=int)
    for k, p in enumerate(pattern):
        U[p, :, column[p]], V[p, :, column[p]] = u[k], v[k]
        column[p] += 1
    return U, V


def polish(K, b, U, V, beta: float, done) -> tuple[np.ndarray, np.ndarray, int]:
    """Newton steps on (18) from (U, V) (P, d, m), (P, c, m) until ``done(U, V)`` or no step helps.

    Returns the polished factors and the number of steps taken. One BLAS thread, as in
    :mod:`.lbfgs`: on the shared 2-core machine an eigendecomposition of order 500 took 23 ms
    with one thread and 123 ms with two.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        return _polish(K, b, U, V, beta, done)


def _polish(K, b, U, V, beta: float, done) -> tuple[np.ndarray, np.ndarray, int]:
    P, d, c = b.shape
    K4 = K.reshape(P, d, P, d)
    pattern, u, v = neurons(U, V)
    N1 = pattern.size
    g, G = gradient(K4, b, pattern, u, v, beta)
    steps = 0
    while steps < MAX_STEPS:
        lam, Q = np.linalg.eigh(hessian(K4, G, pattern, u, v, beta))
        size = np.abs(lam)
        keep = size > NULL * size.max()
        step = -Q[:, keep] @ ((Q[:, keep].T @ g) / size[keep])
        for _ in range(HALVINGS):
            u_new, v_new = u + step[: N1 * d].reshape(N1, d), v + step[N1 * d :].reshape(N1, c)
            g_new, G_new = gradient(K4, b, pattern, u_new, v_new, beta)
            if np.linalg.norm(g_new) < np.linalg.norm(g):
                break
            step /= 2
        else:
            break  # no step lowers ||grad f||: as stationary as floating point allows
        u, v, g, G = u_new, v_new, g_new, G_new
        steps += 1
        if done(*factors(pattern, u, v, P)):
            break
    return (*factors(pattern, u, v, P), steps)
