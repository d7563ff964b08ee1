"""One solve of the scaling experiment, inside the job's caps (run by :mod:`.jobs` in a child).

BM_CERTIFIED and FISTA get the time cap as their own budget, so a budget stop still returns an
honest bracket; the interior-point solvers (Clarabel direct, CVXPY + Clarabel / MOSEK) run until
they finish or are stopped from outside. Their conic program's size is recorded either way.
"""

from __future__ import annotations

import importlib

import numpy as np

from bmconvex.certify.config import CertifyJob
from bmconvex.certify.data import Case

INTERIOR_POINT = ("CLARABEL_DIRECT", "CLARABEL", "MOSEK")
LIBRARIES = {  # what each solver loads: loaded before the memory cap is set, so it counts only data
    "CLARABEL_DIRECT": ("clarabel",),
    "CLARABEL": ("cvxpy", "clarabel"),
    "MOSEK": ("cvxpy", "mosek"),
    "BM_CERTIFIED": ("scipy.optimize",),
    "FISTA": (),
}


def load_libraries(solver: str) -> None:
    """Import the solver's libraries (a missing one is reported by the solve itself)."""
    for name in LIBRARIES[solver]:
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def conic_size(case: Case) -> dict:
    """Size of the conic program the interior-point paths build (:mod:`bmconvex.solvers.clarabel_direct`)."""
    X, Y, D = case.program.X, case.program.Y, case.program.D
    n, d = X.shape
    P, c, k = D.shape[0], Y.shape[1], X.shape[1] + Y.shape[1]
    nonzeros_M = int(D.sum()) * int(np.count_nonzero(X) / n)  # about: D_j X keeps the rows of D_j
    return {"psd_cones": P, "psd_order": k, "conic_variables": P * k * (k + 1) // 2 + n * c, "nnz_A": nonzeros_M * c}


def test_accuracy(case: Case, Z: np.ndarray, device: str) -> float | None:
    """Accuracy on the test set of the classifier Y_hat = sum_j D_j X Z_j (None without one)."""
    if case.X_test is None:
        return None
    from bmconvex.solvers.patterns import PatternOperator

    c = Z.shape[2]
    test = PatternOperator(case.X_test, np.zeros((len(case.y_test), c)), case.D_test, 1.0, device)
    predicted = test.predict(Z).argmax(dim=1).cpu().numpy()
    return float(np.mean(predicted == case.y_test))


def solve(job: CertifyJob, case: Case, device: str) -> dict:
    """Solve the job's program (5); a dict for the job's record."""
    from bmconvex import solvers
    from bmconvex.solvers.certified import solve_certified

    program = case.program
    if job.solver in solvers.CERTIFIED:
        method, settings = solvers.CERTIFIED[job.solver]
        settings = settings(tolerance=job.tolerance, max_seconds=job.time_limit_s)
        result = solve_certified(program, method, settings, device=device)
        b = result.bracket
        return {
            "status": "certified" if result.status == "certified" else "budget",
            "stop": result.status,
            "seconds": result.seconds,
            "p_upper": b.p_upper,
            "p_lower": b.p_lower,
            "certified_gap": b.reported_gap,
            "thm34_eps": b.eps,
            "iterations": result.iterations,
            "evaluations": result.evaluations,
            "seconds_per_iteration": result.seconds / max(result.iterations, 1),
            "rounds": result.rounds,
            "grown": result.grown,
            "newton_steps": getattr(result, "newton_steps", 0),
            # the certified gaps at which (5) was re-solved in the iterate's column spaces (subspace.py)
            "restricted_tried_at": getattr(result, "restricted", []),
            "test_accuracy": test_accuracy(case, result.Z, device),
            "history": result.history,
        }
    from bmconvex.mlp.problem import GatedReLUProblem

    problem = GatedReLUProblem(program.X, program.Y, program.D, program.beta)
    solution = solvers.solve(problem, job.solver, job.tolerance * 1e-2)
    return {
        "status": "certified" if solution.certified_gap <= job.tolerance else "failed",
        "stop": solution.status,
        "seconds": solution.seconds,
        "p_upper": solution.p_star,
        "p_lower": solution.lower_bound,
        "certified_gap": solution.certified_gap,
        "test_accuracy": test_accuracy(case, solution.Z, device),
    }
