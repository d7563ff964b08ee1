"""The tidy gap table of the spiral experiment and the invariants it must satisfy (Sec. 4.1).

One row per BM run (n, beta, m, seed): p_star from program (5), p_hat and d_hat from the BM
point, the actual relative gap (p_hat - p*) / p*, Thm 3.4's bound and the certified gap.
"""

from __future__ import annotations

import pandas as pd

KEYS = ["n", "beta", "m", "seed"]
COLUMNS = KEYS + [
    "P",
    "p_star",
    "p_hat",
    "d_hat",
    "rel_gap",
    "rel_gap_bound",
    "certified_gap",
    "solver",
    "solver_certified_gap",
    "epochs",
    "grad_norm",
    "bm_objective",
    "lr0",
    "restarts",
    "final_lr",
]


class InvariantError(AssertionError):
    """A row contradicts d_hat <= p* <= p_hat: a bug, or an inaccurate p*."""


def gap_table(bm_records: list[dict], convex_records: list[dict]) -> pd.DataFrame:
    """Join each BM run with the optimum of (5) for its (n, beta, seed) and compute the gaps."""
    bm = pd.DataFrame(bm_records)
    convex = pd.DataFrame(convex_records)[["n", "beta", "seed", "p_star", "solver", "certified_gap"]]
    convex = convex.rename(columns={"certified_gap": "solver_certified_gap"})
    table = bm.merge(convex, on=["n", "beta", "seed"], how="left", validate="many_to_one")
    missing = table[table["p_star"].isna()]
    if len(missing):
        raise ValueError(f"no optimum of (5) for the runs:\n{missing[KEYS].to_string(index=False)}")
    table["rel_gap"] = (table["p_hat"] - table["p_star"]) / table["p_star"]
    return table[COLUMNS].sort_values(KEYS, ignore_index=True)


def check_invariants(table: pd.DataFrame, tol: float) -> None:
    """Fail, naming the rows, where p* < d_hat (1 - tol) or p* > p_hat (1 + tol).

    d_hat <= p* (App. A.7, eqs. 60-64) and p* <= p_hat (p_hat is a feasible value of (5)) are
    theorems; a violation beyond the solver tolerance means a wrong implementation or p*.
    """
    below = table["p_star"] < table["d_hat"] * (1 - tol)
    above = table["p_star"] > table["p_hat"] * (1 + tol)
    bad = table[below | above]
    if len(bad):
        cols = KEYS + ["d_hat", "p_star", "p_hat"]
        raise InvariantError(
            f"{len(bad)} run(s) violate d_hat <= p* <= p_hat (relative tolerance {tol:g}):\n"
            + bad[cols].to_string(index=False)
        )


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
