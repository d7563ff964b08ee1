"""What a point of the ReLU program (19) certifies about p* of (3): Thm 3.4 with the cone-constrained PCA.

eps = (max_j sigma_j(G_j) / beta - 1)_+ (the ReLU form of (20)) with the exact sigma_j of
:mod:`bmconvex.relu.sigma`, and d_hat = (F - <G, Z>) / (1 + eps) <= p* at any Z (eqs. 60-64 with the
dual of the quasi-nuclear norm (4)), by the shared arithmetic of :mod:`bmconvex.core.certificate`.
"""

from __future__ import annotations

import numpy as np

from bmconvex.core.certificate import lower_bound, relative_gap
from bmconvex.core.finite import NonFiniteError
from bmconvex.relu.problem import ReLUProblem
from bmconvex.relu.sigma import sigma_wedges


def relu_epsilon(problem: ReLUProblem, G: np.ndarray) -> float:
    """eps = (max_j sigma_j(G_j) / beta - 1)_+, the Thm 3.4 bound for (3)."""
    if not np.isfinite(G).all():
        raise NonFiniteError("the gradient G = grad F is not finite: the point diverged and certifies nothing")
    sigma, _ = sigma_wedges(problem.wedges, G)
    return max(0.0, float(sigma.max()) / problem.beta - 1.0)


def kkt_residual(problem: ReLUProblem, U: np.ndarray, V: np.ndarray, G: np.ndarray) -> float:
    """||U - Pi_C(U - grad_U)||_F and ||grad_V||_F combined: zero exactly at KKT points of (19)."""
    grad_U = G @ V + problem.beta * U
    grad_V = G.transpose(0, 2, 1) @ U + problem.beta * V
    step = U - problem.wedges.project(U - grad_U)
    return float(np.sqrt(np.sum(step**2) + np.sum(grad_V**2)))


def bm_certificate(problem: ReLUProblem, U: np.ndarray, V: np.ndarray) -> dict[str, float]:
    """What a feasible point (U, V) of (19) certifies about (3).

    p_hat = F + beta sum_jk ||u_jk|| ||v_jk|| >= the objective of (3) at Z_j = U_j V_j^T >= p*; it
    equals the objective of (19) at balanced points (every stationary point).
    """
    if not problem.wedges.contains(U, tol=1e-9).all():
        raise ValueError("U is not in the cones C_j: (19) is infeasible there and p_hat bounds nothing")
    Z = U @ V.transpose(0, 2, 1)
    Y_hat = problem.predict(Z)
    G = problem.grad_Z(Y_hat)
    eps = relu_epsilon(problem, G)
    p_hat = problem.factored_objective(U, V)
    d_hat = lower_bound(problem.F(Y_hat), float(np.sum(G * Z)), eps)
    return {
        "p_hat": p_hat,
        "bm_objective": problem.bm_objective(U, V),
        "rel_gap_bound": eps,
        "d_hat": d_hat,
        "certified_gap": relative_gap(p_hat, d_hat),
        "kkt_residual": kkt_residual(problem, U, V, G),
    }
