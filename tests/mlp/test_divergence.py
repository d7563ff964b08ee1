"""A diverged run never becomes a result: GD, the certificate, the solvers and the gap table refuse it."""

import math

import numpy as np
import pandas as pd
import pytest
import torch

from bmconvex.core.certificate import InvariantError, max_spectral_norm
from bmconvex.core.finite import NonFiniteError
from bmconvex.core.gd import Divergence, DivergenceError, GDSettings
from bmconvex.mlp.experiment import run_bm
from bmconvex.mlp.gaps import check_invariants
from bmconvex.mlp.training import train_gd
from bmconvex.solvers import SolverError
from bmconvex.solvers.base import certified_solution


@pytest.mark.parametrize("lr", [1e150, 1e300])
def test_overflow_in_the_last_step_is_a_divergence(spiral_problem, lr):
    """One epoch: the objective before the step is finite, the point after it is not."""
    rng = np.random.default_rng(0)
    U, V = 0.1 * rng.standard_normal((spiral_problem.P, 2, 1)), 0.1 * rng.standard_normal((spiral_problem.P, 3, 1))
    with pytest.raises(DivergenceError, match="diverged in its last step"):
        train_gd(spiral_problem, U, V, GDSettings(epochs=1, lr=lr))


def test_without_restarts_the_run_fails_naming_the_divergence(spiral_problem):
    with pytest.raises(DivergenceError, match=r"last step.*gave up after 0 restart"):
        run_bm(spiral_problem, 1, 0, 0.1, GDSettings(epochs=1, lr=1e150), Divergence(restarts=0, lr_factor=0.5))


def test_a_restart_with_a_smaller_lr_gives_a_finite_record(spiral_problem):
    _, record = run_bm(spiral_problem, 1, 0, 0.1, GDSettings(epochs=5, lr=1e150), Divergence(1, 1e-150))
    assert record["restarts"] == 1 and record["lr0"] == pytest.approx(1.0)
    assert all(math.isfinite(v) for v in record.values() if isinstance(v, float))


@pytest.mark.parametrize("stack", [np.array, torch.tensor])
def test_a_non_finite_gradient_certifies_nothing(stack):
    G = np.ones((2, 3, 2))
    G[1, 0, 0] = np.inf
    with pytest.raises(NonFiniteError, match="not finite"):
        max_spectral_norm(stack(G))


def test_a_solver_answer_without_a_positive_lower_bound_is_refused(denoising_problem):
    """Z_j = Y fits exactly: the Fenchel bound along grad F = 0 is 0, which certifies nothing."""
    Z = denoising_problem.Y.reshape(1, *denoising_problem.Y.shape)
    with pytest.raises(SolverError, match="not positive"):
        certified_solution(denoising_problem, Z, "TEST", 1e-9, 0.0)
    with pytest.raises(SolverError, match="non-finite Z"):
        certified_solution(denoising_problem, np.full_like(Z, np.nan), "TEST", 1e-9, 0.0)


@pytest.mark.parametrize(("column", "value"), [("p_hat", np.inf), ("d_hat", np.nan), ("p_star", np.nan)])
def test_the_invariant_check_counts_a_non_finite_value_as_a_violation(column, value):
    table = pd.DataFrame({"n": [6, 6], "beta": [0.1, 0.1], "m": [1, 2], "seed": [0, 0]})
    table = table.assign(d_hat=[0.9, 0.95], p_star=[1.0, 1.0], p_hat=[1.1, 1.0])
    check_invariants(table, 1e-6)
    table.loc[1, column] = value
    with pytest.raises(InvariantError, match="1 run"):
        check_invariants(table, 1e-6)
