"""The scaling figure: seconds to a certified gap against n, with the runs that ended without one apart.

A run that ended out of memory or at its budget has no time to a certificate: it is drawn in a
band above each panel (at its n, one row per solver, labelled with how it ended: the memory cap it
hit and the size of the conic program it asked for, or the budget and the bracket it reached),
never on the seconds axis. Uncapped certified runs (e.g. docs/certify/fashion_mnist_n10000_uncapped.json)
are drawn as stars on the seconds axis.

    python -m bmconvex.certify.figure docs/certify/scaling.csv docs/certify/fashion_mnist_n10000_uncapped.json \
        --out docs/certify/scaling.png
"""

from __future__ import annotations

import argparse
import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402


def _failure(row) -> str:
    """How a run ended without a certificate, in words."""
    if row["status"] == "out_of_memory":
        asked = f"\n{row['conic_variables'] / 1e6:.1f} M conic variables" if pd.notna(row["conic_variables"]) else ""
        return f"out of memory after {row['seconds']:.0f} s:\nover the {row['memory_limit_mb'] / 1000:g} GB cap{asked}"
    if row["status"] in ("budget", "time_limit"):
        gap = f", gap {row['certified_gap']:.1e}" if pd.notna(row["certified_gap"]) else ""
        return f"{row['status'].replace('_', ' ')} {row['time_limit_s']:g} s{gap}"
    return str(row["status"])


def scaling_figure(table: pd.DataFrame, uncapped: pd.DataFrame | None = None) -> plt.Figure:
    """Certified runs as lines of seconds against n (log-log), one panel per dataset; the others in a band above."""
    uncapped = pd.DataFrame(columns=table.columns) if uncapped is None else uncapped
    datasets = list(dict.fromkeys(table["dataset"]))
    solvers = list(dict.fromkeys(table["solver"]))
    colours = {s: f"C{i}" for i, s in enumerate(solvers)}
    fig, axes = plt.subplots(
        2, len(datasets), figsize=(7 * len(datasets), 6.6), squeeze=False, height_ratios=[1.6, 3], sharex="col"
    )
    for band, ax, dataset in zip(axes[0], axes[1], datasets, strict=True):
        part, extra = table[table["dataset"] == dataset], uncapped[uncapped["dataset"] == dataset]
        certified = part[part["status"] == "certified"]
        for (solver, P_hat), runs in certified.groupby(["solver", "P_hat"], sort=False):
            label = f"{solver}" + (f", P-hat {P_hat}" if part["P_hat"].nunique() > 1 else "")
            style = "o-" if P_hat == part["P_hat"].min() else "o--"
            ax.plot(runs["n"], runs["seconds"], style, color=colours[solver], label=label, alpha=0.85)
        for _, row in extra[extra["status"] == "certified"].iterrows():
            capped = certified[certified["solver"] == row["solver"]]
            joined = pd.concat([capped, row.to_frame().T]).sort_values("n")
            ax.plot(joined["n"], joined["seconds"], ":", color=colours.get(row["solver"], "k"))
            ax.plot(row["n"], row["seconds"], "*", ms=13, color=colours.get(row["solver"], "k"), ls="")
            text = f"{row['solver']} uncapped: {row['seconds']:.0f} s, gap {row['certified_gap']:.1e}"
            ax.annotate(
                text,
                (row["n"], row["seconds"]),
                xytext=(-10, -6),
                textcoords="offset points",
                ha="right",
                va="top",
                fontsize=7,
            )
        ax.set(xscale="log", yscale="log", xlabel="n (samples)", ylabel="seconds to certified gap <= 1e-6")
        ax.grid(True, which="both", alpha=0.3)
        handles, _ = ax.get_legend_handles_labels()
        if len(extra):
            handles.append(plt.Line2D([], [], ls="", marker="*", ms=10, color="0.4", label="uncapped run"))
        ax.legend(handles=handles, fontsize=7, loc="upper left")
        failed = part[part["status"] != "certified"].reset_index(drop=True)
        rows = list(dict.fromkeys(failed["solver"]))
        last = part["n"].max()
        for _, row in failed.iterrows():
            y, right = rows.index(row["solver"]), row["n"] == last and part["n"].nunique() > 1
            band.plot(row["n"], y, "X", ms=8, color=colours[row["solver"]])
            band.annotate(
                _failure(row), (row["n"], y), xytext=(-7 if right else 7, 0), textcoords="offset points",
                ha="right" if right else "left", va="center", fontsize=6.5, linespacing=0.95,
            )  # fmt: skip
        ax.set_xlim(part["n"].min() / 1.5, part["n"].max() * 1.5)
        band.set_ylim(-0.7, max(len(rows), 1) - 0.3)
        band.set_yticks(range(len(rows)), rows, fontsize=7)
        band.set_facecolor("#f6e6e6" if rows else "white")
        band.set_title(
            dataset.replace("_", "-") + ("\nno certificate (not a time):" if rows else "\nevery run certified")
        )
        band.tick_params(axis="x", labelbottom=False)
        band.grid(True, axis="x", which="both", alpha=0.3)
    fig.tight_layout()
    return fig


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("table", help="scaling.csv")
    parser.add_argument("uncapped", nargs="*", help="records (JSON) of uncapped runs")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    uncapped = pd.DataFrame([json.loads(open(path).read()) for path in args.uncapped]) if args.uncapped else None
    scaling_figure(pd.read_csv(args.table), uncapped).savefig(args.out, dpi=150)


if __name__ == "__main__":
    main()
