"""Spiral data (Fig. 3) and sampled hyperplane arrangements (Sec. 2.1)."""

import numpy as np
import pytest

from bmconvex.mlp.arrangements import distinct_nonempty, sample_arrangement
from bmconvex.mlp.spiral import make_spiral


def test_spiral_is_class_balanced_and_deterministic():
    data = make_spiral(45, noise=0.2, seed=0)
    assert data.X.shape == (45, 2)
    assert np.bincount(data.y).tolist() == [15, 15, 15]
    np.testing.assert_array_equal(data.Y.sum(axis=1), 1.0)
    np.testing.assert_array_equal(data.X, make_spiral(45, noise=0.2, seed=0).X)
    assert not np.array_equal(data.X, make_spiral(45, noise=0.2, seed=1).X)


def test_three_points_are_distinct_and_off_the_origin():
    """n = 3 must not collapse to X = 0 (then p* = 1/2 trivially)."""
    X = make_spiral(3, noise=0.2, seed=0).X
    assert np.all(np.linalg.norm(X, axis=1) > 0.5)
    assert len(np.unique(X.round(12), axis=0)) == 3


@pytest.mark.parametrize("n", [0, 4, -3])
def test_n_must_be_a_positive_multiple_of_three(n):
    with pytest.raises(ValueError, match="multiple of 3"):
        make_spiral(n, noise=0.2, seed=0)


def test_patterns_are_distinct_non_empty_and_induced_by_their_gates():
    X = make_spiral(45, noise=0.2, seed=0).X
    arrangement = sample_arrangement(X, 100, np.random.default_rng(0))
    D = arrangement.D
    assert D.any(axis=1).all()
    assert len(np.unique(D, axis=0)) == arrangement.P
    np.testing.assert_array_equal(D, (X @ arrangement.H.T >= 0).T)
    # d = 2 and no bias: lines through the origin cut the plane into at most 2n regions.
    assert arrangement.P <= 2 * 45
    assert arrangement.P < arrangement.P_hat


def test_duplicates_keep_first_occurrence_and_empties_are_dropped():
    D = np.array([[1, 0, 1], [0, 0, 0], [1, 0, 1], [0, 1, 0]], dtype=bool)
    assert distinct_nonempty(D).tolist() == [0, 3]
