"""Benchmark (not a test): time to a certified relative gap of 1e-6 on program (5), spiral, P-hat = 100.

    python benchmarks/certify.py [--n 3000 30000] [--beta 1e-3] [--repeats 3] [--clarabel-cap 300]
                                 [--variants BM_CERTIFIED FISTA] [--out results/benchmarks/certify.csv]

Contenders, same data, one process, one thread each (Clarabel in a capped child process):
CLARABEL_DIRECT (tolerance 1e-8, certified gap ~1e-9); BM variants (levers: the issue's prototype
m = d + c, the default m0 = 1 with growth and memory 10 in Gram form, memories 30 and 100, a warm
start from a tenth of the samples, the pattern operator instead of the Gram form); FISTA with
restarts; ``--scnn``: pilancilab's scnn on binary cases (scnn_bench.py). BM / FISTA times are the
best of ``repeats`` runs, everything included (Gram matrix, warm start, final certificate).

    python benchmarks/certify.py --dataset fashion_mnist --n 2000 --P-hat 20 --beta 0.1 --budget 300

Fashion-MNIST (d = 784, c = 10; results/certify/data/fashion_mnist.npz): the pattern-form levers,
each run once under the budget: float64 on one thread (the default: the two-loop L-BFGS and the
restricted solves of :mod:`bmconvex.solvers.subspace`), without the restricted solves, SciPy's
L-BFGS-B in its place, float32 evaluations of (18)
(certificates float64), two threads, L-BFGS's initial scaling per block (:func:`bmconvex.solvers.lbfgs.block_scaling`),
memories 100 and 300 (against 30), full rank c from the start, growth after 4 stalled certificates
(not 16), and a warm start from a tenth of the samples.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from scnn_bench import scnn_rows
from threadpoolctl import threadpool_limits

from bmconvex.mlp import spiral
from bmconvex.mlp.arrangements import arrangement_for_seed
from bmconvex.mlp.problem import GatedReLUProblem
from bmconvex.solvers.bm_certified import BMSettings
from bmconvex.solvers.certified import solve_certified
from bmconvex.solvers.clarabel_direct import solve as solve_conic
from bmconvex.solvers.fista import FISTASettings

VARIANTS = {
    "BM prototype (m = d + c)": ("BM", {"settings": BMSettings(m0=5)}),
    "BM_CERTIFIED (m0 = 1 + growth, memory 10)": ("BM", {}),
    "BM memory 30": ("BM", {"settings": BMSettings(memory=30)}),
    "BM memory 100": ("BM", {"settings": BMSettings(memory=100)}),
    "BM warm start (n / 10)": ("BM", {"warm_start": 0.1}),
    "BM pattern operator": ("BM", {"form": "patterns"}),
    "FISTA (restarts)": ("FISTA", {"settings": FISTASettings(max_seconds=120)}),
}


FASHION_VARIANTS = {
    "BM_CERTIFIED (float64, 1 thread)": ({}, 1),
    "BM without restricted solves": ({"settings": BMSettings(restricted_below=0.0)}, 1),
    "BM L-BFGS-B (SciPy's, the default before the two-loop)": ({"settings": BMSettings(lbfgs="L-BFGS-B")}, 1),
    "BM float32 evaluations": ({"precision": "float32"}, 1),
    "BM 2 threads": ({}, 2),
    "BM L-BFGS-B, 2 threads": ({"settings": BMSettings(lbfgs="L-BFGS-B")}, 2),
    "BM preconditioned (eta = 0.1)": ({"settings": BMSettings(precondition=0.1)}, 1),
    "BM memory 100": ({"settings": BMSettings(memory=100)}, 1),
    "BM memory 300": ({"settings": BMSettings(memory=300)}, 1),
    "BM full rank from the start (m0 = c)": ({"settings": BMSettings(m0=10)}, 1),
    "BM grow sooner (stall window 4)": ({"settings": BMSettings(stall_checks=4)}, 1),
    "BM warm start (n / 10)": ({"warm_start": 0.1}, 1),
}


def problem(n: int, beta: float) -> GatedReLUProblem:
    data = spiral.make_spiral(n, 0.2, 0)
    return GatedReLUProblem(data.X, data.Y, arrangement_for_seed(data.X, 100, 0).D, beta)


def clarabel_child(n: int, beta: float) -> None:
    """Run in a child: one Clarabel solve, printed as JSON."""
    pr = problem(n, beta)
    start = time.perf_counter()
    solution = solve_conic(pr, 1e-8)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "p_upper": solution.p_star, "certified_gap": solution.certified_gap}))


def clarabel(n: int, beta: float, cap: float) -> dict:
    cmd = [sys.executable, __file__, "--clarabel-child", str(n), "--beta", str(beta)]
    try:
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=cap, check=True)
    except subprocess.TimeoutExpired:
        return {"status": "time_limit", "seconds": cap}
    except subprocess.CalledProcessError as err:
        return {"status": "failed", "error": err.stderr[-300:]}
    return {"status": "certified", **json.loads(run.stdout.strip().splitlines()[-1])}


def bench(n: int, beta: float, repeats: int, cap: float, variants: list[str]) -> list[dict]:
    pr = problem(n, beta)
    rows = [{"n": n, "P": pr.P, "solver": "CLARABEL_DIRECT", **clarabel(n, beta, cap)}]
    print(rows[-1], flush=True)
    for name, (method, options) in VARIANTS.items():
        if variants and not any(name.startswith(v) for v in variants):
            continue
        runs = [solve_certified(pr, method, **options) for _ in range(repeats)]
        best = min(runs, key=lambda r: r.seconds)
        rows.append(
            {
                "n": n,
                "P": pr.P,
                "solver": name,
                "status": best.status,
                "seconds": best.seconds,
                "median_seconds": float(np.median([r.seconds for r in runs])),
                "iterations": best.iterations,
                "ms_per_iteration": 1e3 * best.seconds / max(best.iterations, 1),
                "rounds": best.rounds,
                "grown": best.grown,
                "p_upper": best.bracket.p_upper,
                "certified_gap": best.bracket.certified_gap,
            }
        )
        print(rows[-1], flush=True)
    reference = rows[0]["seconds"]
    for row in rows:
        row["speedup_vs_clarabel"] = reference / row["seconds"] if "seconds" in row else np.nan
    return rows


def fashion_bench(n: int, P_hat: int, beta: float, budget: float, variants: list[str]) -> list[dict]:
    """The pattern-form levers on Fashion-MNIST, same data, one process, each run once under ``budget``."""
    from bmconvex.certify.data import fashion_case

    program = fashion_case(dict(np.load("results/certify/data/fashion_mnist.npz")), n, P_hat, beta, 0).program
    rows = []
    for name, (options, threads) in FASHION_VARIANTS.items():
        if variants and not any(name.startswith(v) for v in variants):
            continue
        torch.set_num_threads(threads)
        options = {"settings": BMSettings(max_seconds=budget), **options}
        options["settings"] = replace(options["settings"], max_seconds=budget)
        with threadpool_limits(threads):
            r = solve_certified(program, "BM", form="patterns", **options)
        rows.append(
            {
                "n": n,
                "P": program.D.shape[0],
                "solver": name,
                "status": r.status,
                "seconds": r.seconds,
                "iterations": r.iterations,
                "evaluations": r.evaluations,
                "ms_per_iteration": 1e3 * r.seconds / max(r.iterations, 1),
                "rounds": r.rounds,
                "grown": r.grown,
                "p_upper": r.bracket.p_upper,
                "p_lower": r.bracket.p_lower,
                "certified_gap": r.bracket.certified_gap,
            }
        )
        print(rows[-1], flush=True)
    torch.set_num_threads(1)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", choices=["spiral", "fashion_mnist"], default="spiral")
    parser.add_argument("--n", type=int, nargs="+", default=[3000])
    parser.add_argument("--P-hat", type=int, default=20, help="Fashion-MNIST gates")
    parser.add_argument("--budget", type=float, default=300.0, help="Fashion-MNIST: seconds per run")
    parser.add_argument("--beta", type=float, default=1e-3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--clarabel-cap", type=float, default=300.0, help="seconds before Clarabel is stopped")
    parser.add_argument("--variants", nargs="*", default=[], help="only the variants whose names start so")
    parser.add_argument("--scnn", action="store_true", help="the scnn contender, binary cases (scnn_bench.py)")
    parser.add_argument("--clarabel-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", default="results/benchmarks/certify.csv")
    args = parser.parse_args()
    torch.set_num_threads(1)
    with threadpool_limits(1):
        if args.clarabel_child:
            clarabel_child(args.clarabel_child, args.beta)
            return
        if args.scnn:
            rows = scnn_rows(args.dataset, args.n, args.beta, args.P_hat, args.budget, args.repeats, args.variants)
        elif args.dataset == "fashion_mnist":
            rows = [row for n in args.n for row in fashion_bench(n, args.P_hat, args.beta, args.budget, args.variants)]
        else:
            rows = [row for n in args.n for row in bench(n, args.beta, args.repeats, args.clarabel_cap, args.variants)]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    table = pd.DataFrame(rows)
    table.to_csv(args.out, index=False)
    with pd.option_context("display.width", 250, "display.max_columns", 20):
        print(table.to_string(index=False))
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
