"""Numerical ranks of stacked BM factors and the rank conditions of Thm 3.3 / Thm 3.5."""

import numpy as np

from bmconvex.core.ranks import rank_conditions, stack_ranks


def test_ranks_are_relative_to_the_largest_singular_value_of_the_whole_stack():
    A = np.stack([np.diag([3.0, 1e-3]), np.diag([1e-6, 1e-7]), np.zeros((2, 2))])
    np.testing.assert_array_equal(stack_ranks(A, 1e-4), [2, 0, 0])  # the shrunk pattern counts as zero
    np.testing.assert_array_equal(stack_ranks(A, 1e-8), [2, 2, 0])
    np.testing.assert_array_equal(stack_ranks(np.zeros((2, 3, 2)), 1e-4), [0, 0])


def test_rank_conditions_of_a_two_pattern_stack():
    """Pattern 0: rank 2 in R^{2x3} factors with m = 3 columns; pattern 1: all zero."""
    rng = np.random.default_rng(0)
    U = np.zeros((2, 2, 3))
    V = np.zeros((2, 3, 3))
    U[0, :, :2], V[0, :, :2] = rng.standard_normal((2, 2)), rng.standard_normal((3, 2))
    found = rank_conditions(U, V, 1e-6)
    assert found["ranks_R"] == [2, 0] and found["rank_deficient"]  # rank R_j < m = 3 everywhere
    assert found["ranks_U"] == [2, 0] and not found["full_rank"]  # pattern 1 is not of rank min(2, 3)
    assert found["rank_Z"] == 2
    U[1], V[1] = U[0], V[0]
    assert rank_conditions(U, V, 1e-6)["full_rank"]


def test_full_column_rank_is_not_deficient():
    rng = np.random.default_rng(1)
    found = rank_conditions(rng.standard_normal((1, 4, 3)), rng.standard_normal((1, 6, 3)), 1e-8)
    assert found["ranks_R"] == [3] and not found["rank_deficient"]
    assert (found["ranks_U"], found["ranks_V"]) == ([3], [3]) and not found["full_rank"]  # min(4, 6) = 4
