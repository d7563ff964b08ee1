"""Shared fixtures: small real problems of the paper's programs (5) and (18)."""

import numpy as np
import pytest
import yaml
from workflow_helpers import ROOT

from bmconvex.mlp.arrangements import sample_arrangement
from bmconvex.mlp.problem import GatedReLUProblem
from bmconvex.mlp.spiral import make_spiral


def pytest_collection_modifyitems(items):
    """The slowest module first (a real SLURM cluster, mostly waiting on it): under `make test`'s two
    workers (pytest-xdist, a file at a time) it then runs beside the rest instead of after it."""
    items.sort(key=lambda item: "test_slurm.py" not in item.nodeid)


@pytest.fixture(scope="session")
def spiral_problem():
    """A small spiral instance of (5)/(18): n = 30, P-hat = 20 gates, beta = 1e-2."""
    data = make_spiral(30, noise=0.2, seed=0)
    arrangement = sample_arrangement(data.X, 20, np.random.default_rng(0))
    return GatedReLUProblem(data.X, data.Y, arrangement.D, beta=1e-2)


def svt(Y: np.ndarray, beta: float) -> np.ndarray:
    """Singular-value soft-thresholding: the minimiser of 1/2 ||Z - Y||_F^2 + beta ||Z||_* (eq. 13)."""
    L, s, Rt = np.linalg.svd(Y, full_matrices=False)
    return (L * np.maximum(s - beta, 0.0)) @ Rt


@pytest.fixture(scope="session")
def denoising_problem():
    """Thm 2.1's setting as an instance of (5): X = I, one arrangement D = I, F = 1/2 ||Z - Y||_F^2."""
    rng = np.random.default_rng(3)
    n, c = 6, 4
    Y = rng.standard_normal((n, c))
    return GatedReLUProblem(np.eye(n), Y, np.ones((1, n), dtype=bool), beta=1.0, loss_scaling="sum")


@pytest.fixture
def config():
    """The default config.yaml as a dict, fresh for each test (tests edit it)."""
    return yaml.safe_load((ROOT / "config.yaml").read_text())


def assert_certified_holding(result, clarabel, tolerance: float = 1e-6) -> None:
    """A certified BM answer whose bracket holds Clarabel's p*, and Clarabel's bound below its p_upper."""
    b = result.bracket
    assert result.status == "certified" and b.certified_gap <= tolerance
    assert b.p_lower <= clarabel.p_star * (1 + 1e-12) and clarabel.lower_bound <= b.p_upper * (1 + 1e-12)
