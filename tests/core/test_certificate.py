"""The shared certificate of Thm 3.4: one implementation for NumPy and torch stacks."""

import numpy as np
import pytest
import torch

from bmconvex.core.certificate import lower_bound, max_spectral_norm, relative_gap, thm34_epsilon


def test_numpy_and_torch_give_the_same_epsilon():
    G = np.random.default_rng(0).standard_normal((7, 5, 3))
    eps_np = thm34_epsilon(G, 0.5)
    eps_torch = thm34_epsilon(torch.from_numpy(G), 0.5)
    assert eps_np > 0
    assert eps_torch == pytest.approx(eps_np, rel=1e-6)  # torch evaluates in float32


def test_epsilon_is_the_largest_spectral_norm_over_beta_minus_one():
    """A diagonal stack has its spectral norms on the diagonal: eps = (max / beta - 1)_+."""
    G = np.zeros((3, 2, 2))
    G[0] = np.diag([0.2, 0.1])
    G[1] = np.diag([0.05, 0.6])
    assert max_spectral_norm(G) == pytest.approx(0.6)
    assert thm34_epsilon(G, 0.3) == pytest.approx(1.0)
    assert thm34_epsilon(G, 0.6) == 0.0
    assert thm34_epsilon(G, 2.0) == 0.0


def test_lower_bound_at_a_stationary_point_is_p_hat_over_one_plus_eps():
    """eq. (57): at a stationary point -<G, Z> = beta R(Z), so d_hat = p_hat / (1 + eps)."""
    F, beta_R, eps = 0.7, 0.3, 0.25
    assert lower_bound(F, -beta_R, eps) == pytest.approx((F + beta_R) / (1 + eps))


def test_relative_gap_is_absent_without_a_positive_lower_bound():
    assert relative_gap(2.0, 1.0) == 1.0
    assert relative_gap(1.0, 0.0) is None  # no certificate: null in a record, never inf
