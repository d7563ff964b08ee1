"""The global optimum p* of the ReLU program (3) at d = 2, certified to a relative bracket.

The SDP of :mod:`bmconvex.relu.sdp` is exact at d = 2, but its value alone is not trusted
(Clarabel stops at ``optimal_inaccurate`` on part of the paper's grid, and rounding its blocks to
a network is off by percents). p* is bracketed instead, by two numbers computed in float64 from
an explicit point:

- upper: a feasible network. Each pattern j gets unit directions u in C_j (its two edge rays and
  the directions of the SDP's block M_j, projected into C_j); the group lasso over their neurons
  relu(X u) (= D_j X u in C_j, evaluated as the network itself whatever the rounding),
  min_V F(sum_k relu(X u_k) v_k^T) + beta sum_k ||v_k||, is an SOCP, and its value at the
  solver's V, re-evaluated exactly, bounds p* from above (||sum_k u_k v_k^T||_{*,K} <= sum_k ||v_k||).
- lower: the Fenchel dual of (3), max_L <L, Y> - ||L||^2 / (2 s) s.t. sigma_j((D_j X)^T L) <= beta,
  along L = -t grad F at that network, with the exact sigma_j of :mod:`bmconvex.relu.sigma`.

While the bracket is wider than the tolerance, the maximiser of sigma_j is added as a direction of
each pattern with sigma_j > beta (a neuron the dual asks for) and the group lasso re-solved. A
bracket still too wide after ``max_rounds`` raises: no uncertified p* is ever returned.
"""

from __future__ import annotations

import logging
import time

import cvxpy as cp
import numpy as np

from bmconvex.relu.problem import ReLUProblem
from bmconvex.relu.sdp import sdp, socp_c1, solve
from bmconvex.relu.sigma import project_nnls, sigma_nnls, sigma_wedges

log = logging.getLogger("bmconvex")


class CertificationError(RuntimeError):
    """The bracket of p* stayed wider than the tolerance."""


def sdp_directions(problem: ReLUProblem, M: np.ndarray, rtol: float = 1e-6) -> list[tuple[int, np.ndarray]]:
    """(j, unit u in C_j) from the u-parts of the eigenvectors of each SDP block M_j, projected into C_j."""
    w, R = np.linalg.eigh(M)
    Ru = R[:, :2, :]  # (P, 2, 2 + c): the u-part of each eigenvector
    plus, minus = problem.wedges.project(Ru), problem.wedges.project(-Ru)
    n_plus, n_minus = np.linalg.norm(plus, axis=1), np.linalg.norm(minus, axis=1)
    U = np.where((n_plus >= n_minus)[:, None, :], plus, minus)
    norms = np.maximum(n_plus, n_minus)
    keep = (w > rtol * np.maximum(w[:, -1:], 1e-300)) & (norms > 1e-12)
    return [(j, U[j, :, k] / norms[j, k]) for j, k in zip(*np.nonzero(keep), strict=True)]


def fenchel_lower_bound(problem: ReLUProblem, g: np.ndarray, sigma_max: float) -> float:
    """max over t in [0, beta / sigma_max] of the dual value -t <g, Y> - t^2 ||g||^2 / (2 s) at L = -t g.

    sigma_max = 0 leaves t unbounded by the dual's constraint (every L = -t g is feasible).
    """
    gg = float(np.sum(g * g))
    if gg == 0.0:
        return 0.0
    gY = float(np.sum(g * problem.Y))
    t = max(-problem.s * gY / gg, 0.0)
    if sigma_max > 0:
        t = min(t, problem.beta / sigma_max)
    return -t * gY - t * t * gg / (2.0 * problem.s)


def relative_bracket(upper: float, lower: float) -> float:
    """(upper - lower) / lower; inf (uncertified) when lower <= 0.

    upper < lower (beyond a relative 1e-12 of float64 rounding) contradicts weak duality: a bug, raised at once.
    """
    if not upper >= lower - 1e-12 * abs(lower):
        raise CertificationError(f"the bracket of p* is inverted: upper {upper!r} < lower {lower!r}")
    return (upper - lower) / lower if lower > 0 else float("inf")


def group_lasso(problem: ReLUProblem, atoms: list[tuple[int, np.ndarray]], tolerance: float):
    """The feasible network over the given directions: its exact objective of (3), Y_hat and V (N, c)."""
    A = np.maximum(problem.X @ np.column_stack([u for _, u in atoms]), 0.0)  # relu(X u): the neurons themselves
    V = cp.Variable((len(atoms), problem.c))
    fit = 0.5 * problem.s * cp.sum_squares(A @ V - problem.Y)
    solve(fit + problem.beta * cp.sum(cp.norm(V, 2, axis=1)), [], tolerance)
    Y_hat = A @ V.value
    return problem.F(Y_hat) + problem.beta * float(np.linalg.norm(V.value, axis=1).sum()), Y_hat, V.value


def certified_optimum(problem: ReLUProblem, tolerance: float, solver_tolerance: float, max_rounds: int) -> dict:
    """p* of (3) bracketed to (upper - lower) / lower <= tolerance, with the SDP's own value beside it."""
    start = time.perf_counter()
    p_sdp, status, M = sdp(problem, solver_tolerance)
    log.info("SDP of (3): %s (%s) in %.2f s", p_sdp, status, time.perf_counter() - start)
    W = problem.wedges
    atoms = [(j, W.e_a[j]) for j in range(problem.P)] + [(j, W.e_b[j]) for j in range(problem.P)]
    if M is not None:  # a failed SDP leaves the edge rays and the sigma maximisers to find p*
        atoms += sdp_directions(problem, M)
    for rounds in range(1, max_rounds + 1):
        upper, Y_hat, _ = group_lasso(problem, atoms, solver_tolerance)
        sigma, u_max = sigma_wedges(W, problem.grad_Z(Y_hat))
        lower = fenchel_lower_bound(problem, problem.grad_F(Y_hat), float(sigma.max()))
        bracket = relative_bracket(upper, lower)
        log.info("round %d: %d directions, p* in [%.12g, %.12g] (%.3g)", rounds, len(atoms), lower, upper, bracket)
        if bracket <= tolerance:
            break
        atoms += [(j, u_max[j]) for j in np.flatnonzero(sigma > problem.beta)]
    else:
        raise CertificationError(f"p* of (3) bracketed to {bracket:.3g} after {max_rounds} rounds (> {tolerance:g})")
    return {
        "P": problem.P,
        "p_star": upper,
        "p_star_lower": lower,
        "bracket": bracket,
        "p_star_sdp": p_sdp,
        "sdp_status": status,
        "rounds": rounds,
        "directions": len(atoms),
        "max_wedge_degrees": float(W.degrees.max()),
        "seconds": time.perf_counter() - start,
    }


def certified_optimum_c1(problem: ReLUProblem, tolerance: float, solver_tolerance: float) -> dict:
    """p* of (3) at c = 1 in any d: the SOCP's v_j, w_j projected into C_j by NNLS and re-evaluated
    (upper), the Fenchel dual with sigma_j by NNLS (lower); a bracket wider than tolerance raises."""
    start = time.perf_counter()
    p_socp, status, v, w = socp_c1(problem, solver_tolerance)
    v = np.stack([project_nnls(K, u) for K, u in zip(problem.K, v, strict=True)])
    w = np.stack([project_nnls(K, u) for K, u in zip(problem.K, w, strict=True)])
    signs = np.broadcast_to(np.array([1.0, -1.0]), (problem.P, 1, 2))
    Y_hat = problem.network(np.stack([v, w], axis=2), signs)  # the neurons v_j (output +1) and w_j (-1)
    upper = problem.F(Y_hat) + problem.beta * float(np.linalg.norm(v, axis=1).sum() + np.linalg.norm(w, axis=1).sum())
    G = problem.grad_Z(Y_hat)[:, :, 0]
    sigma = max(sigma_nnls(K, g) for K, g in zip(problem.K, G, strict=True))
    lower = fenchel_lower_bound(problem, problem.grad_F(Y_hat), sigma)
    bracket = relative_bracket(upper, lower)
    if not bracket <= tolerance:
        raise CertificationError(f"p* of (3) at c = 1 bracketed to {bracket:.3g} only (> {tolerance:g})")
    return {
        "p_star": upper,
        "p_star_lower": lower,
        "bracket": bracket,
        "p_star_socp": p_socp,
        "socp_status": status,
        "seconds": time.perf_counter() - start,
    }
