"""float32 evaluations of (18) in the pattern form: the certificate stays float64 (issue 20, item 5)."""

import numpy as np
import pytest

from bmconvex.mlp.arrangements import sample_arrangement
from bmconvex.mlp.problem import GatedReLUProblem
from bmconvex.mlp.spiral import make_spiral
from bmconvex.solvers.bm_certified import BMSettings
from bmconvex.solvers.bracket import certify
from bmconvex.solvers.certified import solve_certified
from bmconvex.solvers.clarabel_direct import solve as solve_conic
from bmconvex.solvers.patterns import PatternOperator


def test_float32_evaluations_are_float32_and_close(spiral_problem):
    pr = spiral_problem
    rng = np.random.default_rng(4)
    U, V = rng.standard_normal((pr.P, pr.d, 2)), rng.standard_normal((pr.P, pr.c, 2))
    exact, fast = (PatternOperator(pr.X, pr.Y, pr.D, pr.s, precision=p) for p in ("float64", "float32"))
    (f64, gU64, _), (f32, gU32, _) = exact.bm_value_grad(U, V, pr.beta), fast.bm_value_grad(U, V, pr.beta)
    assert f32 != f64 and f32 == pytest.approx(f64, rel=1e-6)  # really float32, and close
    np.testing.assert_allclose(gU32, gU64, rtol=1e-4, atol=1e-6)
    assert gU32.dtype == np.float64
    with pytest.raises(ValueError, match="precision must be one of"):
        PatternOperator(pr.X, pr.Y, pr.D, pr.s, precision="float16")


def test_the_bracket_of_float32_iterations_is_the_exact_float64_one():
    """The answer's bracket is recomputed in float64 from the residual, and it holds Clarabel's p*. On
    this case float32 alone stalls (at a gap of 1.4e-2): the solve finishes in float64 and certifies."""
    data = make_spiral(60, noise=0.2, seed=1)
    pr = GatedReLUProblem(data.X, data.Y, sample_arrangement(data.X, 30, np.random.default_rng(1)).D, beta=1e-3)
    clarabel = solve_conic(pr, 1e-10)
    result = solve_certified(pr, "BM", BMSettings(tolerance=1e-6, max_seconds=60), form="patterns", precision="float32")
    b = result.bracket
    exact = certify(PatternOperator(pr.X, pr.Y, pr.D, pr.s), result.Z, pr.beta)[0]
    assert b == exact  # the same float64 numbers, whatever precision the iterations used
    assert b.p_lower <= clarabel.p_star * (1 + 1e-12) and clarabel.lower_bound <= b.p_upper * (1 + 1e-12)
    assert result.status == "certified" and b.certified_gap <= 1e-6
    history = [h["iteration"] for h in result.history]
    assert history == sorted(history) and history[-1] <= result.iterations  # one count over both precisions
    with pytest.raises(ValueError, match="needs the pattern form"):
        solve_certified(pr, "BM", form="gram", precision="float32")
