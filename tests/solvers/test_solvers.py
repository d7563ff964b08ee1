"""Program (5) through CVXPY against closed forms and the certified bounds."""

import numpy as np
import pytest
from conftest import svt

from bmconvex.core.certificate import relative_gap, thm34_epsilon
from bmconvex.mlp.certificate import fenchel_lower_bound, thm34_lower_bound
from bmconvex.mlp.problem import GatedReLUProblem, nuclear_norms
from bmconvex.solvers import SolverError, clarabel_direct, cvxpy_path, mosek_license_error, resolve_solver


def solve(problem, path, tolerance):
    return (
        clarabel_direct.solve(problem, tolerance)
        if path == "direct"
        else cvxpy_path.solve(problem, "CLARABEL", tolerance)
    )


@pytest.mark.parametrize("path", ["cvxpy", "direct"])
def test_denoising_matches_singular_value_thresholding(denoising_problem, path):
    """Thm 2.1 / eq. (13): with X = I and one arrangement, Z* = SVT_beta(Y)."""
    pr = denoising_problem
    Z_star = svt(pr.Y, pr.beta)
    assert 0 < np.linalg.matrix_rank(Z_star) < min(pr.Y.shape), "the threshold must cut some singular values"
    p_closed = 0.5 * np.sum((Z_star - pr.Y) ** 2) + pr.beta * nuclear_norms(Z_star[None]).sum()
    sol = solve(pr, path, 1e-10)
    assert sol.status == "optimal"
    np.testing.assert_allclose(sol.Z[0], Z_star, atol=1e-6)
    assert sol.p_star == pytest.approx(p_closed, rel=1e-8)
    assert sol.lower_bound <= p_closed * (1 + 1e-12)
    assert sol.certified_gap < 1e-7


def test_bound_is_zero_and_certificates_tight_at_the_closed_form_optimum(denoising_problem):
    """At Z* the Thm 3.4 bound vanishes (||Y - Z*||_2 <= beta) and both lower bounds equal p*."""
    pr = denoising_problem
    Z = svt(pr.Y, pr.beta)[None]
    p_star = pr.convex_objective(Z)
    assert thm34_epsilon(pr.grad_Z(Z), pr.beta) == pytest.approx(0.0, abs=1e-12)
    assert thm34_lower_bound(pr, Z) == pytest.approx(p_star, rel=1e-12)
    assert fenchel_lower_bound(pr, Z) == pytest.approx(p_star, rel=1e-12)


def test_bound_is_positive_away_from_the_optimum(denoising_problem):
    pr = denoising_problem
    Z = 0.5 * svt(pr.Y, pr.beta)[None]
    assert thm34_epsilon(pr.grad_Z(Z), pr.beta) > 0.0


def test_lower_bounds_sandwich_p_star_at_arbitrary_points(spiral_problem):
    """d_hat <= p* <= p_hat at non-stationary points (App. A.7 needs only F >= 0 and convexity)."""
    pr = spiral_problem
    p_star = cvxpy_path.solve(pr, "CLARABEL", 1e-10).p_star
    rng = np.random.default_rng(7)
    for scale in (1e-3, 0.1, 1.0, 10.0):
        U = scale * rng.standard_normal((pr.P, pr.d, 2))
        V = scale * rng.standard_normal((pr.P, pr.c, 2))
        Z = U @ V.transpose(0, 2, 1)
        p_hat = pr.convex_objective(Z)
        assert thm34_lower_bound(pr, Z) <= p_star * (1 + 1e-9)
        assert fenchel_lower_bound(pr, Z) <= p_star * (1 + 1e-9)
        assert p_star <= p_hat * (1 + 1e-9)
        assert p_hat <= pr.bm_objective(U, V) * (1 + 1e-12)


def test_solver_that_does_not_reach_optimal_raises(spiral_problem):
    """A solve stopped early is never returned as an optimum."""
    with pytest.raises(SolverError, match="optimal|failed"):
        cvxpy_path.solve(spiral_problem, "CLARABEL", 1e-10, max_iter=2)


def test_mosek_without_license_fails_with_instructions():
    if mosek_license_error() is None:
        pytest.skip("a MOSEK license is installed here")
    with pytest.raises(SolverError, match="MOSEKLM_LICENSE_FILE"):
        resolve_solver("MOSEK")
    assert resolve_solver("auto") == "CLARABEL"


def test_unknown_solver_is_rejected():
    with pytest.raises(SolverError, match="unknown solver"):
        resolve_solver("GUROBI")


@pytest.mark.parametrize("beta", [1e-4, 1e-2])
def test_direct_conic_path_matches_cvxpy(spiral_problem, beta):
    """The direct Clarabel formulation and CVXPY's agree to 1e-7 and both certify themselves."""
    pr = GatedReLUProblem(spiral_problem.X, spiral_problem.Y, spiral_problem.D, beta)
    direct, via_cvxpy = clarabel_direct.solve(pr, 1e-10), cvxpy_path.solve(pr, "CLARABEL", 1e-10)
    assert abs(relative_gap(direct.p_star, via_cvxpy.p_star)) < 1e-7
    assert direct.certified_gap < 1e-7 and via_cvxpy.certified_gap < 1e-7


def test_at_c_1_the_second_order_cone_form_equals_the_psd_form(spiral_problem):
    """c = 1: ||Z_j||_* of a d x 1 block is its 2-norm; the SOC program has the PSD program's optimum (issue 20, 7a)."""
    pr = GatedReLUProblem(spiral_problem.X, spiral_problem.Y[:, :1], spiral_problem.D, beta=1e-3)
    sizes = {cone: clarabel_direct.conic_data(pr, cone)[2].shape[1] for cone in ("psd", "soc")}
    assert sizes == {"psd": pr.P * 6 + pr.n, "soc": pr.P * 3 + pr.n}  # d = 2: svec of order 3 against (t, z)
    psd, soc = clarabel_direct.solve(pr, 1e-10, cone="psd"), clarabel_direct.solve(pr, 1e-10)
    via_cvxpy = cvxpy_path.solve(pr, "CLARABEL", 1e-10)
    for sol in (soc, via_cvxpy):
        assert sol.certified_gap < 1e-8
        assert sol.p_star == pytest.approx(psd.p_star, rel=1e-8)
        np.testing.assert_allclose(sol.Z, psd.Z, atol=1e-5)
    assert np.count_nonzero(np.linalg.norm(psd.Z, axis=(1, 2)) > 1e-6) > 1, "several patterns must be active"
    with pytest.raises(ValueError, match="'soc' only at c = 1"):
        clarabel_direct.conic_data(spiral_problem, "soc")
