"""Thm 3.4's relative optimality bound and the lower bound d_hat on p*, for every architecture.

Each architecture of the paper is the BM factorisation of a convex program
p* = min_Z F(Z) + beta R(Z) with F >= 0 convex and R a sum of nuclear norms, whose dual norm is
max_j ||Z_j||_2 (gated-ReLU MLP (5), CNN (23), self-attention (104)). At a point Z_hat with
G = grad F(Z_hat), eq. (20)/(67) reads

    eps = (max_j ||G_j||_2 / beta - 1)_+ .

The proof (App. A.7, eqs. 60-64) uses only F >= 0 and the convexity of F, not stationarity:
Z' = -G / (beta (1 + eps)) lies in the dual-norm ball, and weak duality gives at *any* Z_hat

    d_hat = (F(Z_hat) - <G, Z_hat>) / (1 + eps) <= p*,

which equals p_hat / (1 + eps) at a stationary point of the factorisation (eq. 57). The stacks G
may be NumPy arrays (the MLP) or torch tensors (the CNN): both give the same float.
"""

from __future__ import annotations

import math

import numpy as np


def max_spectral_norm(G) -> float:
    """max_j ||G_j||_2 over a stack (P, a, b) of matrices, a NumPy array or a torch tensor."""
    if isinstance(G, np.ndarray):
        return float(np.linalg.svd(G, compute_uv=False)[..., 0].max())
    import torch

    return float(torch.linalg.matrix_norm(G.float(), ord=2).max().item())


def thm34_epsilon(G, beta: float) -> float:
    """eps = (max_j ||G_j||_2 / beta - 1)_+, the right-hand side of eq. (20)."""
    return max(0.0, max_spectral_norm(G) / beta - 1.0)


def lower_bound(F: float, inner: float, eps: float) -> float:
    """d_hat = (F(Z_hat) - <G, Z_hat>) / (1 + eps) <= p*, valid at any Z_hat (eqs. 60-64)."""
    return (F - inner) / (1.0 + eps)


def relative_gap(upper: float, lower: float) -> float:
    """(upper - lower) / lower; infinite when the lower bound is not positive."""
    return (upper - lower) / lower if lower > 0 else math.inf
