"""The SDP relaxation of sigma_j (any d): an upper bound, exact on the spiral's wedges (d = 2)."""

import numpy as np
import pytest

from bmconvex.relu.relaxation import sigma_relaxation
from bmconvex.relu.sigma import sigma_nnls, sigma_wedges


def test_relaxation_is_exact_on_the_wedges(small_relu):
    """At d = 2 the relaxation equals the closed-form sigma_j on every pattern (c = 3)."""
    G = np.random.default_rng(4).standard_normal((small_relu.P, 2, 3))
    closed, _ = sigma_wedges(small_relu.wedges, G)
    relaxed = [sigma_relaxation(small_relu.K[j], G[j]) for j in range(0, small_relu.P, 3)]
    np.testing.assert_allclose(relaxed, closed[::3], rtol=1e-6)


def test_relaxation_bounds_sigma_from_above_in_three_dimensions():
    """d = 3, c = 1 (sigma exact by NNLS): the relaxation is >= sigma and, on these cones, equal to it."""
    rng = np.random.default_rng(5)
    X = rng.standard_normal((12, 3))
    for _ in range(4):
        h = rng.standard_normal(3)
        K = np.where(X @ h >= 0, 1.0, -1.0)[:, None] * X
        g = rng.standard_normal(3)
        exact = sigma_nnls(K, g)
        assert sigma_relaxation(K, g[:, None]) == pytest.approx(exact, rel=1e-6)
