"""Thm 3.4's certificate for (104) on closed-form cases, and d_hat <= p* <= p_hat anywhere."""

import numpy as np
import pytest
from attention_cases import denoising_problem, sequences_problem, svt_optimum

from bmconvex.attention.certificate import (
    bm_certificate,
    fenchel_lower_bound,
    hessian_min_eigenvalue,
    lower_bound,
    numerical_rank,
)
from bmconvex.attention.convex import solve_convex
from bmconvex.solvers import SolverError


@pytest.mark.parametrize("beta", [0.05, 0.4])
def test_solver_finds_the_singular_value_thresholding_optimum(beta):
    """With Phi^T Phi = n I, (104) is 1/2 ||Z - B||^2 + beta ||Z||_* + const: Z* = SVT(B), eq. (13)."""
    pr, B, const = denoising_problem(beta)
    Z_star, _, _, p_star = svt_optimum(B, beta, const)
    solution = solve_convex(pr, "CLARABEL", 1e-10)
    assert solution.p_star == pytest.approx(p_star, rel=1e-8)
    np.testing.assert_allclose(solution.Z, Z_star, atol=1e-5)
    assert solution.lower_bound == pytest.approx(p_star, rel=1e-7)
    assert pr.convex_objective(Z_star) == pytest.approx(p_star, rel=1e-12)


@pytest.mark.parametrize(("beta", "rank", "full_rank"), [(0.5, 3, False), (0.1, 4, True)])
def test_certificate_is_exact_at_the_balanced_svt_factors(beta, rank, full_rank):
    """The balanced factors of SVT(B) are stationary, ||Z - B||_2 = beta: eps = 0, d_hat = p_hat = p*.

    B's singular values are 1.58, 1.17, 0.77, 0.38: beta = 0.5 thresholds one away; at beta = 0.1
    U and V have rank min(d^2, dc) = 4, the full rank of (21) under which Thm 3.5 applies.
    """
    pr, B, const = denoising_problem(beta)
    _, U, V, p_star = svt_optimum(B, beta, const)
    assert U.shape[1] == rank
    cert = bm_certificate(pr, U, V, rank_rtol=1e-9)
    assert cert["grad_norm"] < 1e-12
    assert cert["rel_gap_bound"] == pytest.approx(0.0, abs=1e-12)
    assert cert["p_hat"] == pytest.approx(p_star, rel=1e-12)
    assert cert["bm_objective"] == pytest.approx(p_star, rel=1e-12)
    assert cert["d_hat"] == pytest.approx(p_star, rel=1e-12)
    assert cert["rank_R"] == cert["rank_Z"] == rank
    assert not cert["rank_deficient"] and cert["full_rank"] == full_rank
    assert cert["hessian_min_eig"] > -1e-12  # a global minimum is a second-order point


def test_certificate_arithmetic_at_zero():
    """At Z = 0, G = -B: eps = sigma_1(B) / beta - 1 and d_hat = F(0) / (1 + eps)."""
    beta = 0.1
    pr, B, const = denoising_problem(beta)
    U, V = np.zeros((pr.shape[0], 2)), np.zeros((pr.shape[1], 2))
    sigma_1 = np.linalg.norm(B, 2)
    F0 = const + 0.5 * float(np.sum(B**2))
    cert = bm_certificate(pr, U, V, rank_rtol=1e-9)
    assert cert["rel_gap_bound"] == pytest.approx(sigma_1 / beta - 1, rel=1e-12)
    assert cert["p_hat"] == pytest.approx(F0, rel=1e-12)
    assert cert["d_hat"] == pytest.approx(F0 * beta / sigma_1, rel=1e-12)
    assert cert["rank_R"] == 0 and cert["rank_deficient"]


def test_zero_is_optimal_exactly_when_beta_exceeds_the_adjoint_of_the_targets():
    """Z* = 0 iff ||A^*(grad F(0))||_2 <= beta: then p* = F(0) = ||Y||^2 / (2n)."""
    _, pr = sequences_problem(beta=1.0)
    threshold = float(np.linalg.norm(pr.grad_Z(np.zeros(pr.shape)), 2))
    F0 = pr.F(pr.predict(np.zeros(pr.shape)))
    _, above = sequences_problem(beta=1.01 * threshold)
    _, below = sequences_problem(beta=0.9 * threshold)
    at_zero = solve_convex(above, "CLARABEL", 1e-10)
    assert at_zero.p_star == pytest.approx(F0, rel=1e-8)
    assert np.abs(at_zero.Z).max() < 1e-6
    assert solve_convex(below, "CLARABEL", 1e-10).p_star < F0 * (1 - 1e-4)


@pytest.mark.parametrize("scale", [0.0, 0.1, 1.0, 10.0])
def test_lower_bounds_hold_at_arbitrary_points(scale):
    _, pr = sequences_problem()
    p_star = solve_convex(pr, "CLARABEL", 1e-10).p_star
    rng = np.random.default_rng(7)
    for m in (1, 3, 12):
        U, V = scale * rng.standard_normal((pr.shape[0], m)), scale * rng.standard_normal((pr.shape[1], m))
        cert = bm_certificate(pr, U, V, rank_rtol=1e-9)
        assert cert["d_hat"] <= p_star * (1 + 1e-9)
        assert p_star <= cert["p_hat"] * (1 + 1e-9)
        assert cert["p_hat"] <= cert["bm_objective"] * (1 + 1e-12)
        assert fenchel_lower_bound(pr, U @ V.T) <= p_star * (1 + 1e-9)
        assert lower_bound(pr, U @ V.T) == pytest.approx(cert["d_hat"], rel=1e-12)


def test_rank_of_rhat_above_its_columns_is_deficient():
    _, pr = sequences_problem()
    rng = np.random.default_rng(8)
    m = sum(pr.shape) + 1  # R-hat has d^2 + dc rows: more heads make it rank-deficient
    cert = bm_certificate(pr, rng.standard_normal((pr.shape[0], m)), rng.standard_normal((pr.shape[1], m)), 1e-9)
    assert cert["rank_R"] == sum(pr.shape) and cert["rank_deficient"]
    # (21) asks rank U = rank V = min(d^2, dc) = 4; a random V of 6 rows has rank 6
    assert (cert["rank_U"], cert["rank_V"]) == (4, 6) and not cert["full_rank"]


def test_numerical_rank_counts_singular_values_above_the_relative_threshold():
    A = np.diag([2.0, 1e-3, 1e-7])
    assert numerical_rank(A, 1e-4) == 2
    assert numerical_rank(A, 1e-9) == 3
    assert numerical_rank(np.zeros((3, 2)), 1e-4) == 0


def test_strict_saddle_has_a_negative_hessian_eigenvalue():
    """U = V = 0 is stationary; when ||grad_Z F(0)||_2 > beta it is a strict saddle of (26)."""
    _, pr = sequences_problem(beta=0.01)
    U, V = np.zeros((pr.shape[0], 2)), np.zeros((pr.shape[1], 2))
    sigma_1 = float(np.linalg.norm(pr.grad_Z(np.zeros(pr.shape)), 2))
    assert hessian_min_eigenvalue(pr, U, V) == pytest.approx(pr.beta - sigma_1, rel=1e-10)


def test_unsupported_solver_is_refused():
    _, pr = sequences_problem()
    with pytest.raises(SolverError, match="cannot solve program"):
        solve_convex(pr, "CLARABEL_DIRECT", 1e-8)
