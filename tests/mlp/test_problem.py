"""GatedReLUProblem forms M = [D_1 X, ..., D_P X] only where it is used (issue 20, item 7b)."""

import tracemalloc

import numpy as np

from bmconvex import solvers
from bmconvex.mlp.problem import GatedReLUProblem


def test_building_a_fashion_mnist_sized_problem_allocates_no_M():
    """n = 12 000, d = 784, P = 100: M would take 7.5 GB; building the problem allocates under 1 MB."""
    n, d, P, c = 12_000, 784, 100, 10
    rng = np.random.default_rng(0)
    X, Y, D = np.ones((n, d)), np.zeros((n, c)), rng.random((P, n)) < 0.5
    tracemalloc.start()
    try:
        problem = GatedReLUProblem(X, Y, D, beta=0.1)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert n * P * d * 8 > 7e9  # what the eager M took
    assert peak < 2**20
    assert "M" not in vars(problem)


def test_M_is_formed_on_first_use_and_equals_the_stacked_blocks(spiral_problem):
    pr = GatedReLUProblem(spiral_problem.X, spiral_problem.Y, spiral_problem.D, spiral_problem.beta)
    assert "M" not in vars(pr)
    Z = np.random.default_rng(1).standard_normal((pr.P, pr.d, pr.c))
    Y_hat = pr.predict(Z)  # the first use forms M, once
    assert vars(pr)["M"] is pr.M
    for j in range(pr.P):
        np.testing.assert_array_equal(pr.M[:, j * pr.d : (j + 1) * pr.d], pr.D[j][:, None] * pr.X)
    np.testing.assert_allclose(Y_hat, sum(pr.D[j][:, None] * pr.X @ Z[j] for j in range(pr.P)), rtol=1e-12)


def test_the_certified_solvers_never_form_M(spiral_problem):
    pr = GatedReLUProblem(spiral_problem.X, spiral_problem.Y, spiral_problem.D, spiral_problem.beta)
    solution = solvers.solve(pr, "BM_CERTIFIED", 1e-6)
    assert solution.certified_gap <= 1e-6
    assert "M" not in vars(pr)
