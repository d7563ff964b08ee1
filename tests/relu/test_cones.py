"""The wedges C_j of (3) at d = 2, sigma_j in closed form and the projection, against brute force and NNLS."""

import numpy as np

from bmconvex.relu.sigma import project_nnls, sigma_nnls, sigma_wedges


def test_wedges_are_the_cones(small_relu):
    """Each edge ray lies on the boundary of {u : K_j u >= 0}; rays just outside the wedge violate it."""
    W, K = small_relu.wedges, small_relu.K
    for j in range(W.P):
        for e in (W.e_a[j], W.e_b[j]):
            assert (K[j] @ e >= -1e-12).all() and np.isclose((K[j] @ e).min(), 0.0, atol=1e-12)
        turn = np.radians(1e-3)
        for e, sign in ((W.e_a[j], -1), (W.e_b[j], 1)):
            R = np.array([[np.cos(sign * turn), -np.sin(sign * turn)], [np.sin(sign * turn), np.cos(sign * turn)]])
            assert (K[j] @ (R @ e)).min() < 0  # turning an edge outward leaves the cone
    assert 0 < W.degrees.min() and W.degrees.max() < 180


def test_closed_form_sigma_equals_brute_force(small_relu):
    """sigma_j(G) = max over the wedge's unit arc of ||G^T u||: closed form against 200 001 angles."""
    W = small_relu.wedges
    G = np.random.default_rng(0).standard_normal((W.P, 2, 3))
    sigma, u = sigma_wedges(W, G)
    start = np.arctan2(W.e_a[:, 1], W.e_a[:, 0])
    angles = start[:, None] + np.radians(W.degrees)[:, None] * np.linspace(0, 1, 200_001)[None]
    arc = np.stack([np.cos(angles), np.sin(angles)], axis=1)  # (P, 2, N)
    brute = np.sqrt(np.max(np.sum((G.transpose(0, 2, 1) @ arc) ** 2, axis=1), axis=1))
    np.testing.assert_allclose(sigma, brute, rtol=1e-9)
    assert (sigma >= brute - 1e-12).all()  # the closed form is the maximum, not a sample of it
    assert W.contains(u[:, :, None], tol=1e-12).all()
    np.testing.assert_allclose(np.linalg.norm(np.einsum("pdc,pd->pc", G, u), axis=1), sigma, rtol=1e-12)


def test_projection_equals_nnls(small_relu):
    """The closed-form projection onto each wedge against Moreau's decomposition by scipy's NNLS."""
    W, K = small_relu.wedges, small_relu.K
    U = np.random.default_rng(1).standard_normal((W.P, 2, 4))
    projected = W.project(U)
    for j in range(W.P):
        for k in range(U.shape[2]):
            np.testing.assert_allclose(projected[j, :, k], project_nnls(K[j], U[j, :, k]), atol=1e-10)
    assert W.contains(projected, tol=1e-12).all()
    np.testing.assert_allclose(W.project(projected), projected, rtol=0, atol=1e-15)  # idempotent up to round-off


def test_sigma_nnls_equals_closed_form_at_c1(small_relu):
    """At c = 1 sigma_j(g) = max(||Pi_C(g)||, ||Pi_C(-g)||) (NNLS) equals the closed form."""
    W, K = small_relu.wedges, small_relu.K
    g = np.random.default_rng(2).standard_normal((W.P, 2))
    closed, _ = sigma_wedges(W, g[:, :, None])
    np.testing.assert_allclose([sigma_nnls(K[j], g[j]) for j in range(W.P)], closed, rtol=1e-10)
