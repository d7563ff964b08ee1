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

from bmconvex.core.finite import NonFiniteError

# The columns every gap table shares: p*, the upper and lower bounds of a BM point, the actual
# relative gap (p_hat - p*) / p*, Thm 3.4's eps and the certified gap (p_hat - d_hat) / d_hat.
GAP_COLUMNS = ["p_star", "p_hat", "d_hat", "rel_gap", "rel_gap_bound", "certified_gap"]


def max_spectral_norm(G) -> float:
    """max_j ||G_j||_2 over a stack (P, a, b) of matrices, a NumPy array or a torch tensor.

    A non-finite gradient (a diverged point) certifies nothing: NonFiniteError.
    """
    if isinstance(G, np.ndarray):  # LAPACK's SVD fails on inf/NaN: test first
        norm = float(np.linalg.svd(G, compute_uv=False)[..., 0].max()) if np.isfinite(G).all() else math.nan
    else:
        import torch

        norm = float(torch.linalg.matrix_norm(G.float(), ord=2).max().item())
    if not math.isfinite(norm):
        raise NonFiniteError("the gradient G = grad F is not finite: the point diverged and certifies nothing")
    return norm


def thm34_epsilon(G, beta: float) -> float:
    """eps = (max_j ||G_j||_2 / beta - 1)_+, the right-hand side of eq. (20)."""
    return max(0.0, max_spectral_norm(G) / beta - 1.0)


def lower_bound(F: float, inner: float, eps: float) -> float:
    """d_hat = (F(Z_hat) - <G, Z_hat>) / (1 + eps) <= p*, valid at any Z_hat (eqs. 60-64)."""
    return (F - inner) / (1.0 + eps)


def relative_gap(upper: float, lower: float) -> float | None:
    """(upper - lower) / lower; None (no certificate) when the lower bound is not positive."""
    return (upper - lower) / lower if lower > 0 else None


class InvariantError(AssertionError):
    """A row contradicts d_hat <= p* <= p_hat: a bug, or an inaccurate p*."""


def check_invariants(table, tol: float, keys: list[str]) -> None:
    """Fail, naming the rows by ``keys``, where d_hat, p* or p_hat is not finite, p* < d_hat (1 - tol)
    or p* > p_hat (1 + tol) in a gap table (a pandas DataFrame with GAP_COLUMNS).

    d_hat <= p* (App. A.7, eqs. 60-64) and p* <= p_hat (p_hat is a feasible value of the convex
    program) are theorems; a violation beyond the solver tolerance means a wrong implementation or
    p*. A NaN compares False with everything, so finiteness is tested apart.
    """
    bounds = ["d_hat", "p_star", "p_hat"]
    finite = np.isfinite(table[bounds].astype(float)).all(axis=1)
    below = table["p_star"] < table["d_hat"] * (1 - tol)
    above = table["p_star"] > table["p_hat"] * (1 + tol)
    bad = table[~finite | below | above]
    if len(bad):
        raise InvariantError(
            f"{len(bad)} run(s) violate d_hat <= p* <= p_hat (relative tolerance {tol:g}):\n"
            + bad[keys + bounds].to_string(index=False)
        )
