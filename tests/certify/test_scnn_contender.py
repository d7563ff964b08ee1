"""scnn (pyscnn, optional) against program (5): one objective at the same points, its answers in BM's bracket."""

import numpy as np
import pytest

from bmconvex.certify import scnn_contender as sc
from bmconvex.solvers.bm_certified import BMSettings
from bmconvex.solvers.certified import solve_certified
from bmconvex.solvers.gram import ResidualOperator

pytest.importorskip("scnn", reason="pyscnn is optional: pip install --no-deps -r envs/scnn.txt")


@pytest.fixture(scope="module")
def spiral():
    return sc.binary_spiral(60, 1e-2)


def test_objectives_agree_at_the_same_points(spiral):
    """(5) at c = 1 and scnn's squared loss + NeuronGL1 (lam = beta) are one function: equal at random Z."""
    program, H = spiral
    exact = ResidualOperator(program.X, program.Y, program.D, program.s)
    for seed in range(3):
        Z = np.random.default_rng(seed).standard_normal((program.D.shape[0], 2, 1))
        ours = exact.state(Z)[0] + program.beta * float(np.linalg.norm(Z, axis=(1, 2)).sum())
        assert sc.scnn_objective(program, H, Z) == pytest.approx(ours, rel=1e-12)


def test_scnn_answers_lie_in_bm_certified_bracket(spiral):
    """Weak duality across solvers: every scnn answer's objective is >= BM's certified lower bound, and
    R-FISTA / ECOS stopped at a certified 1e-6 are within 1e-6 of BM's p_upper; the default stop is not."""
    program, H = spiral
    bm = solve_certified(program, "BM", BMSettings(tolerance=1e-9)).bracket
    assert bm.certified_gap <= 1e-9
    rfista = sc.solve_rfista(program, H, target=1e-6, max_seconds=15)
    ecos = sc.solve_cvxpy(program, H)
    default = sc.solve_rfista(program, H, own_rule=True)
    assert rfista["stop"] == "certified" and rfista["iteration"] % 25 == 0
    for answer in (rfista, ecos, default):
        b = answer["bracket"]
        assert bm.p_lower <= b.p_upper * (1 + 1e-12) and b.p_lower <= bm.p_upper * (1 + 1e-12)
    for answer in (rfista, ecos):
        assert answer["bracket"].p_upper <= bm.p_upper * (1 + 1e-6)
    assert default["stop"] == "own rule" and default["bracket"].certified_gap > 1e-3  # 9.0e-3 measured


def test_hooked_rfista_is_scnn_optimize_model(spiral):
    """The hook only observes: with scnn's own stopping rule the answer is optimize_model's, bit for bit."""
    from scnn.metrics import Metrics
    from scnn.optimize import optimize_model
    from scnn.solvers import RFISTA

    program, H = spiral
    model, regularizer, inner, _, _ = sc.internal_model(program, H)
    fitted, _ = optimize_model(
        model, RFISTA(model), Metrics(), program.X, program.Y, regularizer=regularizer,
        return_convex=True, unitize_data=False, dtype="float64",
    )  # fmt: skip
    public = np.asarray(fitted.parameters[0])[0, sc.pattern_order(program, inner.D)][:, :, None]
    np.testing.assert_array_equal(sc.solve_rfista(program, H, own_rule=True)["Z"], public)


def test_pattern_sets_must_match(spiral):
    program, _ = spiral
    with pytest.raises(ValueError, match="not the project's"):
        sc.pattern_order(program, np.asarray(program.D[1:]).T)
    with pytest.raises(ValueError, match="c = 1"):
        sc.check_binary(sc.Program(program.X, np.hstack([program.Y, program.Y]), program.D, 0.1, program.s))
