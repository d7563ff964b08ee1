"""Program (5) restricted to an iterate's column spaces (bmconvex.solvers.subspace) and its use in BM_CERTIFIED."""

import numpy as np
import pytest
from conftest import assert_certified_holding

from bmconvex.mlp.arrangements import sample_arrangement
from bmconvex.mlp.problem import GatedReLUProblem
from bmconvex.mlp.spiral import make_spiral
from bmconvex.solvers.bm_certified import BMSettings, solve_bm_certified
from bmconvex.solvers.bracket import certify
from bmconvex.solvers.certified import operators, solve_certified
from bmconvex.solvers.clarabel_direct import solve as solve_conic
from bmconvex.solvers.gram import GramOperator
from bmconvex.solvers.subspace import column_bases, restricted_solve


@pytest.fixture(scope="module")
def wide():
    """A program with d > c, so that a column space is a true restriction: 60 samples, d = 8, c = 3, P = 12."""
    rng = np.random.default_rng(2)
    X, Y = rng.standard_normal((60, 8)), rng.standard_normal((60, 3))
    D = sample_arrangement(X, 12, np.random.default_rng(3)).D
    return GatedReLUProblem(X, Y, D, beta=0.05)


def test_column_bases_span_each_active_block_and_pad_with_zeros():
    rng = np.random.default_rng(0)
    Z = np.zeros((3, 6, 4))
    Z[0] = rng.standard_normal((6, 2)) @ rng.standard_normal((2, 4))  # rank 2
    Z[2] = rng.standard_normal((6, 4))  # rank 4
    active, Q = column_bases(Z, 1e-10)
    assert active.tolist() == [0, 2] and Q.shape == (2, 6, 4)
    for k, j in enumerate(active):
        np.testing.assert_allclose(Q[k] @ (Q[k].T @ Z[j]), Z[j], atol=1e-12)  # Q_j spans the columns of Z_j
    np.testing.assert_allclose(Q[0].T @ Q[0], np.diag([1.0, 1.0, 0.0, 0.0]), atol=1e-12)


def test_the_restricted_gram_form_is_5_at_the_lifted_point(wide):
    """F and the objective of the restricted program at W equal those of (5) at Z_j = Q_j W_j (||Q W||_* = ||W||_*)."""
    pr, rng = wide, np.random.default_rng(4)
    Z = rng.standard_normal((pr.P, pr.d, 2)) @ rng.standard_normal((pr.P, 2, pr.c))
    active, Q = column_bases(Z, 1e-10)
    reduced = GramOperator(pr.X, pr.Y, pr.D[active], pr.s, Q)
    W = rng.standard_normal((len(active), Q.shape[2], pr.c))
    lifted = np.zeros_like(Z)
    lifted[active] = Q @ W
    F_reduced = reduced.state(W)[0]
    assert F_reduced == pytest.approx(pr.F(pr.predict(lifted)), rel=1e-12)
    assert np.linalg.svd(W, compute_uv=False).sum() == pytest.approx(np.linalg.svd(lifted, compute_uv=False).sum())


def test_a_restricted_solve_is_no_worse_in_its_subspace_and_only_the_full_certificate_counts(wide):
    """From a rank-2 iterate: the restricted optimum's objective is at most the iterate's; restricted to a
    random subspace that misses Z*'s columns, its full certificate stays far from 1e-6 (never a wrong bracket)."""
    pr = wide
    op, exact = operators(pr, "patterns")
    star = solve_conic(pr, 1e-8)

    def solve(operator):
        return solve_certified_gram(operator, pr.beta)

    rng = np.random.default_rng(5)
    Z = star.Z + 1e-3 * rng.standard_normal(star.Z.shape)
    lifted = restricted_solve(pr.X, pr.Y, pr.D, pr.s, Z, 1e-10, solve)
    assert pr.convex_objective(lifted) <= pr.convex_objective(Z)
    wrong = rng.standard_normal((pr.P, pr.d, 1)) @ rng.standard_normal((pr.P, 1, pr.c))
    bad = certify(exact, restricted_solve(pr.X, pr.Y, pr.D, pr.s, wrong, 1e-10, solve), pr.beta)[0]
    assert bad.certified_gap > 1e-3 and bad.p_lower <= star.p_star * (1 + 1e-12) <= bad.p_upper * (1 + 1e-9)


def solve_certified_gram(operator, beta):
    return solve_bm_certified(operator, beta, BMSettings(tolerance=1e-9), operator).Z


@pytest.mark.parametrize("below", [0.0, 1e-3])
def test_bm_with_restricted_solves_certifies_clarabels_optimum(wide, below):
    """The pattern form with restricted solves (default) and without: both certified, each bracket holds p*."""
    pr = wide
    clarabel = solve_conic(pr, 1e-8)
    result = solve_certified(pr, "BM", BMSettings(tolerance=1e-6, restricted_below=below), form="patterns")
    assert_certified_holding(result, clarabel)
    assert bool(result.restricted) == (below > 0)


def test_restricted_solves_cut_the_iterations_on_a_spiral_in_pattern_form():
    data = make_spiral(150, noise=0.2, seed=0)
    D = sample_arrangement(data.X, 40, np.random.default_rng(0)).D
    pr = GatedReLUProblem(data.X, data.Y, D, beta=1e-2)
    plain = solve_certified(pr, "BM", BMSettings(restricted_below=0.0), form="patterns")
    fast = solve_certified(pr, "BM", BMSettings(), form="patterns")
    assert plain.status == fast.status == "certified" and fast.restricted
    assert fast.iterations < plain.iterations
