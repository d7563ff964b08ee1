"""The BM factorisation (18): gradients, stationary points and the GD trainer."""

import numpy as np
import pytest
from conftest import svt

from bmconvex.core.gd import GDSettings, ReduceLROnPlateau
from bmconvex.core.pattern_fit import init_factors
from bmconvex.mlp.certificate import bm_certificate
from bmconvex.mlp.problem import factor_product
from bmconvex.mlp.training import train_gd


def test_gradients_match_finite_differences(spiral_problem):
    pr = spiral_problem
    rng = np.random.default_rng(1)
    U, V = init_factors(pr.P, pr.d, pr.c, 3, 0.5, rng)
    grad_U, grad_V = pr.bm_gradients(U, V)
    h = 1e-6
    for W, grad, which in ((U, grad_U, 0), (V, grad_V, 1)):
        for idx in [tuple(rng.integers(s) for s in W.shape) for _ in range(10)]:
            plus, minus = W.copy(), W.copy()
            plus[idx] += h
            minus[idx] -= h
            args_p = (plus, V) if which == 0 else (U, plus)
            args_m = (minus, V) if which == 0 else (U, minus)
            fd = (pr.bm_objective(*args_p) - pr.bm_objective(*args_m)) / (2 * h)
            assert fd == pytest.approx(grad[idx], rel=1e-5, abs=1e-8)


def test_balanced_factorisation_of_the_optimum_is_stationary(denoising_problem):
    """Thm 2.1: U = L S^1/2, V = R S^1/2 of Z* = SVT(Y) is stationary; p_hat = BM objective (eq. 57)."""
    pr = denoising_problem
    L, s, Rt = np.linalg.svd(svt(pr.Y, pr.beta), full_matrices=False)
    r = int(np.sum(s > 1e-12))  # rank-deficient: m = r < min(n, c) factors
    U, V = (L[:, :r] * np.sqrt(s[:r]))[None], (Rt[:r].T * np.sqrt(s[:r]))[None]
    grad_U, grad_V = pr.bm_gradients(U, V)
    assert max(np.abs(grad_U).max(), np.abs(grad_V).max()) < 1e-12
    cert = bm_certificate(pr, U, V)
    assert cert["p_hat"] == pytest.approx(cert["bm_objective"], rel=1e-12)
    assert cert["rel_gap_bound"] == pytest.approx(0.0, abs=1e-12)  # ||Y - Z*||_2 = beta exactly
    assert cert["certified_gap"] == pytest.approx(0.0, abs=1e-12)


def test_gd_reaches_a_near_stationary_point_where_the_identities_hold(spiral_problem):
    """After GD, p_hat ~ BM objective (eq. 57) and the certified gap ~ the Thm 3.4 bound."""
    pr = spiral_problem
    U, V = init_factors(pr.P, pr.d, pr.c, 2, 0.1, np.random.default_rng(0))
    result = train_gd(pr, U, V, GDSettings(epochs=20000, plateau_threshold=0.0))
    assert np.all(np.diff(result.objective[-1000:]) <= 1e-15)
    cert = bm_certificate(pr, result.U, result.V)
    assert cert["grad_norm"] < 1e-5
    assert cert["p_hat"] == pytest.approx(cert["bm_objective"], rel=1e-6)
    assert cert["certified_gap"] == pytest.approx(cert["rel_gap_bound"], abs=1e-5)


def test_gd_is_deterministic(spiral_problem):
    pr = spiral_problem
    runs = [
        train_gd(pr, *init_factors(pr.P, pr.d, pr.c, 2, 0.1, np.random.default_rng(5)), GDSettings(epochs=300))
        for _ in range(2)
    ]
    np.testing.assert_array_equal(runs[0].U, runs[1].U)
    np.testing.assert_array_equal(runs[0].objective, runs[1].objective)


def test_factor_product_shapes(spiral_problem):
    pr = spiral_problem
    U, V = init_factors(pr.P, pr.d, pr.c, 4, 1.0, np.random.default_rng(0))
    assert factor_product(U, V).shape == (pr.P, pr.d, pr.c)


def test_plateau_rule_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    losses = np.concatenate([np.linspace(1, 0.5, 30), 0.5 + 1e-6 * rng.standard_normal(200), np.linspace(0.5, 0.1, 30)])
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=1.0)
    ref = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.9, patience=10, threshold=1e-4)
    ours = ReduceLROnPlateau(1.0, 0.9, 10, 1e-4)
    for loss in losses:
        ref.step(float(loss))
        assert ours.step(float(loss)) == pytest.approx(opt.param_groups[0]["lr"], rel=1e-15)
    assert ours.lr < 0.5
