"""The optimizer study's gap table and its summary per optimizer (docs/optimizers/README.md).

One row per (optimizer, n, beta, m, seed): the final point's gaps as in the spiral gap table
(:mod:`bmconvex.mlp.gaps`) and the evaluations at which the gap and the certified gap first fell
below each threshold (empty where they never did).
"""

from __future__ import annotations

import pandas as pd

from bmconvex.core import certificate
from bmconvex.core.certificate import GAP_COLUMNS

KEYS = ["optimizer", "n", "beta", "m", "seed"]


def gap_table(records: list[dict], convex_records: list[dict], order: list[str]) -> pd.DataFrame:
    """Join each run with p* of its (n, beta, seed); optimizers in ``order``, then the grid."""
    runs = pd.DataFrame(records).drop(columns="provenance", errors="ignore")
    convex = pd.DataFrame(convex_records)[["n", "beta", "seed", "p_star"]]
    table = runs.merge(convex, on=["n", "beta", "seed"], how="left", validate="many_to_one")
    if table["p_star"].isna().any():
        raise ValueError("a run has no optimum of (5) for its (n, beta, seed)")
    table["rel_gap"] = (table["p_hat"] - table["p_star"]) / table["p_star"]
    evals = [c for c in runs.columns if c.startswith("evals_")]
    columns = KEYS + [
        "P",
        *GAP_COLUMNS,
        "bm_objective",
        "grad_norm",
        "evaluations",
        "lr0",
        "restarts",
        "seconds",
        *evals,
    ]
    table["optimizer"] = pd.Categorical(table["optimizer"], categories=order, ordered=True)
    table = table[columns].sort_values(KEYS, ignore_index=True)
    table["optimizer"] = table["optimizer"].astype(str)
    return table


def check_invariants(table: pd.DataFrame, tol: float) -> None:
    """d_hat <= p* <= p_hat for every run (App. A.7), or InvariantError naming the runs."""
    certificate.check_invariants(table, tol, KEYS)


def summary(table: pd.DataFrame, thresholds: list[float]) -> pd.DataFrame:
    """Per optimizer: runs at or below each threshold, median and max gap, median evaluations to each."""
    rows = []
    for name, runs in table.groupby("optimizer", sort=False):
        row = {"optimizer": name, "runs": len(runs)}
        for t in thresholds:
            row[f"runs_gap_le_{t:g}"] = int((runs["rel_gap"] <= t).sum())
        row["median_gap"] = float(runs["rel_gap"].median())
        row["max_gap"] = float(runs["rel_gap"].max())
        for t in thresholds:
            reached = runs[f"evals_gap_{t:g}"].dropna()
            row[f"median_evals_gap_{t:g}"] = float(reached.median()) if len(reached) else None
            row[f"runs_certified_le_{t:g}"] = int(runs[f"evals_certified_{t:g}"].notna().sum())
        rows.append(row)
    return pd.DataFrame(rows)
