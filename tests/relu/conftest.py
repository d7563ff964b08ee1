"""Fixtures: a small real instance of the ReLU programs (3)/(19) on the spiral (d = 2)."""

import pytest
from relu_cases import relu_problem


@pytest.fixture(scope="session")
def small_relu():
    """n = 30, P-hat = 20, beta = 1e-2, c = 3."""
    return relu_problem(30, 20, 1e-2)
