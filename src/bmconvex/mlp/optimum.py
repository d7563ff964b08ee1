"""The global optimum p* of program (5) for one spiral case, certified (Sec. 4.1)."""

from __future__ import annotations

import logging

from bmconvex import solvers
from bmconvex.core.ranks import RANK_RTOL, stack_ranks
from bmconvex.mlp.problem import GatedReLUProblem

log = logging.getLogger("bmconvex")


def run_convex(problem: GatedReLUProblem, solver: str, tolerance: float) -> tuple[solvers.ConvexSolution, dict]:
    """Solve (5) and describe the solution, its solver, its certified accuracy and the ranks of Z*_j."""
    log.info("solving (5) with %s: P = %d, n = %d, beta = %g", solver, problem.P, problem.n, problem.beta)
    solution = solvers.solve(problem, solver, tolerance)
    ranks = stack_ranks(solution.Z, RANK_RTOL)
    record = {
        "P": problem.P,
        "p_star": solution.p_star,
        "p_star_lower_bound": solution.lower_bound,
        "certified_gap": solution.certified_gap,
        "solver": solution.solver,
        "status": solution.status,
        "tolerance": solution.tolerance,
        "seconds": solution.seconds,
        "rank_Z_star": int(ranks.sum()),
        "max_rank_Z_star": int(ranks.max()),
        "ranks_Z_star": ranks.tolist(),
        "rank_rtol": RANK_RTOL,
    }
    log.info("%s", record)
    return solution, record
