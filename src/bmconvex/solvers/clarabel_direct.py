"""Program (5) handed to Clarabel directly as a conic program, without CVXPY's canonicalisation.

Each nuclear norm is the SDP ||Z_j||_* = min { (tr A + tr B) / 2 : S_j = [[A, Z_j], [Z_j^T, B]] >= 0 },
so with the residual r = M vec(Z) - Y, program (5) reads

    min  (s/2) ||r||^2 + (beta/2) sum_j tr S_j
    s.t. r - M vec(Z(S)) = -Y,   S_j in the PSD cone of order d + c,

over x = (svec S_1, ..., svec S_P, r), Z_j being the off-diagonal block of S_j. Clarabel's
svec stacks the upper triangle column by column with off-diagonal entries scaled by sqrt 2.

At c = 1 the nuclear norm of the d x 1 block Z_j is its 2-norm, so each pattern is a second-order
cone instead: ||Z_j||_2 = min { t_j : (t_j, Z_j) in SOC(d + 1) }, over x = (t_1, Z_1, ..., t_P, Z_P, r)
(d + 1 variables per pattern instead of (d + 1)(d + 2) / 2, and a cheaper cone).
The result is certified like the CVXPY path: p* re-evaluated at Z and the Fenchel lower bound.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp

from bmconvex.mlp.problem import GatedReLUProblem
from bmconvex.solvers.base import ConvexSolution, SolverError, certified_solution

SQRT2 = np.sqrt(2.0)


def svec_index(k: int) -> dict[tuple[int, int], int]:
    """Position of entry (i, j), i <= j, of a k x k symmetric matrix in Clarabel's svec."""
    pairs = [(i, j) for j in range(k) for i in range(j + 1)]
    return {pair: position for position, pair in enumerate(pairs)}


CONES = ("auto", "psd", "soc")


def psd_blocks(P_: int, d: int, c: int):
    """Per pattern a PSD cone of order d + c: x[z_cols[j, a, b]] = scale Z_j[a, b], q = beta/2 on the diagonal."""
    import clarabel

    k = d + c
    index = svec_index(k)
    m_svec = k * (k + 1) // 2
    z_cols = np.array([[[j * m_svec + index[(a, d + b)] for b in range(c)] for a in range(d)] for j in range(P_)])
    diag_cols = np.array([j * m_svec + index[(i, i)] for j in range(P_) for i in range(k)])
    return P_ * m_svec, z_cols, diag_cols, 0.5, SQRT2, [clarabel.PSDTriangleConeT(k)] * P_


def soc_blocks(P_: int, d: int):
    """c = 1: per pattern the cone (t_j, Z_j) in SOC(d + 1), x[z_cols[j, a, 0]] = Z_j[a], q = beta at t_j."""
    import clarabel

    z_cols = (np.arange(P_)[:, None] * (d + 1) + 1 + np.arange(d)[None, :])[:, :, None]
    return P_ * (d + 1), z_cols, np.arange(P_) * (d + 1), 1.0, 1.0, [clarabel.SecondOrderConeT(d + 1)] * P_


def conic_data(problem: GatedReLUProblem, cone: str = "auto"):
    """Clarabel's (P, q, A, b, cones) for program (5), the columns of Z in x and their scale.

    ``cone``: "psd" (any c), "soc" (c = 1 only) or "auto" (soc at c = 1, else psd).
    """
    import clarabel

    if cone not in CONES or (cone == "soc" and problem.c != 1):
        raise ValueError(f"cone must be one of {CONES} ('soc' only at c = 1), got {cone!r} at c = {problem.c}")
    P_, d, c, n = problem.P, problem.d, problem.c, problem.n
    soc = cone == "soc" or (cone == "auto" and c == 1)
    n_S, z_cols, diag_cols, weight, scale, blocks = soc_blocks(P_, d) if soc else psd_blocks(P_, d, c)
    n_r = n * c
    # Equality rows (i, c'): r_{i c'} - sum_{j, a} M[i, j d + a] Z_j[a, c'] = -Y[i, c']
    M = problem.M  # (n, P d), column j d + a
    rows, cols, vals = [], [], []
    nz_i, nz_col = np.nonzero(M)
    for cc in range(c):
        rows.append(nz_i * c + cc)
        cols.append(z_cols.reshape(P_ * d, c)[nz_col, cc])
        vals.append(-M[nz_i, nz_col] / scale)
    rows.append(np.arange(n_r))
    cols.append(n_S + np.arange(n_r))
    vals.append(np.ones(n_r))
    A_eq = sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n_r, n_S + n_r))
    A_cone = sp.hstack([-sp.identity(n_S), sp.csc_matrix((n_S, n_r))])  # slack = svec S_j, or (t_j, Z_j)
    A = sp.vstack([A_eq, A_cone]).tocsc()
    b = np.concatenate([-problem.Y.ravel(), np.zeros(n_S)])
    P_obj = sp.block_diag([sp.csc_matrix((n_S, n_S)), problem.s * sp.identity(n_r)]).tocsc()
    q = np.zeros(n_S + n_r)
    q[diag_cols] = weight * problem.beta
    cones = [clarabel.ZeroConeT(n_r)] + blocks
    return P_obj, q, A, b, cones, z_cols, scale


def solve(problem: GatedReLUProblem, tolerance: float, cone: str = "auto", **options) -> ConvexSolution:
    """Solve (5) with Clarabel's native interface; raise SolverError unless it reports Solved."""
    import clarabel

    start = time.perf_counter()
    P_obj, q, A, b, cones, z_cols, scale = conic_data(problem, cone)
    settings = clarabel.DefaultSettings()
    settings.verbose = False
    settings.tol_gap_abs = settings.tol_gap_rel = settings.tol_feas = tolerance
    for name, value in options.items():
        setattr(settings, name, value)
    solution = clarabel.DefaultSolver(P_obj, q, A, b, cones, settings).solve()
    seconds = time.perf_counter() - start
    if solution.status != clarabel.SolverStatus.Solved:
        raise SolverError(f"Clarabel (direct) returned status {solution.status}, not Solved; no gap is computed")
    return certified_solution(problem, np.asarray(solution.x)[z_cols] / scale, "CLARABEL_DIRECT", tolerance, seconds)
