"""Curvature of the BM factorisation (18): exact Hessian products and the saddles Thm 3.3 excludes."""

import numpy as np
import pytest
from conftest import svt

from bmconvex.core.certificate import thm34_epsilon
from bmconvex.core.pattern_fit import init_factors
from bmconvex.theory.spiral import bm_hessian_vector, curvature, sweep_table


def test_hessian_vector_product_matches_finite_differences_of_gradients(spiral_problem):
    pr = spiral_problem
    rng = np.random.default_rng(0)
    U, V = init_factors(pr.P, pr.d, pr.c, 3, 0.5, rng)
    dU, dV = rng.standard_normal(U.shape), rng.standard_normal(V.shape)
    h = 1e-6
    plus, minus = pr.bm_gradients(U + h * dU, V + h * dV), pr.bm_gradients(U - h * dU, V - h * dV)
    HU, HV = bm_hessian_vector(pr, U, V)(dU, dV)
    np.testing.assert_allclose(HU, (plus[0] - minus[0]) / (2 * h), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(HV, (plus[1] - minus[1]) / (2 * h), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("m", [1, 3])
def test_zero_is_a_strict_saddle_with_curvature_minus_beta_eps(spiral_problem, m):
    """At U = V = 0 the Hessian is blockwise [[beta I, G_j], [G_j^T, beta I]]: lambda_min = -beta eps."""
    pr = spiral_problem
    U, V = np.zeros((pr.P, pr.d, m)), np.zeros((pr.P, pr.c, m))
    eps = thm34_epsilon(pr.grad_Z(np.zeros((pr.P, pr.d, pr.c))), pr.beta)
    assert eps > 0
    assert curvature(pr, U, V) == pytest.approx(-pr.beta * eps, rel=1e-10)


def test_a_rank_deficient_global_minimum_has_no_negative_curvature(denoising_problem):
    """Thm 2.1 / Lemma A.7: the balanced factors of SVT(Y), padded by a zero column, are a global minimum."""
    pr = denoising_problem
    L, s, Rt = np.linalg.svd(svt(pr.Y, pr.beta), full_matrices=False)
    r = int(np.sum(s > 1e-12))
    U = np.concatenate([L[:, :r] * np.sqrt(s[:r]), np.zeros((pr.d, 1))], axis=1)[None]
    V = np.concatenate([Rt[:r].T * np.sqrt(s[:r]), np.zeros((pr.c, 1))], axis=1)[None]
    assert curvature(pr, U, V) > -1e-12


def test_sweep_table_marks_strict_saddles_relative_to_beta():
    bm = [
        {
            "n": 3,
            "beta": 0.1,
            "m": m,
            "seed": 0,
            "P": 2,
            "p_hat": 1.1,
            "rel_gap_bound": 0.2,
            "rank_Z": 1,
            "rank_deficient": True,
            "full_rank": False,
            "grad_norm": 1e-6,
            "final_lr": 1e-7,
        }
        for m in (1, 2)
    ]
    curvature = [{"n": 3, "beta": 0.1, "m": m, "seed": 0, "hessian_min_eig": e} for m, e in ((1, -1e-3), (2, -1e-5))]
    convex = [{"n": 3, "beta": 0.1, "seed": 0, "p_star": 1.0, "rank_Z_star": 2, "max_rank_Z_star": 1}]
    table = sweep_table(bm, convex, curvature, saddle_rtol=1e-3)
    assert table["strict_saddle"].tolist() == [True, False]  # -1e-3 < -1e-4 <= -1e-5
    assert table["rel_gap"].tolist() == pytest.approx([0.1, 0.1])
    with pytest.raises(ValueError, match="no optimum"):
        sweep_table(bm, [{**convex[0], "seed": 1}], curvature, saddle_rtol=1e-3)
    with pytest.raises(ValueError, match="no curvature"):
        sweep_table(bm, convex, curvature[:1], saddle_rtol=1e-3)
