"""The table of the self-attention experiment: one row per BM run (beta, m, seed) against p* of (104).

Besides the gaps of Thm 3.4 it carries what Thm 3.3, Thm 3.5 and Cor. 3.10 speak of: the rank
of R-hat (27) and whether it is rank-deficient, whether U and V are full rank in the sense of
(21), the rank of Z*, and whether the last iterate is a strict saddle: a Hessian eigenvalue below
-saddle_rtol * beta, so that it is not the local minimum Thm 3.3 and Cor. 3.10 speak of.
"""

from __future__ import annotations

import pandas as pd

from bmconvex.core import certificate
from bmconvex.core.certificate import GAP_COLUMNS

KEYS = ["beta", "m", "seed"]
COLUMNS = KEYS + [
    *GAP_COLUMNS,
    "rank_R",
    "rank_deficient",
    "rank_U",
    "rank_V",
    "full_rank",
    "rank_Z",
    "rank_Z_star",
    "grad_norm",
    "hessian_min_eig",
    "strict_saddle",
    "bm_objective",
    "solver",
    "solver_certified_gap",
    "rank_rtol",
    "epochs",
    "final_lr",
]


def heads_table(bm_records: list[dict], convex_records: list[dict], saddle_rtol: float) -> pd.DataFrame:
    """Join each BM run with p* of (104) at its beta and compute the actual relative gap."""
    bm = pd.DataFrame(bm_records)
    convex = pd.DataFrame(convex_records)[["beta", "p_star", "rank_Z_star", "solver", "certified_gap"]]
    convex = convex.rename(columns={"certified_gap": "solver_certified_gap"})
    table = bm.merge(convex, on="beta", how="left", validate="many_to_one")
    missing = table[table["p_star"].isna()]
    if len(missing):
        raise ValueError(f"no optimum of (104) for the runs:\n{missing[KEYS].to_string(index=False)}")
    table["rel_gap"] = (table["p_hat"] - table["p_star"]) / table["p_star"]
    table["strict_saddle"] = table["hessian_min_eig"] < -saddle_rtol * table["beta"]
    return table[COLUMNS].sort_values(KEYS, ignore_index=True)


def check_invariants(table: pd.DataFrame, tol: float) -> None:
    """d_hat <= p* <= p_hat for every run of (104)/(26), or InvariantError naming the runs (App. A.7)."""
    certificate.check_invariants(table, tol, KEYS)
