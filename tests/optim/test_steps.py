"""Each optimizer on a case with a known answer, and the pieces of a PrecGD step.

The convex closed form (13): with X = I, one arrangement D = I and F = 1/2 ||Z - Y||_F^2, the
optimum of (5) is singular-value soft-thresholding Z* = SVT(Y, beta) (tests/conftest.py::svt), and
with m >= rank Z* the BM factorisation (18) reaches it.
"""

import numpy as np
import pytest
from conftest import svt

from bmconvex.core.gd import GDSettings
from bmconvex.core.pattern_fit import ClosedFormFit
from bmconvex.mlp.problem import GatedReLUProblem, factor_product
from bmconvex.optim import OPTIMIZERS
from bmconvex.optim.blocks import preconditioner
from bmconvex.optim.methods import LBFGS, HeavyBall, PrecGD
from bmconvex.optim.norms import max_spectral_norm, nuclear_norm_sum
from bmconvex.optim.spiral import certifier
from bmconvex.optim.trace import Trace

# Steps of 0.5: at 1.0 heavy ball with reset ends in a period-two orbit on this problem (GD at the
# edge of its stability), off the optimum.
SETTINGS = {
    "paper_gd": GDSettings(lr=0.5),
    "gd": GDSettings(lr=0.5, plateau_factor=1.0),
    "heavy_ball": HeavyBall(lr=0.5),
    "precgd": PrecGD(refresh=1),
    "lbfgs": LBFGS(),
}


@pytest.fixture(scope="module")
def denoising():
    """(13) with singular values of Y near 1 (so that lr 1.0 is stable) and beta = 0.05: rank Z* = 4."""
    Y = 0.15 * np.random.default_rng(3).standard_normal((6, 4))
    problem = GatedReLUProblem(np.eye(6), Y, np.ones((1, 6), dtype=bool), beta=0.05, loss_scaling="sum")
    Z_star = svt(Y, problem.beta)
    return problem, Z_star, problem.convex_objective(Z_star[None])


@pytest.mark.parametrize("name", list(SETTINGS))
def test_each_optimizer_reaches_the_closed_form(denoising, name):
    problem, Z_star, p_star = denoising
    rng = np.random.default_rng(0)
    U, V = 0.1 * rng.standard_normal((1, 6, 4)), 0.1 * rng.standard_normal((1, 4, 4))
    trace = Trace(certifier(problem), p_star, (1e-3, 1e-6, 1e-8), 10)
    result = OPTIMIZERS[name](problem, U, V, ClosedFormFit, SETTINGS[name], 3000, trace)
    assert np.linalg.matrix_rank(Z_star) == 4
    Z = factor_product(result.U, result.V)[0]
    assert np.abs(Z - Z_star).max() < 1e-5
    p_hat = problem.convex_objective(Z[None])
    assert abs(p_hat - p_star) / p_star < 1e-8
    record = trace.record()
    assert 0 < record["evals_gap_0.001"] <= record["evals_gap_1e-08"] <= result.evaluations
    assert record["evals_certified_1e-06"] is not None and record["best_lower_bound"] <= p_star * (1 + 1e-12)


def test_heavy_ball_first_step_is_a_gradient_step(denoising):
    """From zero momentum the first step is theta - lr grad (18), grad = (G V + beta U, G^T U + beta V)."""
    problem, _, _ = denoising
    rng = np.random.default_rng(1)
    U, V = 0.1 * rng.standard_normal((1, 6, 2)), 0.1 * rng.standard_normal((1, 4, 2))
    gU, gV = problem.bm_gradients(U, V)
    trace = Trace(certifier(problem), 1.0, (1e-3,), 10)
    result = OPTIMIZERS["heavy_ball"](problem, U, V, ClosedFormFit, HeavyBall(lr=0.3), 1, trace)
    np.testing.assert_allclose(result.U, U - 0.3 * gU, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(result.V, V - 0.3 * gV, rtol=1e-13, atol=1e-15)


def test_precgd_first_step_scales_each_block(spiral_problem):
    """One PrecGD step against a loop over blocks with NumPy's solve: eta = sqrt(f - 0) + beta."""
    pr = spiral_problem
    rng = np.random.default_rng(2)
    U, V = 0.3 * rng.standard_normal((pr.P, pr.d, 3)), 0.3 * rng.standard_normal((pr.P, pr.c, 3))
    gU, gV = pr.bm_gradients(U, V)
    eta = np.sqrt(pr.bm_objective(U, V)) + pr.beta
    trace = Trace(lambda U_, V_: (1.0, -1.0), 1.0, (1e-3,), 10)  # no lower bound: l stays 0
    result = OPTIMIZERS["precgd"](pr, U, V, ClosedFormFit, PrecGD(lr=0.5), 1, trace)
    for j in range(pr.P):
        dU = np.linalg.solve(V[j].T @ V[j] + eta * np.eye(3), gU[j].T).T
        dV = np.linalg.solve(U[j].T @ U[j] + eta * np.eye(3), gV[j].T).T
        np.testing.assert_allclose(result.U[j], U[j] - 0.5 * dU, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(result.V[j], V[j] - 0.5 * dV, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize(("a", "m"), [(3, 1), (3, 2), (3, 3), (5, 4), (1, 3), (2, 5), (3, 5), (4, 6)])
def test_block_inverses(a, m):
    """(W_j^T W_j + eta I)^{-1} for W (P, a, m): the m x m closed forms (m = 1, 2, 3) and batched
    inversion (m = 4) when a >= m, Woodbury's identity with the a x a ones when a < m; a zero block gives I / eta."""
    W = np.random.default_rng(10 * a + m).standard_normal((7, a, m))
    W[0] = 0.0
    A = np.einsum("pai,paj->pij", W, W) + 0.1 * np.eye(m)
    inverse = preconditioner(W, 0.1)
    np.testing.assert_allclose(inverse @ A, np.broadcast_to(np.eye(m), A.shape), atol=1e-12)
    np.testing.assert_allclose(inverse[0], 10.0 * np.eye(m), rtol=1e-15)


@pytest.mark.parametrize("shape", [(9, 2, 3), (9, 3, 2), (9, 2, 2), (9, 3, 4)])
def test_norms_without_svd(shape):
    rng = np.random.default_rng(4)
    Z = rng.standard_normal(shape)
    s = np.linalg.svd(Z, compute_uv=False)
    assert nuclear_norm_sum(Z) == pytest.approx(s.sum(), rel=1e-13)
    assert max_spectral_norm(Z) == pytest.approx(s[:, 0].max(), rel=1e-13)
    rank_one = rng.standard_normal((9, 2, 1)) @ rng.standard_normal((9, 1, 3))
    assert nuclear_norm_sum(rank_one) == pytest.approx(np.linalg.svd(rank_one, compute_uv=False).sum(), rel=1e-14)


def test_a_blow_up_restarts_with_a_smaller_step(spiral_problem):
    """A step far past stability blows up; the certificate that meets the non-finite iterate first
    restarts the run (as the objective check does), with half the step each time, from the same init."""
    from bmconvex.core.gd import Divergence
    from bmconvex.optim.spiral import run_optimizer

    pr = spiral_problem
    record = run_optimizer(pr, "heavy_ball", HeavyBall(lr=64.0), 2, 0, 0.1, Divergence(9, 0.5), 1.0, 300, 1, (1e-3,))
    assert record["restarts"] >= 1 and record["lr0"] == 64.0 * 0.5 ** record["restarts"]
    assert np.isfinite(record["p_hat"]) and record["evaluations"] == 300
