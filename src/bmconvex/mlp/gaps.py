"""The tidy gap table of the spiral experiment and the invariants it must satisfy (Sec. 4.1).

One row per BM run (n, beta, m, seed): p_star from program (5), p_hat and d_hat from the BM
point, the actual relative gap (p_hat - p*) / p*, Thm 3.4's bound and the certified gap; then the
rank conditions of Thm 3.3 / 3.5 at the BM point (:mod:`bmconvex.core.ranks`): rank_Z = sum_j
rank Z_j, rank_Z_star the same for the optimum of (5), rank_deficient (rank [U_j; V_j] < m for all
j), full_rank (rank U_j = rank V_j = min(d, c) for all j), and the relative threshold rank_rtol.
"""

from __future__ import annotations

import pandas as pd

from bmconvex.core import certificate
from bmconvex.core.certificate import GAP_COLUMNS

KEYS = ["n", "beta", "m", "seed"]
COLUMNS = KEYS + [
    "P",
    *GAP_COLUMNS,
    "solver",
    "solver_certified_gap",
    "epochs",
    "grad_norm",
    "bm_objective",
    "lr0",
    "restarts",
    "final_lr",
    "rank_Z",
    "rank_Z_star",
    "rank_deficient",
    "full_rank",
    "rank_rtol",
]


def gap_table(bm_records: list[dict], convex_records: list[dict]) -> pd.DataFrame:
    """Join each BM run with the optimum of (5) for its (n, beta, seed) and compute the gaps."""
    bm = pd.DataFrame(bm_records)
    convex = pd.DataFrame(convex_records)[["n", "beta", "seed", "p_star", "solver", "certified_gap", "rank_Z_star"]]
    convex = convex.rename(columns={"certified_gap": "solver_certified_gap"})
    table = bm.merge(convex, on=["n", "beta", "seed"], how="left", validate="many_to_one")
    missing = table[table["p_star"].isna()]
    if len(missing):
        raise ValueError(f"no optimum of (5) for the runs:\n{missing[KEYS].to_string(index=False)}")
    table["rel_gap"] = (table["p_hat"] - table["p_star"]) / table["p_star"]
    return table[COLUMNS].sort_values(KEYS, ignore_index=True)


def check_invariants(table: pd.DataFrame, tol: float) -> None:
    """d_hat <= p* <= p_hat for every run of (5)/(18), or InvariantError naming the runs (App. A.7)."""
    certificate.check_invariants(table, tol, KEYS)


def bound_violations(table: pd.DataFrame) -> pd.DataFrame:
    """Runs whose actual gap exceeds Thm 3.4's bound: possible only away from stationarity."""
    cols = KEYS + ["rel_gap", "rel_gap_bound", "certified_gap", "grad_norm"]
    return table.loc[table["rel_gap"] > table["rel_gap_bound"], cols]


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Mean and standard deviation over seeds per (n, beta, m)."""
    stats = table.groupby(["n", "beta", "m"])[["rel_gap", "rel_gap_bound", "certified_gap"]].agg(["mean", "std"])
    stats.columns = [f"{col}_{stat}" for col, stat in stats.columns]
    return stats.reset_index()


def markdown_table(table: pd.DataFrame) -> str:
    """The summary as a Markdown table, each cell 'mean ± std' over seeds."""
    stats = summary(table)
    out = stats[["n", "beta", "m"]].copy()
    out["beta"] = out["beta"].map("{:g}".format)
    for col, title in [
        ("rel_gap", "actual gap"),
        ("rel_gap_bound", "Thm 3.4 bound"),
        ("certified_gap", "certified gap"),
    ]:
        mean, std = stats[f"{col}_mean"], stats[f"{col}_std"].fillna(0.0)
        out[title] = [f"{mu:.3g} ± {sd:.2g}" for mu, sd in zip(mean, std, strict=True)]
    return out.to_markdown(index=False) + "\n"
