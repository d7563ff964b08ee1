"""Agreement on the paper's grid (Sec. 4.1): BM_CERTIFIED's bracket against Clarabel's p*.

Each solver's answer is an interval [lower bound, value] that contains p*; they agree when each
interval holds the other's value up to the tolerance: BM's p_lower <= Clarabel's p* (1 + tol) and
Clarabel's lower bound <= BM's p_upper (1 + tol). BM_CERTIFIED runs under a time budget per solve;
one that ends uncertified is recorded with its status and bracket, never dropped. Clarabel solves at
tolerance / 100 and its Z is certified by the project's bracket, as BM's is.

Each row's answer (``solver``, ``status``, ``certified_gap``) is the one the certified solvers'
``auto`` returns (:mod:`bmconvex.solvers.auto`): picked by the program's size, with the reason.
"""

from __future__ import annotations

import pandas as pd

from bmconvex.certify.config import Agreement, SpiralData
from bmconvex.mlp import spiral
from bmconvex.mlp.arrangements import arrangement_for_seed
from bmconvex.mlp.problem import GatedReLUProblem
from bmconvex.solvers import auto
from bmconvex.solvers.bm_certified import BMSettings
from bmconvex.solvers.certified import solve_certified


def agreement_table(grid: Agreement, data: SpiralData) -> pd.DataFrame:
    rows = []
    for n in grid.n:
        points = spiral.make_spiral(n, data.noise, data.seed)
        for seed in grid.seeds:
            D = arrangement_for_seed(points.X, grid.P_hat, seed).D
            for beta in grid.beta:
                problem = GatedReLUProblem(points.X, points.Y, D, beta)
                solver, why = auto.choose(problem)
                ipm = auto.certified_by_clarabel(problem, grid.tolerance)
                bm = solve_certified(problem, "BM", BMSettings(tolerance=grid.tolerance, max_seconds=grid.max_seconds))
                answer = ipm if solver == "CLARABEL_DIRECT" else bm
                b, c, slack = bm.bracket, ipm.bracket, 1.0 + grid.tolerance
                rows.append(
                    {
                        "n": n,
                        "beta": beta,
                        "seed": seed,
                        "P": problem.P,
                        "solver": solver,
                        "why": why,
                        "status": answer.status,
                        "certified_gap": answer.bracket.reported_gap,
                        "bm_status": bm.status,
                        "bm_p_upper": b.p_upper,
                        "bm_p_lower": b.p_lower,
                        "bm_certified_gap": b.reported_gap,
                        "clarabel_p_star": c.p_upper,
                        "clarabel_lower_bound": c.p_lower,
                        "clarabel_certified_gap": c.reported_gap,
                        "rel_diff": (b.p_upper - c.p_upper) / c.p_upper,
                        "bm_holds_clarabel": b.p_lower <= c.p_upper * slack,
                        "clarabel_holds_bm": c.p_lower <= b.p_upper * slack,
                        "bm_seconds": bm.seconds,
                        "clarabel_seconds": ipm.seconds,
                    }
                )
    return pd.DataFrame(rows)
