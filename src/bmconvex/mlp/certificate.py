"""What a point of the gated-ReLU programs certifies about p* of program (5).

Thm 3.4's eps and the lower bound d_hat (:mod:`bmconvex.core.certificate`) at Z_hat, with
G_j = grad_{Z_j} F = (D_j X)^T grad F(Y_hat); and the Fenchel dual bound that certifies a convex
solver's answer.
"""

from __future__ import annotations

import numpy as np

from bmconvex.core.certificate import lower_bound, max_spectral_norm, relative_gap, thm34_epsilon
from bmconvex.mlp.problem import GatedReLUProblem, factor_product


def thm34_lower_bound(problem: GatedReLUProblem, Z: np.ndarray, G: np.ndarray | None = None) -> float:
    """d_hat = (F - sum_j <G_j, Z_j>) / (1 + eps) <= p*, valid at any Z (eqs. 60-64).

    ``G`` is grad_Z F at Z when the caller has it already.
    """
    G = problem.grad_Z(Z) if G is None else G
    F = problem.F(problem.predict(Z))
    return lower_bound(F, float(np.sum(G * Z)), thm34_epsilon(G, problem.beta))


def fenchel_lower_bound(problem: GatedReLUProblem, Z: np.ndarray) -> float:
    """Best dual value of (5) along the direction -grad F(Y_hat), a certified lower bound on p*.

    With F(Y_hat) = (s/2) ||Y_hat - Y||_F^2 the dual of (5) is
    max_L <L, Y> - ||L||_F^2 / (2 s)  s.t.  ||(D_j X)^T L||_2 <= beta for all j.
    For L = -t g, g = grad F(Y_hat), the value is a concave quadratic in t, maximised in closed
    form over the feasible t in [0, beta / max_j ||G_j||_2]. At the optimum of (5) t = 1 is
    feasible and the bound equals p*, so it certifies the accuracy of a convex solver.
    """
    g = problem.grad_F(problem.predict(Z))
    gg = float(np.sum(g * g))
    if gg == 0.0:
        return 0.0
    gY = float(np.sum(g * problem.Y))
    t_max = problem.beta / max_spectral_norm(problem.grad_Z(Z))
    t = min(max(-problem.s * gY / gg, 0.0), t_max)
    return -t * gY - t * t * gg / (2.0 * problem.s)


def bm_certificate(problem: GatedReLUProblem, U: np.ndarray, V: np.ndarray) -> dict[str, float]:
    """What a BM point (U, V) of (18) certifies about program (5).

    p_hat is the objective of (5) at Z_j = U_j V_j^T (<= the BM objective, with equality at
    stationary points by eq. 57); rel_gap_bound is Thm 3.4's eps; d_hat <= p* and the certified
    gap hold at any point; grad_norm is the Frobenius norm of the gradient of (18).
    """
    Z = factor_product(U, V)
    G = problem.grad_Z(Z)
    p_hat = problem.convex_objective(Z)
    d_hat = thm34_lower_bound(problem, Z, G)
    grad_U, grad_V = problem.bm_gradients(U, V, G)
    return {
        "p_hat": p_hat,
        "bm_objective": problem.bm_objective(U, V),
        "rel_gap_bound": thm34_epsilon(G, problem.beta),
        "d_hat": d_hat,
        "certified_gap": relative_gap(p_hat, d_hat),
        "grad_norm": float(np.sqrt(np.sum(grad_U**2) + np.sum(grad_V**2))),
    }
