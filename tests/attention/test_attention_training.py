"""The paper's GD on (26): it reaches the closed-form optimum, deterministically, and fails loudly."""

import numpy as np
import pytest
from attention_cases import denoising_problem, sequences_problem, svt_optimum

from bmconvex.attention.certificate import bm_certificate
from bmconvex.attention.convex import solve_convex
from bmconvex.attention.training import init_factors, train_gd
from bmconvex.core.gd import DivergenceError, GDSettings

SETTINGS = GDSettings(epochs=5000, lr=0.2, plateau_threshold=0.0)


def test_gd_reaches_the_svt_optimum_with_enough_heads():
    beta = 0.5
    pr, B, const = denoising_problem(beta)
    _, _, _, p_star = svt_optimum(B, beta, const)  # rank 3
    result = train_gd(pr, *init_factors(pr, 5, 0.1, np.random.default_rng(0)), SETTINGS)
    cert = bm_certificate(pr, result.U, result.V, rank_rtol=1e-4)
    assert cert["p_hat"] == pytest.approx(p_star, rel=1e-10)
    assert cert["rel_gap_bound"] < 1e-8
    assert cert["rank_R"] == 3 and cert["rank_deficient"]  # two of five heads decay to zero
    assert cert["hessian_min_eig"] > -1e-8


def test_too_few_heads_cannot_reach_p_star_and_the_bound_says_so():
    """With m < rank Z* the BM optimum has rank m: the gap is positive and Thm 3.4 bounds it."""
    beta = 0.5
    pr, B, const = denoising_problem(beta)
    _, _, _, p_star = svt_optimum(B, beta, const)
    result = train_gd(pr, *init_factors(pr, 2, 0.1, np.random.default_rng(0)), SETTINGS)
    cert = bm_certificate(pr, result.U, result.V, rank_rtol=1e-4)
    gap = (cert["p_hat"] - p_star) / p_star
    assert 1e-3 < gap <= cert["rel_gap_bound"]
    assert cert["d_hat"] <= p_star


def test_gd_on_sequences_matches_the_solver_past_the_rank_of_z_star():
    _, pr = sequences_problem(beta=0.05)
    p_star = solve_convex(pr, "CLARABEL", 1e-10).p_star
    result = train_gd(
        pr, *init_factors(pr, 6, 0.1, np.random.default_rng(1)), GDSettings(epochs=8000, lr=0.05, plateau_threshold=0.0)
    )
    cert = bm_certificate(pr, result.U, result.V, rank_rtol=1e-4)
    assert cert["p_hat"] == pytest.approx(p_star, rel=1e-8)
    assert cert["d_hat"] <= p_star * (1 + 1e-9)


def test_gd_is_deterministic():
    _, pr = sequences_problem()
    runs = [
        train_gd(pr, *init_factors(pr, 3, 0.1, np.random.default_rng(5)), GDSettings(epochs=300, lr=0.05))
        for _ in range(2)
    ]
    np.testing.assert_array_equal(runs[0].U, runs[1].U)
    np.testing.assert_array_equal(runs[0].objective, runs[1].objective)


def test_divergence_is_raised_with_the_epoch():
    _, pr = sequences_problem()
    with pytest.raises(DivergenceError, match="diverged at epoch"):
        train_gd(pr, *init_factors(pr, 3, 1.0, np.random.default_rng(0)), GDSettings(epochs=2000, lr=50.0))


@pytest.mark.parametrize("lr", [1e150, 1e300])
def test_overflow_in_the_last_step_is_a_divergence(lr):
    """One epoch: the objective before the step is finite, the point after it is not."""
    _, pr = sequences_problem()
    with pytest.raises(DivergenceError, match="diverged in its last step"):
        train_gd(pr, *init_factors(pr, 3, 0.1, np.random.default_rng(0)), GDSettings(epochs=1, lr=lr))


def test_no_heads_is_refused():
    _, pr = sequences_problem()
    with pytest.raises(ValueError, match="m must be >= 1"):
        init_factors(pr, 0, 0.1, np.random.default_rng(0))
