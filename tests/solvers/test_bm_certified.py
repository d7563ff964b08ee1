"""BM_CERTIFIED: the certified BM solver of (5) against Clarabel and the closed form (13)."""

import numpy as np
import pytest
from conftest import svt

from bmconvex import solvers
from bmconvex.mlp.arrangements import arrangement_for_seed, sample_arrangement
from bmconvex.mlp.problem import GatedReLUProblem
from bmconvex.mlp.spiral import make_spiral
from bmconvex.solvers.bm_certified import BMSettings
from bmconvex.solvers.bracket import CertificateError, bracket
from bmconvex.solvers.certified import Program, operators, solve_certified
from bmconvex.solvers.clarabel_direct import solve as solve_conic
from bmconvex.solvers.gram import GramOperator, ResidualOperator
from bmconvex.solvers.patterns import PatternOperator


@pytest.fixture(scope="module")
def spiral_cases(spiral_problem):
    """Two small spirals (beta 1e-2 and 1e-3) with Clarabel's certified p* at tolerance 1e-10."""
    data = make_spiral(60, noise=0.2, seed=1)
    arrangement = sample_arrangement(data.X, 30, np.random.default_rng(1))
    second = GatedReLUProblem(data.X, data.Y, arrangement.D, beta=1e-3)
    return [(pr, solve_conic(pr, 1e-10)) for pr in (spiral_problem, second)]


@pytest.mark.parametrize("form", ["gram", "patterns"])
def test_bracket_agrees_with_clarabel(spiral_cases, form):
    """Each certified interval holds the other's value: d_hat <= p*_Clarabel and Clarabel's bound <= p_hat."""
    for pr, clarabel in spiral_cases:
        result = solve_certified(pr, "BM", BMSettings(tolerance=1e-6), form=form)
        b = result.bracket
        assert result.status == "certified" and b.certified_gap <= 1e-6
        assert b.p_lower <= clarabel.p_star * (1 + 1e-12)
        assert clarabel.lower_bound <= b.p_upper * (1 + 1e-12)
        assert clarabel.p_star == pytest.approx(b.p_upper, rel=1e-6 + clarabel.certified_gap)
        assert b.d_hat <= b.p_lower and b.eps >= 0.0
        assert b.p_upper == pytest.approx(pr.convex_objective(result.Z), rel=1e-13)


def assert_state_is_the_problems(pr, Z, state, rel_dual):
    """An operator's (F, G, <g, Y>, ||g||^2) at Z against :class:`GatedReLUProblem`'s own formulas."""
    F, G, gY, gg = state
    g = pr.grad_F(pr.predict(Z))
    assert F == pytest.approx(pr.F(pr.predict(Z)), rel=1e-12)
    np.testing.assert_allclose(G, pr.grad_Z(Z), rtol=1e-10, atol=1e-13)
    assert gY == pytest.approx(float(np.sum(g * pr.Y)), rel=rel_dual)
    assert gg == pytest.approx(float(np.sum(g * g)), rel=rel_dual)


def test_gram_and_pattern_operators_agree_with_the_problem(spiral_problem):
    """Both forms give F, G = grad_Z F and the gradients (28) of (18) of :class:`GatedReLUProblem`."""
    pr = spiral_problem
    rng = np.random.default_rng(2)
    U, V = rng.standard_normal((pr.P, pr.d, 2)), rng.standard_normal((pr.P, pr.c, 2))
    U[::2, :, 1], V[::2, :, 1], U[1], V[1] = 0.0, 0.0, 0.0, 0.0  # ranks 2, 1 and 0 side by side
    Z = U @ V.transpose(0, 2, 1)
    grad_U, grad_V = pr.bm_gradients(U, V)
    for op in (GramOperator(pr.X, pr.Y, pr.D, pr.s), PatternOperator(pr.X, pr.Y, pr.D, pr.s)):
        assert_state_is_the_problems(pr, Z, op.state(Z), rel_dual=1e-10)
        f, gU, gV = op.bm_value_grad(U, V, pr.beta)
        assert f == pytest.approx(pr.bm_objective(U, V), rel=1e-12)
        np.testing.assert_allclose(gU, grad_U, rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(gV, grad_V, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("rows", [7, 10**6])  # many blocks of rows, or one
def test_residual_certificate_agrees_with_the_problem(spiral_problem, rows):
    """F, G, <g, Y> and ||g||^2 from the residual (what every Gram-form answer is certified with)."""
    pr = spiral_problem
    Z = np.random.default_rng(3).standard_normal((pr.P, pr.d, pr.c))
    op = ResidualOperator(pr.X, pr.Y, pr.D, pr.s)
    op.rows = rows
    assert_state_is_the_problems(pr, Z, op.state(Z), rel_dual=1e-12)


@pytest.mark.parametrize("form", ["gram", "patterns"])
def test_denoising_reaches_singular_value_thresholding(denoising_problem, form):
    """X = I, one pattern: Z* = SVT_beta(Y) (eq. 13); m = 1 is not enough, so the rank must grow."""
    pr = denoising_problem
    Z_star = svt(pr.Y, pr.beta)
    rank = np.linalg.matrix_rank(Z_star)
    assert 2 <= rank < min(pr.Y.shape), "the optimum must need rank growth and stay rank-deficient"
    result = solve_certified(pr, "BM", BMSettings(tolerance=1e-10, m0=1), form=form)
    assert result.status == "certified" and result.grown >= rank - 1
    assert np.linalg.matrix_rank(result.Z[0], tol=1e-6) == rank
    np.testing.assert_allclose(result.Z[0], Z_star, atol=1e-5)
    p_star = pr.convex_objective(Z_star[None])
    assert result.bracket.p_lower <= p_star * (1 + 1e-13) and p_star <= result.bracket.p_upper * (1 + 1e-13)


def test_budget_stop_is_an_honest_bracket(spiral_cases):
    pr, clarabel = spiral_cases[1]
    result = solve_certified(pr, "BM", BMSettings(max_iterations=5, check_every=5))
    b = result.bracket
    assert result.status == "budget" and result.iterations == 5
    assert b.certified_gap > 1e-6
    assert b.p_lower <= clarabel.p_star * (1 + 1e-12) and clarabel.lower_bound <= b.p_upper


def test_a_budget_stop_answers_the_best_certified_point_not_the_last(spiral_cases):
    """Certified gaps do not fall monotonically (here the last certificate, 0.96, is worse than one before it):
    a stop short of the tolerance answers the point of the best certificate seen, its bracket recomputed."""
    pr, clarabel = spiral_cases[1]
    result = solve_certified(pr, "BM", BMSettings(max_iterations=60, check_every=5), form="patterns")
    gaps = [h["certified_gap"] for h in result.history if h["certified_gap"] is not None]
    assert result.status == "budget" and gaps[-1] > 1.2 * min(gaps)
    assert result.bracket.certified_gap == pytest.approx(min(gaps), rel=1e-9)
    assert result.bracket.p_lower <= clarabel.p_star * (1 + 1e-12) <= result.bracket.p_upper * (1 + 1e-12)


def test_an_iterate_without_a_positive_lower_bound_is_uncertified_not_an_error():
    """p_lower = 0 (the dual point along -g certifies nothing): gap inf, None in records, never <= tol."""
    b = bracket(F=1.0, GZ=2.0, nuclear=1.0, gY=1.0, gg=1.0, sigma_max=1.0, beta=0.1, s=1.0)
    assert b.p_lower == 0.0 and b.certified_gap == np.inf and b.reported_gap is None


def test_the_paper_grid_case_that_passes_through_such_an_iterate_is_certified():
    """n = 3, seed 0, beta = 1e-4 of the agreement grid: an early checkpoint had p_lower = 0 (a TypeError once)."""
    points = make_spiral(3, noise=0.2, seed=0)
    pr = GatedReLUProblem(points.X, points.Y, arrangement_for_seed(points.X, 100, 0).D, beta=1e-4)
    result = solve_certified(pr, "BM", BMSettings(tolerance=1e-6, max_seconds=20))
    assert result.status == "certified" and result.bracket.certified_gap <= 1e-6
    assert any(h["certified_gap"] is None for h in result.history)


def test_non_finite_input_is_rejected(spiral_problem):
    pr = spiral_problem
    X = pr.X.copy()
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match="X has 1 non-finite"):
        operators(Program(X, pr.Y, pr.D, pr.beta, pr.s))
    with pytest.raises(ValueError, match="shapes do not match"):
        operators(Program(pr.X, pr.Y[:-1], pr.D, pr.beta, pr.s))
    with pytest.raises(ValueError, match="beta must be positive"):
        operators(Program(pr.X, pr.Y, pr.D, 0.0, pr.s))


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_non_finite_iterate_is_never_certified(spiral_problem):
    """An overflowing objective raises instead of becoming a bound."""
    pr = spiral_problem
    with pytest.raises(CertificateError, match="diverged: F"):
        solve_certified(Program(pr.X, 1e200 * pr.Y, pr.D, pr.beta, pr.s), "BM")
    with pytest.raises(CertificateError, match="max ||G_j||_2 not finite"):
        bracket(1.0, 0.0, 1.0, -1.0, 1.0, np.inf, 1e-3, 1.0)


@pytest.mark.parametrize(("n", "beta", "seed"), [(45, 1e-3, 1), (150, 1e-2, 0)])
def test_registry_solves_paper_grid_cases_to_clarabels_accuracy(n, beta, seed):
    """solve(..., "BM_CERTIFIED", 1e-9) on cases of the paper's grid (P-hat = 100): Newton polish
    takes the certificate to Clarabel's own accuracy, and each bracket holds the other's value."""
    data = make_spiral(n, noise=0.2, seed=0)
    pr = GatedReLUProblem(data.X, data.Y, arrangement_for_seed(data.X, 100, seed).D, beta)
    clarabel = solvers.solve(pr, "CLARABEL_DIRECT", 1e-9)
    bm = solvers.solve(pr, "BM_CERTIFIED", 1e-9)
    assert bm.solver == "BM_CERTIFIED" and bm.certified_gap <= 1e-9
    assert bm.lower_bound <= clarabel.p_star * (1 + 1e-12) and clarabel.lower_bound <= bm.p_star * (1 + 1e-12)
    assert bm.p_star == pytest.approx(clarabel.p_star, rel=2e-9)


def test_registry_raises_when_the_budget_ends_uncertified(spiral_problem):
    with pytest.raises(solvers.SolverError, match=r"BM_CERTIFIED stopped \(budget\).*bracketed in"):
        solvers.solve(spiral_problem, "BM_CERTIFIED", 1e-9, max_iterations=5)
