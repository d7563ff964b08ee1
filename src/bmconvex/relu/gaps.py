"""The gap table of the ReLU experiment and the invariants it must satisfy.

One row per projected-GD run of (19) (n, beta, m, seed): the certified p* of (3) (p_star, the
feasible upper end of its bracket, and p_star_lower, with the refinement rounds it took), p_hat and
d_hat of the run's last iterate, the actual gap (p_hat - p*) / p*, Thm 3.4's eps with the exact
sigma_j (rel_gap_bound), the certified gap, the KKT residual of (19), and p* of the gated program (5)
on the same data and patterns. at_p_star marks runs with |p_hat - p*| within p*'s own bracket: such a
run is at p* to within its certificate, and its gap's sign and size below the bracket mean nothing.
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
    "at_p_star",
    "rounds",
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
    optimum = ["p_star", "p_star_lower", "bracket", "rounds", "p_star_sdp", "sdp_status"]
    relu = pd.DataFrame(relu_records)[[*CASE, *optimum]]
    gated = pd.DataFrame(gated_records)[[*CASE, "p_star"]].rename(columns={"p_star": "p_star_gated"})
    table = bm.merge(relu, on=CASE, how="left", validate="many_to_one")
    table = table.merge(gated, on=CASE, how="left", validate="many_to_one")
    missing = table[table[["p_star", "p_star_gated"]].isna().any(axis=1)]
    if len(missing):
        raise ValueError(f"no optimum of (3) or (5) for the runs:\n{missing[KEYS].to_string(index=False)}")
    table["rel_gap"] = (table["p_hat"] - table["p_star"]) / table["p_star"]
    # p_hat within p*'s own bracket: the run is at p* to within its certificate, and rel_gap (which
    # may then be negative) is below what p* is known to; nothing smaller can be claimed of it.
    table["at_p_star"] = (table["p_hat"] - table["p_star"]).abs() <= table["p_star"] - table["p_star_lower"]
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


def _stats(table: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """p*(3) / p*(5) over the cases (mean, min, max) and the medians over the runs of each group."""
    cases = table.drop_duplicates(CASE)
    ratio = (cases["p_star"] / cases["p_star_gated"]).groupby([cases[k] for k in by]).agg(["mean", "min", "max"])
    ratio.columns = [f"ratio_{col}" for col in ratio.columns]
    medians = table.groupby(by)[["rel_gap", "rel_gap_bound", "certified_gap"]].median()
    medians.columns = [f"median_{col}" for col in medians.columns]
    return ratio.join(medians).reset_index()


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per (n, beta), then per beta over every n (n = "all"): p*(3) / p*(5) (mean, min, max over
    cases) and the medians over runs (m, seed) of the actual gap, Thm 3.4's bound and the certified gap."""
    per_beta = _stats(table, ["beta"]).assign(n="all")
    out = pd.concat([_stats(table, ["n", "beta"]).astype({"n": object}), per_beta], ignore_index=True)
    return out[["n", *[c for c in out.columns if c != "n"]]]


def markdown_table(table: pd.DataFrame) -> str:
    """The summary as one Markdown table."""
    out = summary(table)
    out["beta"] = out["beta"].map("{:g}".format)
    return out.to_markdown(index=False, floatfmt=".4g") + "\n"
