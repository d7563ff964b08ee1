"""Program (3) at d = 2 as an SDP, and (3) at c = 1 as an SOCP (CVXPY + Clarabel).

d = 2: every decomposition Z = sum_k u_k v_k^T with u_k in a wedge C (inward edge normals k_a, k_b)
gives M = sum_k [u_k; v_k][u_k; v_k]^T (scaled to ||u_k|| = ||v_k||) with tr(M) / 2 = sum_k ||u_k|| ||v_k||
and k_a^T A k_b = sum_k (k_a^T u_k)(k_b^T u_k) >= 0, so

    ||Z||_{*,K} >= min tr(M) / 2  s.t.  M = [[A, Z], [Z^T, B]] PSD,  k_a^T A k_b >= 0,

and at d = 2 the two are equal (the cone of u u^T, u in C, is {A PSD : k_a^T A k_b >= 0}: in the
basis of the edge rays a 2 x 2 doubly non-negative matrix is completely positive; two neurons per
pattern suffice). Program (3) is then one SDP with a (2 + c) x (2 + c) block per pattern. Nothing
here relies on that equality: :mod:`bmconvex.relu.optimum` certifies p* from an explicit network and
the dual, and uses the SDP only for directions (Clarabel may stop at ``optimal_inaccurate``).

c = 1, any d: Z_j = v_j - w_j with v_j, w_j in C_j and penalty beta (||v_j|| + ||w_j||)
(Pilanci and Ergen 2020), a cone-constrained group lasso.
"""

from __future__ import annotations

import warnings

import cvxpy as cp
import numpy as np

from bmconvex.relu.problem import ReLUProblem


def solve(objective, constraints, tolerance: float) -> cp.Problem:
    """Minimise with Clarabel at the given gap and feasibility tolerance; a failed solve raises.

    ``optimal_inaccurate`` is returned as such (CVXPY's warning is silenced: the status is recorded).
    """
    program = cp.Problem(cp.Minimize(objective), constraints)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Solution may be inaccurate")
        program.solve(solver=cp.CLARABEL, tol_gap_abs=tolerance, tol_gap_rel=tolerance, tol_feas=tolerance)
    if program.status not in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE):
        raise RuntimeError(f"Clarabel: {program.status}")
    return program


def _wedge_block(k_a: np.ndarray, k_b: np.ndarray, c: int) -> tuple[cp.Variable, list]:
    M = cp.Variable((2 + c, 2 + c), PSD=True)
    return M, [k_a @ M[:2, :2] @ k_b >= 0]


def quasi_nuclear_norm(Z: np.ndarray, k_a: np.ndarray, k_b: np.ndarray, tolerance: float = 1e-9) -> float:
    """||Z||_{*,K} of (4) for a 2 x c matrix Z and a wedge with inward edge normals k_a, k_b (the SDP)."""
    M, constraints = _wedge_block(k_a, k_b, Z.shape[1])
    return float(solve(cp.trace(M) / 2, [*constraints, M[:2, 2:] == Z], tolerance).value)


def sdp(problem: ReLUProblem, tolerance: float) -> tuple[float | None, str, np.ndarray | None]:
    """Program (3) at d = 2: the SDP's value, status and blocks M (P, 2 + c, 2 + c).

    Where Clarabel fails outright, the value and blocks are None and the status says why.
    """
    if problem.d != 2:
        raise ValueError(f"the SDP form of (3) is exact at d = 2 only, got d = {problem.d}")
    blocks, constraints = [], []
    for k_a, k_b in zip(problem.wedges.k_a, problem.wedges.k_b, strict=True):
        M, cons = _wedge_block(k_a, k_b, problem.c)
        blocks.append(M)
        constraints += cons
    Z = cp.vstack([M[:2, 2:] for M in blocks])  # (2 P, c), row-major in (j, d) as problem.M
    fit = 0.5 * problem.s * cp.sum_squares(problem.M @ Z - problem.Y)
    try:
        program = solve(fit + problem.beta / 2 * sum(cp.trace(M) for M in blocks), constraints, tolerance)
    except (cp.error.SolverError, RuntimeError) as err:
        return None, f"failed: {err}", None
    return float(program.value), program.status, np.stack([M.value for M in blocks])


def socp_c1(problem: ReLUProblem, tolerance: float) -> tuple[float, str, np.ndarray, np.ndarray]:
    """Program (3) at c = 1 in any d: the cone-constrained group lasso; its value, status and v, w (P, d)."""
    if problem.c != 1:
        raise ValueError(f"the SOCP form of (3) needs c = 1, got c = {problem.c}")
    v = cp.Variable((problem.P, problem.d))
    w = cp.Variable((problem.P, problem.d))
    constraints = [problem.K[j] @ v[j] >= 0 for j in range(problem.P)]
    constraints += [problem.K[j] @ w[j] >= 0 for j in range(problem.P)]
    Z = cp.reshape(v - w, (problem.P * problem.d, 1), order="C")
    fit = 0.5 * problem.s * cp.sum_squares(problem.M @ Z - problem.Y)
    penalty = cp.sum(cp.norm(v, 2, axis=1)) + cp.sum(cp.norm(w, 2, axis=1))
    program = solve(fit + problem.beta * penalty, constraints, tolerance)
    return float(program.value), program.status, v.value, w.value
