"""The cone-constrained PCA of Thm 3.4 for the ReLU program (3): sigma_j(G) = max_{u in C_j, ||u|| <= 1} ||G^T u||.

sigma_j is the dual of the quasi-nuclear norm (4) of pattern j: Thm 3.4's bound reads
eps = (max_j sigma_j(G_j) / beta - 1)_+ with G_j = (D_j X)^T grad F. It is NP-hard in general;
exactly computable in two cases:

- d = 2 (:func:`sigma_wedges`): on the arc of unit directions of a wedge (width < pi) the
  quadratic form u^T G G^T u = a + b cos(2 (theta - theta_top)) peaks at an edge ray or at the
  top eigenvector (or its negative) where that lies inside. Closed form.
- c = 1, any d (:func:`sigma_nnls`): ||G^T u|| = |g^T u|, so sigma = max(||Pi_C(g)||, ||Pi_C(-g)||),
  and Pi_C(g) = g + K^T lambda with lambda = argmin_{lambda >= 0} ||K^T lambda + g|| (Moreau's
  decomposition: C's polar cone is {-K^T lambda : lambda >= 0}), one NNLS per pattern.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import nnls

from bmconvex.relu.cones import Wedges


def sigma_wedges(wedges: Wedges, G: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """sigma_j(G_j) for a stack G (P, 2, c) and the unit maximiser u_j in C_j (P, 2), in closed form."""
    Q = G @ G.transpose(0, 2, 1)  # (P, 2, 2)
    top = np.linalg.eigh(Q)[1][:, :, 1]
    candidates = np.stack([wedges.e_a, wedges.e_b, top, -top], axis=1)  # (P, 4, 2)
    values = np.einsum("pkd,pde,pke->pk", candidates, Q, candidates)
    inside = np.ones_like(values, dtype=bool)
    inside[:, 2:] = wedges.contains(candidates[:, 2:].transpose(0, 2, 1))
    values = np.where(inside, values, -np.inf)
    best = values.argmax(axis=1)
    rows = np.arange(len(best))
    return np.sqrt(np.maximum(values[rows, best], 0.0)), candidates[rows, best]


def project_nnls(K: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Pi_C(g) onto C = {u : K u >= 0} in any d by NNLS (Moreau): g + K^T argmin_{l >= 0} ||K^T l + g||."""
    lam, _ = nnls(K.T, -g)
    return g + K.T @ lam


def sigma_nnls(K: np.ndarray, g: np.ndarray) -> float:
    """sigma(g) = max_{u in C, ||u|| <= 1} |g^T u| = max(||Pi_C(g)||, ||Pi_C(-g)||) (c = 1, any d)."""
    return max(float(np.linalg.norm(project_nnls(K, g))), float(np.linalg.norm(project_nnls(K, -g))))
