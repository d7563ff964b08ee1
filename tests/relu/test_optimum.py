"""p* of (3): the SDP's norm identity, the c = 1 SOCP, the certified bracket and its invariants."""

import numpy as np
import pytest
from relu_cases import relu_problem

from bmconvex import solvers
from bmconvex.core.certificate import InvariantError
from bmconvex.core.gd import Divergence, GDSettings
from bmconvex.mlp.arrangements import sample_arrangement
from bmconvex.mlp.problem import GatedReLUProblem
from bmconvex.mlp.spiral import make_spiral
from bmconvex.relu import gaps, optimum
from bmconvex.relu.optimum import CertificationError, certified_optimum, certified_optimum_c1, relative_bracket
from bmconvex.relu.problem import ReLUProblem
from bmconvex.relu.sdp import quasi_nuclear_norm, sdp, socp_c1
from bmconvex.relu.training import run_bm

# The first quadrant C = {u >= 0}: inward edge normals e_2 (edge e_1) and e_1 (edge e_2).
K_A, K_B = np.array([0.0, 1.0]), np.array([1.0, 0.0])


@pytest.mark.parametrize(
    ("Z", "norm"),
    [
        (np.array([[3.0], [4.0]]), 5.0),  # u v^T with u in C: ||u|| ||v||
        (np.array([[1.0], [-1.0]]), 2.0),  # e_1 - e_2: the nuclear norm is sqrt(2), the cone forces 2
        (np.eye(2), 2.0),  # e_1 e_1^T + e_2 e_2^T, both in C: the nuclear norm 2 is reached
        (np.array([[1.0, 0.0], [-1.0, 0.0]]), 2.0),  # (e_1 - e_2) e_1^T
    ],
)
def test_sdp_gives_the_quasi_nuclear_norm(Z, norm):
    """||Z||_{*,K} of (4), known in closed form on the quadrant (a dual certificate: for z = e_1 - e_2,
    g = (1, -1) has sigma(g) = 1 and <g, z> = 2)."""
    assert quasi_nuclear_norm(Z, K_A, K_B) == pytest.approx(norm, rel=1e-7)


def test_c1_socp_equals_the_d2_sdp():
    """At c = 1 and d = 2 the cone-constrained group lasso (SOCP) and the SDP give the same p* of (3)."""
    problem = relu_problem(15, 10, 1e-2, binary=True)
    p_socp, _, _, _ = socp_c1(problem, 1e-9)
    p_sdp, _, _ = sdp(problem, 1e-9)
    certified = certified_optimum(problem, 1e-7, 1e-9, 20)
    assert p_socp == pytest.approx(p_sdp, rel=1e-6)
    assert certified["p_star_lower"] * (1 - 1e-7) <= p_socp <= certified["p_star"] * (1 + 1e-7)
    c1 = certified_optimum_c1(problem, 1e-6, 1e-9)
    assert c1["p_star_lower"] <= certified["p_star"] * (1 + 1e-9) and certified["p_star_lower"] <= c1["p_star"]


def test_c1_in_three_dimensions_is_certified():
    """c = 1, d = 3 (two spiral arms and a bias column): the SOCP bracketed by NNLS sigma to 1e-6."""
    data = make_spiral(30, noise=0.2, seed=0)
    arms = data.y < 2
    X = np.column_stack([data.X[arms], np.ones(arms.sum())])
    arrangement = sample_arrangement(X, 30, np.random.default_rng(0))
    problem = ReLUProblem(X, (data.y[arms] == 0).astype(float)[:, None], arrangement.D, arrangement.H, 1e-2)
    assert problem.wedges is None and problem.d == 3
    c1 = certified_optimum_c1(problem, 1e-6, 1e-9)
    assert 0 <= c1["bracket"] <= 1e-6 and c1["p_star"] == pytest.approx(c1["p_star_socp"], rel=1e-6)


@pytest.fixture(scope="module")
def case(small_relu):
    """p* of (3) certified, p* of (5) on the same patterns, and a short projected-GD run of (19)."""
    p = small_relu
    optimum = certified_optimum(p, 1e-7, 1e-9, 20)
    gated = solvers.solve(GatedReLUProblem(p.X, p.Y, p.D, p.beta), "CLARABEL", 1e-9)
    result, record = run_bm(p, 2, 0, 0.1, GDSettings(epochs=2000), Divergence(3, 0.5))
    return optimum, gated, result, record


def test_p_star_is_certified_and_costs_more_than_gated(case):
    optimum, gated, _, _ = case
    assert 0 <= optimum["bracket"] <= 1e-7
    assert optimum["p_star_lower"] <= optimum["p_star"]
    assert optimum["p_star"] >= gated.p_star * (1 - 1e-7)  # quasi-nuclear norm >= nuclear norm


def test_projected_gd_stays_feasible_and_bounds_hold(case, small_relu):
    """Every iterate of (19) is projected: the last one lies in the cones and d_hat <= p* <= p_hat."""
    optimum, _, result, record = case
    assert small_relu.wedges.contains(result.U, tol=1e-12).all()
    assert record["d_hat"] <= optimum["p_star_lower"] and optimum["p_star"] <= record["p_hat"] * (1 + 1e-9)
    assert record["p_hat"] <= record["bm_objective"]


def test_invariant_check_fails_on_a_corrupted_p_star(case):
    optimum, gated, _, record = case
    runs = [{"n": 30, "beta": 1e-2, "seed": 0, **record}]
    relu = [{"n": 30, "beta": 1e-2, "seed": 0, **optimum}]
    gated_records = [{"n": 30, "beta": 1e-2, "seed": 0, "p_star": gated.p_star}]
    table = gaps.gap_table(runs, relu, gated_records)
    gaps.check_invariants(table, 1e-6)
    assert table["rounds"].tolist() == [optimum["rounds"]] and not table["at_p_star"].any()
    at = gaps.gap_table([{**runs[0], "p_hat": optimum["p_star_lower"]}], relu, gated_records)
    assert at["at_p_star"].all() and at["rel_gap"].iloc[0] < 0  # below p* by less than its bracket
    for corrupt in (record["d_hat"] * 0.99, record["p_hat"] * 1.01, gated.p_star * 0.99):
        with pytest.raises(InvariantError):
            gaps.check_invariants(table.assign(p_star=corrupt), 1e-6)
    with pytest.raises(InvariantError):
        gaps.check_invariants(table.assign(p_star=np.nan), 1e-6)


def test_a_bracket_wider_than_the_tolerance_fails_the_job(small_relu):
    """No uncertified p* is returned: an impossible tolerance after one round raises."""
    with pytest.raises(CertificationError, match="after 1 rounds"):
        certified_optimum(small_relu, 1e-30, 1e-9, max_rounds=1)


def test_without_the_sdp_the_sigma_maximisers_find_p_star(monkeypatch):
    """Clarabel failing outright (its failure as sdp() reports it) leaves the edge rays only; on n = 3
    (wedges of 46-76 degrees) they miss p*, and the neurons at the maximisers of sigma_j close the bracket."""
    problem = relu_problem(3, 10, 1e-2)
    assert problem.wedges.degrees.max() > 70
    with_sdp = certified_optimum(problem, 1e-7, 1e-9, 20)
    monkeypatch.setattr(optimum, "sdp", lambda problem, tolerance: (None, "failed: Clarabel", None))
    alone = certified_optimum(problem, 1e-7, 1e-9, 20)
    assert alone["sdp_status"] == "failed: Clarabel" and alone["rounds"] > 1
    assert alone["directions"] > 2 * problem.P and 0 <= alone["bracket"] <= 1e-7
    assert alone["p_star"] == pytest.approx(with_sdp["p_star"], rel=2e-7)


def test_bracket_edge_cases():
    """lower = 0 certifies nothing (inf); upper < lower contradicts weak duality and raises at once."""
    assert relative_bracket(1.0, 0.0) == np.inf and relative_bracket(1.0, -1.0) == np.inf
    assert relative_bracket(1.0 + 1e-9, 1.0) == pytest.approx(1e-9)
    with pytest.raises(CertificationError, match="inverted"):
        relative_bracket(1.0, 1.0 + 1e-9)


def test_fenchel_bound_at_sigma_zero(small_relu):
    """sigma_max = 0 (a zero gradient on every cone) bounds t by nothing: the unconstrained dual maximum."""
    g = -small_relu.Y  # at Y_hat = 0: grad F = -s Y, up to the factor s
    value = optimum.fenchel_lower_bound(small_relu, g, 0.0)
    assert value == pytest.approx(0.5 * small_relu.s * float(np.sum(small_relu.Y**2)))
