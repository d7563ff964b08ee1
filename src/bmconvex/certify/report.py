"""The scaling table and the agreement table (the figure: :mod:`.figure`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = [
    "dataset", "n", "d", "P", "P_hat", "beta", "solver", "status", "seconds", "peak_mem_mb", "p_upper", "p_lower",
    "certified_gap", "iterations", "seconds_per_iteration", "test_accuracy", "time_limit_s", "memory_limit_mb",
    "device", "conic_variables", "stop", "rounds", "grown", "newton_steps", "thm34_eps", "gpu_peak_mem_mb",
]  # fmt: skip


def scaling_table(records: list[dict]) -> pd.DataFrame:
    table = pd.DataFrame(records).reindex(columns=COLUMNS)
    return table.sort_values(["dataset", "P_hat", "n", "solver"], kind="stable").reset_index(drop=True)


def _cell(row) -> str:
    if row["status"] == "certified":
        return f"{row['seconds']:.3g} s"
    gap = row["certified_gap"]
    bracket = f", gap {gap:.1e}" if isinstance(gap, float) and np.isfinite(gap) else ""
    return f"{row['status']} ({row['seconds']:.3g} s{bracket})"


def markdown_table(table: pd.DataFrame, tolerance: float) -> str:
    """Seconds to a certified relative gap <= tolerance, one row per (dataset, n, P), one column per solver."""
    table = table.assign(cell=table.apply(_cell, axis=1))
    wide = table.pivot_table(index=["dataset", "n", "P_hat", "P"], columns="solver", values="cell", aggfunc="first")
    wide = wide.reindex(columns=list(dict.fromkeys(table["solver"]))).reset_index()
    head = f"Seconds to a certified relative gap <= {tolerance:g} (else: how the job ended, its certified gap).\n\n"
    return head + wide.to_markdown(index=False) + "\n"


def agreement_markdown(table: pd.DataFrame) -> str:
    """One row per solve of the paper's grid: both brackets and whether each holds the other's value."""
    columns = [
        "n",
        "beta",
        "seed",
        "P",
        "solver",
        "status",
        "certified_gap",
        "bm_status",
        "bm_p_upper",
        "bm_certified_gap",
        "clarabel_p_star",
    ]
    columns += ["clarabel_certified_gap"]
    columns += ["rel_diff", "bm_holds_clarabel", "clarabel_holds_bm", "bm_seconds", "clarabel_seconds"]
    agree = int((table["bm_holds_clarabel"] & table["clarabel_holds_bm"]).sum())
    certified = int((table["status"] == "certified").sum())
    bm = int((table["bm_status"] == "certified").sum())
    picked = ", ".join(f"{solver} {count}" for solver, count in table["solver"].value_counts().items())
    head = (
        f"The paper's grid: {certified} of {len(table)} answers certified by the certified solvers' `auto` "
        f"(picked by the program's size: {picked}). BM_CERTIFIED against Clarabel (direct), both certified by "
        f"the project's bracket: BM certified {bm} of {len(table)} within its budget; in {agree} of "
        f"{len(table)} each bracket holds the other's value.\n\n"
    )
    return head + table[columns].to_markdown(index=False, floatfmt=".3g") + "\n"
