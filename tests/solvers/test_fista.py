"""The FISTA baseline on (5): closed form (13), agreement with Clarabel, honest budget stops."""

import numpy as np
import pytest
from conftest import svt

from bmconvex.solvers.certified import operators, solve_certified
from bmconvex.solvers.clarabel_direct import solve as solve_conic
from bmconvex.solvers.fista import FISTASettings, lipschitz, soft_threshold


def test_soft_threshold_is_the_prox_of_the_nuclear_norm(denoising_problem):
    """prox_{beta ||.||_*}(Y) = SVT_beta(Y), the minimiser of (13), per pattern."""
    pr = denoising_problem
    W = np.stack([pr.Y, 2 * pr.Y])
    np.testing.assert_allclose(soft_threshold(W, pr.beta), np.stack([svt(pr.Y, pr.beta), svt(2 * pr.Y, pr.beta)]))


def test_lipschitz_constant_bounds_the_gram_spectrum(spiral_problem):
    pr = spiral_problem
    top = np.linalg.eigvalsh(pr.s * pr.M.T @ pr.M)[-1]
    for op in operators(pr, "gram")[:1] + operators(pr, "patterns")[:1]:
        assert top <= lipschitz(op) <= 1.05 * top


def test_denoising_converges_to_singular_value_thresholding(denoising_problem):
    """X = I, one pattern, s = 1: Z* = SVT_beta(Y) (eq. 13); F is 1-strongly convex, so a certified
    gap of 1e-10 puts Z within sqrt(2e-10 p*) of Z*."""
    pr = denoising_problem
    result = solve_certified(pr, "FISTA", FISTASettings(tolerance=1e-10, check_every=1))
    assert result.status == "certified" and result.bracket.certified_gap <= 1e-10
    np.testing.assert_allclose(result.Z[0], svt(pr.Y, pr.beta), atol=5e-5)


def test_fista_agrees_with_clarabel(spiral_problem):
    pr = spiral_problem
    clarabel = solve_conic(pr, 1e-10)
    result = solve_certified(pr, "FISTA", FISTASettings(tolerance=1e-6))
    b = result.bracket
    assert result.status == "certified" and b.certified_gap <= 1e-6
    assert b.p_lower <= clarabel.p_star * (1 + 1e-12) and clarabel.lower_bound <= b.p_upper * (1 + 1e-12)
    assert b.p_upper == pytest.approx(clarabel.p_star, rel=1e-6 + clarabel.certified_gap)


def test_fista_budget_stop_is_an_honest_bracket(spiral_problem):
    pr = spiral_problem
    clarabel = solve_conic(pr, 1e-10)
    result = solve_certified(pr, "FISTA", FISTASettings(max_iterations=3, check_every=1))
    assert result.status == "budget" and result.iterations == 3 and result.bracket.certified_gap > 1e-6
    assert result.bracket.p_lower <= clarabel.p_star <= result.bracket.p_upper
