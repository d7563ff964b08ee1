"""``auto`` among the certified solvers: Clarabel for tiny programs, BM_CERTIFIED otherwise (issue 20, item 3)."""

import pytest

from bmconvex.mlp.arrangements import arrangement_for_seed
from bmconvex.mlp.certificate import fenchel_lower_bound
from bmconvex.mlp.problem import GatedReLUProblem
from bmconvex.mlp.spiral import make_spiral
from bmconvex.solvers import SolverError, auto


def grid_case(n: int, seed: int, beta: float) -> GatedReLUProblem:
    data = make_spiral(n, noise=0.2, seed=0)
    return GatedReLUProblem(data.X, data.Y, arrangement_for_seed(data.X, 100, seed).D, beta)


def test_the_choice_follows_the_size_of_the_conic_program():
    tiny, large = grid_case(45, 0, 1e-4), grid_case(600, 0, 1e-3)
    assert auto.conic_variables(tiny) == tiny.P * 5 * 6 // 2 + 45 * 3  # d + c = 5: PSD blocks of order 5
    assert auto.choose(tiny) == (
        "CLARABEL_DIRECT",
        f"tiny program: {auto.conic_variables(tiny)} conic variables <= 2000",
    )
    assert auto.choose(large)[0] == "BM_CERTIFIED" and auto.conic_variables(large) > 3000


def test_the_paper_grid_case_bm_cannot_certify_is_certified_through_clarabel():
    """n = 45, seed 0, beta = 1e-4: BM stalled at a gap of 8.2e-5 after 20 s (agreement.csv at 04814d3);
    auto answers with Clarabel's Z, certified by the project's bracket from the residual."""
    pr = grid_case(45, 0, 1e-4)
    solver, why, result = auto.solve_auto(pr, 1e-6)
    b = result.bracket
    assert solver == "CLARABEL_DIRECT" and "tiny program" in why
    assert result.status == "certified" and b.certified_gap <= 1e-6
    assert b.d_hat <= b.p_lower <= b.p_upper
    assert b.p_upper == pytest.approx(pr.convex_objective(result.Z), rel=1e-12)  # p_upper is (5) at Z
    assert b.p_lower == pytest.approx(fenchel_lower_bound(pr, result.Z), rel=1e-9)  # the same dual bound


def test_clarabel_short_of_solved_is_an_error_not_an_answer():
    """At tolerance 1e-10 Clarabel is asked for 1e-12 and reports AlmostSolved: no bracket is returned."""
    with pytest.raises(SolverError, match="AlmostSolved, not Solved"):
        auto.certified_by_clarabel(grid_case(45, 0, 1e-4), 1e-10)
