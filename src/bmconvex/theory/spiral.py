"""Thm 3.3 and Thm 3.5 on the spiral: curvature and rank conditions of GD's last iterates of (18).

Thm 3.3: once m >= d_c + d_r (= d + c = 5 per arrangement on the spiral) every local minimum of
(18) is global, and a rank-deficient local minimum is global for any m. Thm 3.5: a stationary
point whose U_j, V_j all have rank min(d, c) is global. GD's last iterate need not be a local
minimum; the smallest eigenvalue of the Hessian of (18) tells: a clearly negative one makes the
point a strict saddle, which the theorems do not cover.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bmconvex.core.curvature import hessian_min_eigenvalue
from bmconvex.mlp.gaps import KEYS
from bmconvex.mlp.problem import GatedReLUProblem
from bmconvex.mlp.spiral import N_CLASSES

SPIRAL_D, SPIRAL_C = 2, N_CLASSES  # points in the plane, three classes: d_c + d_r = 5 (Sec. 4.1)

COLUMNS = KEYS + [
    "P",
    "p_star",
    "p_hat",
    "rel_gap",
    "rel_gap_bound",
    "rank_Z",
    "rank_Z_star",
    "max_rank_Z_star",
    "rank_deficient",
    "full_rank",
    "grad_norm",
    "hessian_min_eig",
    "strict_saddle",
    "final_lr",
]


def bm_hessian_vector(problem: GatedReLUProblem, U: np.ndarray, V: np.ndarray):
    """dU, dV -> the Hessian of (18) at (U, V) applied to (dU, dV), exactly.

    With G_j = grad_{Z_j} F and dG = s M^T M vec(dZ), dZ_j = dU_j V_j^T + U_j dV_j^T:
    H(dU)_j = dG_j V_j + G_j dV_j + beta dU_j and H(dV)_j = dG_j^T U_j + G_j^T dU_j + beta dV_j.
    """
    G = problem.grad_Z(U @ V.transpose(0, 2, 1))
    GT = G.transpose(0, 2, 1)
    sMtM = problem.s * problem.M.T @ problem.M
    P, d, c, beta = problem.P, problem.d, problem.c, problem.beta

    def hvp(dU: np.ndarray, dV: np.ndarray):
        dZ = dU @ V.transpose(0, 2, 1) + U @ dV.transpose(0, 2, 1)
        dG = (sMtM @ dZ.reshape(P * d, c)).reshape(P, d, c)
        return dG @ V + G @ dV + beta * dU, dG.transpose(0, 2, 1) @ U + GT @ dU + beta * dV

    return hvp


def curvature(problem: GatedReLUProblem, U: np.ndarray, V: np.ndarray) -> float:
    """The smallest eigenvalue of the Hessian of (18) at (U, V)."""
    return hessian_min_eigenvalue(bm_hessian_vector(problem, U, V), U, V)


def sweep_table(
    bm_records: list[dict], convex_records: list[dict], curvature_records: list[dict], saddle_rtol: float
) -> pd.DataFrame:
    """One row per spiral run of the m sweep; strict saddle: lambda_min < -saddle_rtol * beta."""
    bm = pd.DataFrame(bm_records).merge(pd.DataFrame(curvature_records), on=KEYS, how="left", validate="one_to_one")
    convex = pd.DataFrame(convex_records)[["n", "beta", "seed", "p_star", "rank_Z_star", "max_rank_Z_star"]]
    table = bm.merge(convex, on=["n", "beta", "seed"], how="left", validate="many_to_one")
    for column, what in (("p_star", "optimum of (5)"), ("hessian_min_eig", "curvature")):
        missing = table[table[column].isna()]
        if len(missing):
            raise ValueError(f"no {what} for the runs:\n{missing[KEYS].to_string(index=False)}")
    table["rel_gap"] = (table["p_hat"] - table["p_star"]) / table["p_star"]
    table["strict_saddle"] = table["hessian_min_eig"] < -saddle_rtol * table["beta"]
    return table[COLUMNS].sort_values(KEYS, ignore_index=True)
