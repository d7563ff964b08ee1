"""The gap table of the ReLU experiment and the invariants it must satisfy.

One row per projected-GD run of (19) (n, beta, m, seed): the certified p* of (3) (p_star, the
feasible upper end of its bracket, and p_star_lower), p_hat and d_hat of the run's last iterate,
the actual gap (p_hat - p*) / p*, Thm 3.4's eps with the exact sigma_j (rel_gap_bound), the certified
gap, the KKT residual of (19), and p* of the gated program (5) on the same data and patterns.
"""

from __future__ import annotations

import pandas as pd

from bmconvex.core import certificate
from bmconvex.core.certificate import InvariantError

KEYS = ["n", "beta", "m", "seed"]
COLUMNS = KEYS + [
    "P",
    "p_star",
    "p_star_lower",
    "p_hat",
    "d_hat",
    "rel_gap",
    "rel_gap_bound",
    "certified_gap",
    "kkt_residual",
    "p_star_gated",
    "bracket",
    "p_star_sdp",
    "sdp_status",
    "epochs",
    "bm_objective",
    "lr0",
    "restarts",
    "final_lr",
]
CASE = ["n", "beta", "seed"]


def gap_table(bm_records: list[dict], relu_records: list[dict], gated_records: list[dict]) -> pd.DataFrame:
    """Join each run with p* of (3) and p* of (5) for its (n, beta, seed) and compute the gaps."""
    bm = pd.DataFrame(bm_records)
    relu = pd.DataFrame(relu_records)[[*CASE, "p_star", "p_star_lower", "bracket", "p_star_sdp", "sdp_status"]]
    gated = pd.DataFrame(gated_records)[[*CASE, "p_star"]].rename(columns={"p_star": "p_star_gated"})
    table = bm.merge(relu, on=CASE, how="left", validate="many_to_one")
    table = table.merge(gated, on=CASE, how="left", validate="many_to_one")
    missing = table[table[["p_star", "p_star_gated"]].isna().any(axis=1)]
    if len(missing):
        raise ValueError(f"no optimum of (3) or (5) for the runs:\n{missing[KEYS].to_string(index=False)}")
    table["rel_gap"] = (table["p_hat"] - table["p_star"]) / table["p_star"]
    return table[COLUMNS].sort_values(KEYS, ignore_index=True)


def check_invariants(table: pd.DataFrame, tol: float) -> None:
    """d_hat <= p* <= p_hat for every run, and p*(5) <= p*(3) (the quasi-nuclear norm (4) is at least
    the nuclear norm on the same patterns), or InvariantError naming the runs."""
    certificate.check_invariants(table, tol, KEYS)
    bad = table[table["p_star_gated"] > table["p_star"] * (1 + tol)]
    if len(bad):
        raise InvariantError(
            f"{len(bad)} run(s) have p*(5) > p*(3) (relative tolerance {tol:g}):\n"
            + bad[[*KEYS, "p_star_gated", "p_star"]].to_string(index=False)
        )


def bound_violations(table: pd.DataFrame) -> pd.DataFrame:
    """Runs whose actual gap exceeds Thm 3.4's eps ("gap above eps"): possible only away from a KKT point."""
    cols = KEYS + ["rel_gap", "rel_gap_bound", "certified_gap", "kkt_residual"]
    return table.loc[table["rel_gap"] > table["rel_gap_bound"], cols]


def per_beta(table: pd.DataFrame) -> pd.DataFrame:
    """Medians over every (n, m, seed) per beta: the gap, the bound, the certified gap and p*(3) / p*(5)."""
    out = table.assign(ratio=table["p_star"] / table["p_star_gated"])
    stats = out.groupby("beta")[["rel_gap", "rel_gap_bound", "certified_gap", "ratio"]].median()
    stats.columns = [f"median_{col}" for col in stats.columns]
    return stats.reset_index()


def ratios(table: pd.DataFrame) -> pd.DataFrame:
    """p*(3) / p*(5) per (n, beta): mean, min and max over seeds (one row per case, not per run)."""
    cases = table.drop_duplicates(CASE)
    cases = cases.assign(ratio=cases["p_star"] / cases["p_star_gated"])
    stats = cases.groupby(["n", "beta"])["ratio"].agg(["mean", "min", "max"])
    return stats.reset_index()


def markdown_table(table: pd.DataFrame) -> str:
    """p*(3) / p*(5) per (n, beta) and the medians per beta, as Markdown."""
    r = ratios(table)
    r["beta"] = r["beta"].map("{:g}".format)
    b = per_beta(table)
    b["beta"] = b["beta"].map("{:g}".format)
    return (
        "p*(3) / p*(5) per (n, beta): mean, min, max over seeds\n\n"
        + r.to_markdown(index=False, floatfmt=".4g")
        + "\n\nMedians per beta over every (n, m, seed)\n\n"
        + b.to_markdown(index=False, floatfmt=".3g")
        + "\n"
    )
