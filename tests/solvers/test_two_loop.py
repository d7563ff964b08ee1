"""The two-loop L-BFGS (bmconvex.solvers.lbfgs.run_two_loop) against SciPy's L-BFGS-B and closed forms."""

import numpy as np
import pytest
from conftest import assert_certified_holding

from bmconvex.solvers.bm_certified import BMSettings
from bmconvex.solvers.certified import solve_certified
from bmconvex.solvers.clarabel_direct import solve as solve_conic
from bmconvex.solvers.lbfgs import METHODS, run_lbfgs
from bmconvex.solvers.two_loop import direction


@pytest.fixture(scope="module")
def quadratic():
    """f(U, V) = 1/2 x^T A x - b^T x over x = (U, V) flattened, A SPD with condition number 1e4."""
    rng = np.random.default_rng(3)
    Q, _ = np.linalg.qr(rng.standard_normal((60, 60)))
    A = (Q * np.logspace(0, 4, 60)) @ Q.T
    b = rng.standard_normal(60)

    def value_grad(U, V):
        x = np.concatenate([U.ravel(), V.ravel()])
        g = A @ x - b
        return 0.5 * x @ A @ x - b @ x, g[:40].reshape(U.shape), g[40:].reshape(V.shape)

    return value_grad, np.linalg.solve(A, b)


def test_the_recursion_is_the_bfgs_inverse_hessian_update():
    """-H g by two loops equals the explicit BFGS inverse update H <- (I - rho s y^T) H (I - rho y s^T) + rho s s^T
    from H_0 = (s^T y / y^T y) I of the newest pair (Nocedal & Wright, Alg. 7.4 and eq. 7.19)."""
    rng = np.random.default_rng(0)
    A = np.diag(np.linspace(1.0, 9.0, 12))
    pairs = [(s, A @ s, 1.0 / (s @ A @ s)) for s in rng.standard_normal((5, 12))]
    s, y, rho = pairs[-1]
    H = (s @ y) / (y @ y) * np.eye(12)
    for s, y, rho in pairs:
        H = (np.eye(12) - rho * np.outer(s, y)) @ H @ (np.eye(12) - rho * np.outer(y, s)) + rho * np.outer(s, s)
    g = rng.standard_normal(12)
    np.testing.assert_allclose(direction(g, pairs), -H @ g, rtol=1e-12)
    np.testing.assert_array_equal(direction(g, []), -g)


@pytest.mark.parametrize("method", METHODS)
def test_both_methods_reach_the_minimiser_of_a_quadratic(quadratic, method):
    """Run until the line search can make no progress (no checkpoint stops it), as in a round of BM_CERTIFIED."""
    value_grad, x_star = quadratic
    stop = lambda U, V, iterations: False  # noqa: E731
    U0, V0 = np.zeros((4, 10)), np.zeros((2, 10))
    run = run_lbfgs(value_grad, U0, V0, 10, 2000, 25, stop, method=method)
    x = np.concatenate([run.U.ravel(), run.V.ravel()])
    assert np.linalg.norm(x - x_star) <= 1e-5 * np.linalg.norm(x_star)  # where f's digits run out (cond 1e4)
    assert not run.stopped_by_checkpoint and run.evaluations <= 1.5 * run.iterations + 20


def test_the_checkpoint_stops_the_two_loop_run_at_its_iteration(quadratic):
    value_grad, _ = quadratic
    calls = []

    def checkpoint(U, V, iterations):
        calls.append(iterations)
        return iterations == 20

    run = run_lbfgs(value_grad, np.ones((4, 10)), np.ones((2, 10)), 10, 2000, 5, checkpoint, method="two-loop")
    assert calls == [5, 10, 15, 20] and run.iterations == 20 and run.stopped_by_checkpoint


def test_a_zero_gradient_start_stops_at_once_as_l_bfgs_b_does():
    """(U, V) = 0 is a stationary point of (18) without data: no step, not stopped by the checkpoint."""
    value_grad = lambda U, V: (float(np.sum(U**2) + np.sum(V**2)), 2 * U, 2 * V)  # noqa: E731
    for method in METHODS:
        run = run_lbfgs(value_grad, np.zeros((3, 2)), np.zeros((1, 2)), 10, 100, 5, lambda *a: True, method=method)
        assert run.iterations == 0 and not run.stopped_by_checkpoint and not run.U.any()


@pytest.mark.parametrize("method", METHODS)
def test_the_pattern_form_certifies_clarabels_optimum_with_either_method(spiral_problem, method):
    pr = spiral_problem
    clarabel = solve_conic(pr, 1e-10)
    result = solve_certified(pr, "BM", BMSettings(tolerance=1e-6, lbfgs=method), form="patterns")
    assert_certified_holding(result, clarabel)


def test_an_unknown_method_is_named_before_any_work():
    with pytest.raises(ValueError, match="BMSettings.lbfgs: 'newton' is none of L-BFGS-B, two-loop"):
        BMSettings(lbfgs="newton")
