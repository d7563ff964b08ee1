"""The synthetic sequences of the self-attention experiment: shapes, the teacher, determinism."""

import numpy as np
import pytest

from bmconvex.attention.data import linear_attention, make_sequences


def test_noiseless_targets_are_the_teachers_heads():
    data = make_sequences(7, 5, 3, 2, teacher_heads=2, noise=0.0, seed=0)
    assert data.X.shape == (7, 5, 3) and data.Y.shape == (7, 5, 2)
    assert data.U_teacher.shape == (2, 3, 3) and data.V_teacher.shape == (2, 3, 2)
    i = 4
    G = data.X[i].T @ data.X[i]
    by_hand = sum(data.X[i] @ data.U_teacher[j] @ G @ data.V_teacher[j] for j in range(2))
    np.testing.assert_allclose(data.Y[i], by_hand, rtol=1e-13)
    np.testing.assert_allclose(linear_attention(data.X, data.U_teacher, data.V_teacher), data.Y, rtol=1e-13)


def test_same_seed_same_sequences():
    a, b = (make_sequences(4, 3, 2, 3, 1, 0.1, seed=9) for _ in range(2))
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.Y, b.Y)
    assert not np.array_equal(a.Y, make_sequences(4, 3, 2, 3, 1, 0.1, seed=10).Y)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"n": 0}, "n must be"), ({"teacher_heads": -1}, "teacher_heads"), ({"noise": float("nan")}, "noise")],
)
def test_bad_sizes_are_named(kwargs, message):
    args = {"n": 4, "s": 3, "d": 2, "c": 3, "teacher_heads": 1, "noise": 0.1, "seed": 0, **kwargs}
    with pytest.raises(ValueError, match=message):
        make_sequences(**args)
