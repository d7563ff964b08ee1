"""Small real instances of the ReLU programs (3)/(19) on the spiral (d = 2), for tests/relu."""

import numpy as np

from bmconvex.mlp.arrangements import sample_arrangement
from bmconvex.mlp.spiral import make_spiral
from bmconvex.relu.problem import ReLUProblem


def relu_problem(n: int, P_hat: int, beta: float, seed: int = 0, binary: bool = False) -> ReLUProblem:
    """The spiral with n points and P-hat sampled gates; binary: one output, arm 0 against the rest (c = 1)."""
    data = make_spiral(n, noise=0.2, seed=0)
    arrangement = sample_arrangement(data.X, P_hat, np.random.default_rng(seed))
    Y = data.Y[:, :1] if binary else data.Y
    return ReLUProblem(data.X, Y, arrangement.D, arrangement.H, beta)
