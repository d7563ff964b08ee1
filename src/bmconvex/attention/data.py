"""Synthetic sequences for the linear self-attention experiment (Lemma 3.9, Cor. 3.10).

The paper states the self-attention results but runs no experiment, so the task is ours:
n sequences X_i in R^{s x d} of s Gaussian tokens, and targets from a planted linear-attention
teacher of the form (26) with ``teacher_heads`` heads plus Gaussian noise,

    Y_i = sum_j X_i U*_j X_i^T X_i V*_j + noise * E_i,      E_i in R^{s x c} standard normal.

Tokens are drawn from N(0, I_d / s), so that the Gram matrix G_i = X_i^T X_i of (104) is O(1)
whatever s is, and the teacher's weights from N(0, 1 / d). A small s keeps G_i far from the
identity, so that the d^2 x dc blocks of Z in (104) are identifiable from the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Sequences:
    """Tokens X (n, s, d), targets Y (n, s, c), and the teacher's heads U* (h, d, d), V* (h, d, c)."""

    X: np.ndarray
    Y: np.ndarray
    U_teacher: np.ndarray
    V_teacher: np.ndarray


def linear_attention(X: np.ndarray, U: np.ndarray, V: np.ndarray) -> np.ndarray:
    """sum_j X_i U_j X_i^T X_i V_j for every sequence i: the model inside F in (26), (n, s, c)."""
    G = np.swapaxes(X, 1, 2) @ X  # (n, d, d): G_i = X_i^T X_i
    return np.einsum("ita,jak,ikl,jlb->itb", X, U, G, V)


def make_sequences(n: int, s: int, d: int, c: int, teacher_heads: int, noise: float, seed: int) -> Sequences:
    """n sequences of s tokens in R^d with c-dimensional targets from a planted teacher."""
    for name, value in (("n", n), ("s", s), ("d", d), ("c", c)):
        if value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value}")
    if teacher_heads < 0:
        raise ValueError(f"teacher_heads must be >= 0, got {teacher_heads}")
    if not noise >= 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, s, d)) / np.sqrt(s)
    U = rng.standard_normal((teacher_heads, d, d)) / np.sqrt(d)
    V = rng.standard_normal((teacher_heads, d, c)) / np.sqrt(d)
    Y = linear_attention(X, U, V) + noise * rng.standard_normal((n, s, c))
    return Sequences(X=X, Y=Y, U_teacher=U, V_teacher=V)
