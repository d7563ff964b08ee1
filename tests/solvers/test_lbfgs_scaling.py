"""L-BFGS's per-block initial scaling (V_j^T V_j + eta I)^{-1} as a change of variables (issue 20, item 5)."""

import numpy as np
import pytest

from bmconvex.solvers.bm_certified import BMSettings
from bmconvex.solvers.certified import solve_certified
from bmconvex.solvers.clarabel_direct import solve as solve_conic
from bmconvex.solvers.gram import GramOperator
from bmconvex.solvers.lbfgs import block_scaling


def test_scaled_run_stays_in_the_original_variables_and_keeps_zero_columns(spiral_problem):
    """The run's checkpoints and answer are (U, V), not the scaled variables; a zero column stays zero."""
    pr = spiral_problem
    op = GramOperator(pr.X, pr.Y, pr.D, pr.s)
    rng = np.random.default_rng(5)
    U, V = rng.standard_normal((pr.P, pr.d, 2)), rng.standard_normal((pr.P, pr.c, 2))
    U[:, :, 1], V[:, :, 1] = 0.0, 0.0
    seen = []

    def checkpoint(Uc, Vc, iterations):
        seen.append(op.bm_value_grad(Uc, Vc, pr.beta)[0])
        return False

    value_grad = lambda Ua, Va: op.bm_value_grad(Ua, Va, pr.beta)  # noqa: E731
    run = block_scaling(value_grad, checkpoint, U, V, 0.1)(10, 200, 25, np.inf, "L-BFGS-B")
    f0, f = op.bm_value_grad(U, V, pr.beta)[0], op.bm_value_grad(run.U, run.V, pr.beta)[0]
    assert f < 0.5 * f0 and seen[-1] >= f and seen == sorted(seen, reverse=True)  # descent in (U, V)
    assert not run.U[:, :, 1].any() and not run.V[:, :, 1].any()
    plain = block_scaling(value_grad, checkpoint, U, V, 0.0)(10, 200, 25, np.inf, "L-BFGS-B")
    assert not np.allclose(plain.U, run.U)  # the scaling changes the path


@pytest.mark.parametrize("form", ["gram", "patterns"])
def test_a_preconditioned_solve_is_certified_and_holds_clarabels_optimum(spiral_problem, form):
    pr = spiral_problem
    clarabel = solve_conic(pr, 1e-10)
    result = solve_certified(pr, "BM", BMSettings(tolerance=1e-6, precondition=0.1), form=form)
    b = result.bracket
    assert result.status == "certified" and b.certified_gap <= 1e-6
    assert b.p_lower <= clarabel.p_star * (1 + 1e-12) and clarabel.lower_bound <= b.p_upper * (1 + 1e-12)
