"""Sampled hyperplane arrangements: gates h_j and patterns D_j = diag(1{X h_j >= 0}) (Sec. 2.1).

The paper samples P-hat = 100 Gaussian gates h_j ~ N(0, I). With d = 2 and no bias, the lines
through the origin cut the plane into at most 2n regions, so many sampled gates produce the same
pattern, and a gate can switch every sample off. We keep each distinct non-empty pattern once, in
the order first sampled (as the authors' related code does):

- a duplicate D_j = D_k adds nothing to program (5): Z_j + Z_k can replace the pair at no higher
  nuclear-norm cost, so p* is unchanged;
- an empty D_j = 0 multiplies X to zero: Z_j only adds to the regulariser, so Z_j* = 0.

Both the BM factorisation (18) and the convex program (5) then use the same P <= P-hat patterns.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from bmconvex.mlp.seeds import ARRANGEMENT_STREAM, rng

log = logging.getLogger("bmconvex")


@dataclass(frozen=True)
class Arrangement:
    """Gates H (P x d) and their distinct non-empty patterns D (P x n, boolean)."""

    H: np.ndarray
    D: np.ndarray
    P_hat: int

    @property
    def P(self) -> int:
        return self.D.shape[0]


def sample_arrangement(X: np.ndarray, P_hat: int, rng: np.random.Generator) -> Arrangement:
    """Sample P-hat Gaussian gates and keep the distinct non-empty patterns they induce."""
    if P_hat < 1:
        raise ValueError(f"P_hat must be at least 1, got {P_hat}")
    H = rng.standard_normal((P_hat, X.shape[1]))
    D = (X @ H.T >= 0).T
    keep = distinct_nonempty(D)
    if keep.size == 0:
        raise ValueError("every sampled gate gives an empty pattern; increase P_hat")
    return Arrangement(H=H[keep], D=D[keep], P_hat=P_hat)


def arrangement_for_seed(X: np.ndarray, P_hat: int, seed: int) -> Arrangement:
    """The arrangement of a run's seed (its arrangement stream), shared by every beta and m."""
    arrangement = sample_arrangement(X, P_hat, rng(seed, ARRANGEMENT_STREAM))
    log.info("n = %d: %d of %d sampled gates give distinct non-empty patterns", X.shape[0], arrangement.P, P_hat)
    return arrangement


def distinct_nonempty(D: np.ndarray) -> np.ndarray:
    """Indices of the first occurrence of each distinct pattern with at least one active sample."""
    _, first = np.unique(D, axis=0, return_index=True)
    first = np.sort(first)
    return first[D[first].any(axis=1)]


def save(arrangement: Arrangement, path: str) -> None:
    np.savez(path, H=arrangement.H, D=arrangement.D, P_hat=arrangement.P_hat)


def load(path: str) -> Arrangement:
    with np.load(path) as f:
        return Arrangement(H=f["H"], D=f["D"], P_hat=int(f["P_hat"]))
