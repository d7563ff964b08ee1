"""Thm 3.4 for the ReLU program (19): eps from the cones' sigma_j, the KKT residual and the feasibility guard."""

import numpy as np
import pytest

from bmconvex.core.gd import Divergence, GDSettings
from bmconvex.relu.certificate import bm_certificate, kkt_residual
from bmconvex.relu.training import run_bm


@pytest.fixture(scope="module")
def feasible_point(small_relu):
    """A random point of (19): U projected into the cones, V Gaussian."""
    rng = np.random.default_rng(1)
    U = small_relu.wedges.project(rng.standard_normal((small_relu.P, 2, 2)))
    return U, rng.standard_normal((small_relu.P, small_relu.c, 2))


def test_eps_uses_the_cones_sigma(small_relu, feasible_point):
    """eps = (max_j sigma_j / beta - 1)_+ with sigma_j over the wedge's unit arc (brute force on 200 001
    angles), strictly below the gated eps from the spectral norm ||G_j||_2 (the cone is not the plane)."""
    p, (U, V) = small_relu, feasible_point
    G = p.grad_Z(p.predict(U @ V.transpose(0, 2, 1)))
    start = np.arctan2(p.wedges.e_a[:, 1], p.wedges.e_a[:, 0])
    angles = start[:, None] + np.radians(p.wedges.degrees)[:, None] * np.linspace(0, 1, 200_001)[None]
    arc = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    brute = np.sqrt(np.max(np.sum((G.transpose(0, 2, 1) @ arc) ** 2, axis=1), axis=1)).max()
    eps = bm_certificate(p, U, V)["rel_gap_bound"]
    assert eps == pytest.approx(max(0.0, brute / p.beta - 1.0), rel=1e-9)
    spectral = np.linalg.norm(G, ord=2, axis=(1, 2)).max() / p.beta - 1.0
    assert 0 < eps < spectral * (1 - 1e-4)


def test_kkt_residual_vanishes_only_near_stationarity(small_relu, feasible_point):
    """Positive at a random feasible point; four orders of magnitude smaller after 2000 projected GD epochs."""
    p, (U, V) = small_relu, feasible_point
    G = p.grad_Z(p.predict(U @ V.transpose(0, 2, 1)))
    at_random = kkt_residual(p, U, V, G)
    assert at_random > 1.0 and at_random == pytest.approx(bm_certificate(p, U, V)["kkt_residual"])
    _, record = run_bm(p, 2, 0, 0.1, GDSettings(epochs=2000), Divergence(3, 0.5))
    assert 0 < record["kkt_residual"] < 1e-3 * at_random


def test_a_point_outside_the_cones_is_refused(small_relu, feasible_point):
    """(19) is infeasible when some u_jk leaves C_j: the certificate refuses instead of bounding nothing."""
    U, V = feasible_point
    outside = U.copy()
    outside[0, :, 0] = -small_relu.wedges.e_a[0] - small_relu.wedges.e_b[0]  # opposite the wedge
    with pytest.raises(ValueError, match="not in the cones"):
        bm_certificate(small_relu, outside, V)


def test_p_hat_is_a_networks_objective(small_relu, feasible_point):
    """p_hat is evaluated as the network sum_jk relu(X u_jk) v_jk^T itself (= sum_j D_j X U_j V_j^T in the cones)."""
    p, (U, V) = small_relu, feasible_point
    Y_hat = sum(np.outer(np.maximum(p.X @ U[j, :, k], 0), V[j, :, k]) for j in range(p.P) for k in range(2))
    np.testing.assert_allclose(p.network(U, V), Y_hat, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(p.predict(U @ V.transpose(0, 2, 1)), Y_hat, rtol=1e-9, atol=1e-12)
    penalty = p.beta * np.sum(np.linalg.norm(U, axis=1) * np.linalg.norm(V, axis=1))
    assert bm_certificate(p, U, V)["p_hat"] == pytest.approx(p.F(Y_hat) + penalty, rel=1e-12)
