"""Lemma 3.9: the m-head network (26) is the BM factorisation of (104) at Z = sum_j vec(U_j) vec(V_j)^T."""

import numpy as np
import pytest
from attention_cases import sequences_problem

from bmconvex.attention.data import linear_attention
from bmconvex.attention.problem import AttentionProblem, factors_to_heads, heads_to_factors


def random_heads(m, d, c, seed=1):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, d, d)), rng.standard_normal((m, d, c))


def objective_26(data, U_heads, V_heads, beta):
    """(26) evaluated head by head from the sequences, independently of the design Phi."""
    residual = linear_attention(data.X, U_heads, V_heads) - data.Y
    fit = 0.5 / data.X.shape[0] * float(np.sum(residual**2))
    return fit + 0.5 * beta * (float(np.sum(U_heads**2)) + float(np.sum(V_heads**2)))


def gradients_26(data, U_heads, V_heads, beta):
    """Closed forms of (26) per head: with H_i = X_i^T R_i / n, R_i the residual,
    grad U_j = sum_i H_i V_j^T G_i + beta U_j and grad V_j = sum_i G_i U_j^T H_i + beta V_j."""
    X = data.X
    G = np.swapaxes(X, 1, 2) @ X
    H = np.swapaxes(X, 1, 2) @ (linear_attention(X, U_heads, V_heads) - data.Y) / X.shape[0]
    grad_U = np.einsum("iab,jlb,ilk->jak", H, V_heads, G) + beta * U_heads
    grad_V = np.einsum("ilk,jak,iab->jlb", G, U_heads, H) + beta * V_heads
    return grad_U, grad_V


@pytest.mark.parametrize(("d", "c", "m"), [(2, 3, 4), (3, 2, 2)])
def test_convex_form_predicts_what_the_heads_compute(d, c, m):
    data, pr = sequences_problem(d=d, c=c)
    U_heads, V_heads = random_heads(m, d, c)
    U, V = heads_to_factors(U_heads, V_heads)
    assert U.shape == (d * d, m) and V.shape == (d * c, m)
    Z = sum(np.outer(U_heads[j].T.ravel(), V_heads[j].ravel()) for j in range(m))  # vec(U_j) vec(V_j^T)^T
    np.testing.assert_allclose(U @ V.T, Z, rtol=1e-14)
    expected = linear_attention(data.X, U_heads, V_heads).reshape(-1, c)
    np.testing.assert_allclose(pr.predict(Z), expected, rtol=1e-12, atol=1e-12)
    assert pr.bm_objective(U, V) == pytest.approx(objective_26(data, U_heads, V_heads, pr.beta), rel=1e-12)


def test_heads_and_factors_round_trip():
    U_heads, V_heads = random_heads(5, 3, 2)
    back = factors_to_heads(*heads_to_factors(U_heads, V_heads), 3, 2)
    np.testing.assert_array_equal(back[0], U_heads)
    np.testing.assert_array_equal(back[1], V_heads)


def test_gradients_of_the_factorisation_are_those_of_the_heads():
    data, pr = sequences_problem(d=3, c=2)
    U_heads, V_heads = random_heads(3, 3, 2)
    grad_U, grad_V = pr.bm_gradients(*heads_to_factors(U_heads, V_heads))
    expected_U, expected_V = gradients_26(data, U_heads, V_heads, pr.beta)
    got_U, got_V = factors_to_heads(grad_U, grad_V, 3, 2)
    np.testing.assert_allclose(got_U, expected_U, rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(got_V, expected_V, rtol=1e-11, atol=1e-12)


def test_gradients_match_finite_differences():
    _, pr = sequences_problem()
    rng = np.random.default_rng(2)
    U, V = heads_to_factors(*random_heads(3, pr.d, pr.c, seed=2))
    grads = pr.bm_gradients(U, V)
    h = 1e-6
    for which in (0, 1):
        for _ in range(10):
            idx = tuple(rng.integers(k) for k in grads[which].shape)
            plus, minus = [U.copy(), V.copy()], [U.copy(), V.copy()]
            plus[which][idx] += h
            minus[which][idx] -= h
            fd = (pr.bm_objective(*plus) - pr.bm_objective(*minus)) / (2 * h)
            assert fd == pytest.approx(grads[which][idx], rel=1e-6, abs=1e-8)


def test_hessian_vector_product_matches_finite_differences_of_gradients():
    _, pr = sequences_problem()
    rng = np.random.default_rng(3)
    U, V = heads_to_factors(*random_heads(3, pr.d, pr.c, seed=3))
    dU, dV = rng.standard_normal(U.shape), rng.standard_normal(V.shape)
    h = 1e-6
    plus, minus = pr.bm_gradients(U + h * dU, V + h * dV), pr.bm_gradients(U - h * dU, V - h * dV)
    HU, HV = pr.bm_hessian_vector(U, V, dU, dV)
    np.testing.assert_allclose(HU, (plus[0] - minus[0]) / (2 * h), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(HV, (plus[1] - minus[1]) / (2 * h), rtol=1e-5, atol=1e-6)


def test_gram_form_of_the_loss_matches_the_residual_form():
    _, pr = sequences_problem()
    Z = np.random.default_rng(4).standard_normal(pr.shape)
    F, G = pr.fit_and_grad_Z(Z)
    assert F == pytest.approx(pr.F(pr.predict(Z)), rel=1e-12)
    np.testing.assert_allclose(G, pr.grad_Z(Z), rtol=1e-11, atol=1e-13)


def test_convex_objective_is_below_the_bm_objective_with_equality_when_balanced():
    """||Z||_* <= (||U||^2 + ||V||^2) / 2 for any factors, with equality for U = L S^1/2, V = R S^1/2."""
    _, pr = sequences_problem()
    U, V = heads_to_factors(*random_heads(4, pr.d, pr.c, seed=5))
    Z = U @ V.T
    assert pr.convex_objective(Z) < pr.bm_objective(U, V)
    L, sigma, Rt = np.linalg.svd(Z, full_matrices=False)
    assert pr.convex_objective(Z) == pytest.approx(
        pr.bm_objective(L * np.sqrt(sigma), Rt.T * np.sqrt(sigma)), rel=1e-12
    )


def test_bad_input_is_named():
    data, _ = sequences_problem()
    with pytest.raises(ValueError, match="beta must be positive"):
        AttentionProblem.from_sequences(data.X, data.Y, 0.0)
    with pytest.raises(ValueError, match="do not match"):
        AttentionProblem.from_sequences(data.X, data.Y[:, :-1], 0.1)
    Y = data.Y.copy()
    Y[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="non-finite"):
        AttentionProblem.from_sequences(data.X, Y, 0.1)
