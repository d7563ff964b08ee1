"""The global optimum p* of the self-attention program (104) through CVXPY, certified.

The solver is chosen as for the spiral's program (5) (``auto``: MOSEK when licensed, else
Clarabel); a status other than ``optimal`` raises :class:`SolverError`. The value reported is the
objective of (104) re-evaluated at the solver's Z, with the Fenchel dual bound of
:func:`bmconvex.attention.certificate.fenchel_lower_bound` beside it, so every p* carries its
own certificate of accuracy.
"""

from __future__ import annotations

import numpy as np

from bmconvex.attention.certificate import fenchel_lower_bound
from bmconvex.attention.problem import AttentionProblem
from bmconvex.solvers import ConvexSolution, SolverError, cvxpy_path, resolve_solver
from bmconvex.solvers.base import certified_solution

SOLVERS = ("auto", "MOSEK", "CLARABEL")


def solve_convex(problem: AttentionProblem, solver: str, tolerance: float) -> ConvexSolution:
    """Solve (104): min_Z (s/2) ||Phi Z - Y||_F^2 + beta ||Z||_* with an interior-point solver.

    The least-squares term is handed over through a thin QR factor of the design,
    ||Phi W - Y||^2 = ||R W - Q^T Y||^2 + ||(I - Q Q^T) Y||^2, so its size does not grow with n.
    """
    import cvxpy as cp

    if solver not in SOLVERS:
        raise SolverError(f"solver {solver!r} cannot solve program (104); choose one of {SOLVERS}")
    solver = resolve_solver(solver)
    d, c = problem.d, problem.c
    Q, R = np.linalg.qr(problem.Phi)
    QtY = Q.T @ problem.Y
    residual = float(np.sum((problem.Y - Q @ QtY) ** 2))
    Z = cp.Variable(problem.shape)
    W = cp.reshape(Z, (d**3, c), order="C")  # the design's layout of Z (see problem.py)
    fit = 0.5 * problem.s * (cp.sum_squares(R @ W - QtY) + residual)
    program = cp.Problem(cp.Minimize(fit + problem.beta * cp.normNuc(Z)))
    seconds = cvxpy_path.run(program, solver, tolerance, "program (104)")
    return certified_solution(problem, np.asarray(Z.value), solver, tolerance, seconds, fenchel_lower_bound)
