"""What a point of the BM factorisation (26) certifies about program (104) (Thm 3.4, Cor. 3.10).

The regulariser of (104) is one nuclear norm, so the dual norm in eq. (20) is the spectral norm
and eps = (||grad_Z F||_2 / beta - 1)_+ (a stack of one matrix for the shared Thm 3.4 code).
Besides the bound this module measures the ranks the theorems speak of: R-hat = [U; V] of (27)
(rank-deficient when rank R-hat < m: Cor. 3.10 / Lemma A.7), U and V (full rank in the sense of
(21) when rank U = rank V = min(d^2, dc): Thm 3.5), Z = U V^T, and the smallest eigenvalue of the
BM objective's Hessian: a clearly negative one shows that a stationary point is a saddle, not the
local minimum Thm 3.3 and Cor. 3.10 speak of.
"""

from __future__ import annotations

import numpy as np

from bmconvex.attention.problem import AttentionProblem
from bmconvex.core.certificate import lower_bound as thm34_lower_bound
from bmconvex.core.certificate import relative_gap, thm34_epsilon
from bmconvex.core.curvature import hessian_min_eigenvalue as min_eigenvalue
from bmconvex.core.ranks import RANK_RTOL, rank_conditions, stack_ranks


def numerical_rank(A: np.ndarray, rtol: float) -> int:
    """The number of singular values of A above rtol times the largest one (0 for A = 0)."""
    return int(stack_ranks(A[None], rtol)[0])


def epsilon(problem: AttentionProblem, G: np.ndarray) -> float:
    """Thm 3.4's eps = (||G||_2 / beta - 1)_+ for G = grad_Z F, eq. (20)."""
    return thm34_epsilon(G[None], problem.beta)


def lower_bound(problem: AttentionProblem, Z: np.ndarray) -> float:
    """d_hat = (F(A(Z)) - <G, Z>) / (1 + eps) <= p*, valid at any Z (App. A.7, eqs. 60-64)."""
    G = problem.grad_Z(Z)
    return thm34_lower_bound(problem.F(problem.predict(Z)), float(np.vdot(G, Z)), epsilon(problem, G))


def fenchel_lower_bound(problem: AttentionProblem, Z: np.ndarray) -> float:
    """Best dual value of (104) along L = -t grad F(A(Z)): a certified lower bound on p*.

    The dual of (104) is max_L <L, Y> - ||L||_F^2 / (2 s) s.t. ||A^*(L)||_2 <= beta; along
    L = -t g the value is a concave quadratic in t, maximised in closed form over the feasible
    t in [0, beta / ||A^*(g)||_2]. At the optimum of (104) t = 1 is feasible and the bound is p*.
    """
    g = problem.grad_F(problem.predict(Z))
    gg = float(np.vdot(g, g))
    if gg == 0.0:
        return 0.0
    gY = float(np.vdot(g, problem.Y))
    t_max = problem.beta / float(np.linalg.norm(problem.adjoint(g), 2))
    t = min(max(-problem.s * gY / gg, 0.0), t_max)
    return -t * gY - t * t * gg / (2.0 * problem.s)


def hessian_min_eigenvalue(problem: AttentionProblem, U: np.ndarray, V: np.ndarray) -> float:
    """The smallest eigenvalue of the BM objective's Hessian at (U, V), from exact products."""
    return min_eigenvalue(lambda dU, dV: problem.bm_hessian_vector(U, V, dU, dV), U, V)


def bm_certificate(problem: AttentionProblem, U: np.ndarray, V: np.ndarray, rank_rtol: float = RANK_RTOL) -> dict:
    """Thm 3.4's bound, d_hat <= p*, and the ranks of Thm 3.3/3.5 and Cor. 3.10 at a BM point.

    p_hat is the objective of (104) at Z = U V^T; grad_norm is the Frobenius norm of the BM
    gradient; ranks count singular values above ``rank_rtol`` times the largest.
    """
    Z = U @ V.T
    G = problem.grad_Z(Z)
    p_hat = problem.convex_objective(Z)
    d_hat = lower_bound(problem, Z)
    grad_U, grad_V = problem.bm_gradients(U, V)
    ranks = rank_conditions(U[None], V[None], rank_rtol)
    return {
        "p_hat": p_hat,
        "bm_objective": problem.bm_objective(U, V),
        "rel_gap_bound": epsilon(problem, G),
        "d_hat": d_hat,
        "certified_gap": relative_gap(p_hat, d_hat),
        "grad_norm": float(np.sqrt(np.sum(grad_U**2) + np.sum(grad_V**2))),
        "hessian_min_eig": hessian_min_eigenvalue(problem, U, V),
        "rank_rtol": rank_rtol,
        "rank_U": ranks["ranks_U"][0],
        "rank_V": ranks["ranks_V"][0],
        "rank_Z": ranks["rank_Z"],
        "rank_R": ranks["ranks_R"][0],
        "rank_deficient": ranks["rank_deficient"],
        "full_rank": ranks["full_rank"],
    }
