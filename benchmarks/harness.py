"""Benchmark harness (issue: performance). One process, the same data for every contender.

    python benchmarks/harness.py [--epochs 2000] [--grid] [--out results/benchmarks/harness.csv]

1. BM epochs per second: the project's closed-form trainer against the autograd baselines of
   eq. (18) (benchmarks/baseline.py: the sum over patterns as written, and vectorised with einsum),
   n = 150 / P-hat = 100 (m = 1, 2, 5) and n = 600 / P-hat = 400 (m = 2), one thread each, float64;
   the speed-up and the relative difference of the final losses after the same number of steps
   from the same init.
2. Time to the optimum of (5) for each solver path, at matching accuracy (objective within 1e-7
   of the most accurate path, each path's accuracy certified by its Fenchel bound).
3. With --grid: the wall time of the default spiral grid, `snakemake --cores 2`, from a clean
   results folder in a scratch copy of the workflow.
4. GPU section (benchmarks/cnn_gpu.py): seconds per epoch and peak GPU memory of every BM CNN stage
   (m = 1, 2, 4; Fashion-MNIST sizes, P-hat = 256), the project's trainer against a plain PyTorch
   implementation of the same stage; skipped, saying so, without a CUDA device. --cnn-only runs
   only this section.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import torch
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the reference implementations live with the tests
from cnn_gpu import gpu_section  # noqa: E402
from reference_autograd import autograd_gd  # noqa: E402

from bmconvex.core.certificate import relative_gap  # noqa: E402
from bmconvex.core.gd import GDSettings  # noqa: E402
from bmconvex.core.pattern_fit import init_factors  # noqa: E402
from bmconvex.mlp import spiral  # noqa: E402
from bmconvex.mlp.arrangements import arrangement_for_seed  # noqa: E402
from bmconvex.mlp.problem import GatedReLUProblem  # noqa: E402
from bmconvex.mlp.seeds import INIT_STREAM, rng  # noqa: E402
from bmconvex.mlp.training import train_gd  # noqa: E402
from bmconvex.solvers import clarabel_direct, cvxpy_path, mosek_license_error  # noqa: E402

SIZES = [(150, 100, [1, 2, 5]), (600, 400, [2])]


def problem(n: int, P_hat: int, beta: float) -> GatedReLUProblem:
    data = spiral.make_spiral(n, 0.2, 0)
    arrangement = arrangement_for_seed(data.X, P_hat, 0)
    return GatedReLUProblem(data.X, data.Y, arrangement.D, beta)


def bench_trainers(epochs: int) -> list[dict]:
    rows = []
    settings = GDSettings(epochs=epochs)
    for n, P_hat, ms in SIZES:
        pr = problem(n, P_hat, 1e-3)
        for m in ms:
            U0, V0 = init_factors(pr.P, pr.d, pr.c, m, 0.1, rng(0, INIT_STREAM))
            train_gd(pr, U0, V0, GDSettings(epochs=50))  # warm-up of both paths
            ours = train_gd(pr, U0, V0, settings)
            for variant in ("literal", "vectorised"):
                autograd_gd(pr, U0, V0, GDSettings(epochs=50), variant)
                start = time.perf_counter()
                _, _, reference = autograd_gd(pr, U0, V0, settings, variant)
                t_ref = time.perf_counter() - start
                rows.append(
                    {
                        "benchmark": "bm_trainer",
                        "baseline": f"autograd_{variant}",
                        "n": n,
                        "P_hat": P_hat,
                        "P": pr.P,
                        "m": m,
                        "epochs": epochs,
                        "baseline_epochs_per_s": epochs / t_ref,
                        "ours_epochs_per_s": epochs / ours.seconds,
                        "speedup": t_ref / ours.seconds,
                        "final_loss_rel_diff": abs(relative_gap(ours.objective[-1], reference[-1])),
                    }
                )
                print(rows[-1], flush=True)
    return rows


def bench_solvers() -> list[dict]:
    paths = {
        "CVXPY+CLARABEL": lambda pr: cvxpy_path.solve(pr, "CLARABEL", 1e-9),
        "CLARABEL_DIRECT": lambda pr: clarabel_direct.solve(pr, 1e-9),
    }
    if mosek_license_error() is None:
        paths["CVXPY+MOSEK"] = lambda pr: cvxpy_path.solve(pr, "MOSEK", 1e-9)
    rows = []
    for n, P_hat, _ in SIZES:
        for beta in (1e-4, 1e-2):
            pr = problem(n, P_hat, beta)
            results = {}
            for name, solve in paths.items():
                start = time.perf_counter()
                sol = solve(pr)
                results[name] = (time.perf_counter() - start, sol)
            best = min(results.values(), key=lambda r: r[1].certified_gap)[1].p_star
            slowest = max(t for t, _ in results.values())
            for name, (seconds, sol) in results.items():
                rows.append(
                    {
                        "benchmark": "convex_solver",
                        "n": n,
                        "P_hat": P_hat,
                        "P": pr.P,
                        "beta": beta,
                        "path": name,
                        "seconds": seconds,
                        "speedup_vs_slowest": slowest / seconds,
                        "certified_gap": sol.certified_gap,
                        "rel_diff_to_most_accurate": abs(relative_gap(sol.p_star, best)),
                        "matches_1e-7": abs(relative_gap(sol.p_star, best)) <= 1e-7,
                    }
                )
                print(rows[-1], flush=True)
    return rows


def bench_grid() -> list[dict]:
    with tempfile.TemporaryDirectory() as scratch:
        for name in ["Snakefile", "config.yaml", "rules", "scripts", "workflow", "envs", "profiles"]:
            src = ROOT / name
            (shutil.copytree if src.is_dir() else shutil.copy)(src, Path(scratch) / name)
        start = time.perf_counter()
        cmd = [sys.executable, "-m", "snakemake", "--cores", "2", "--quiet"]  # profiles/default is found by itself
        run = subprocess.run(cmd, cwd=scratch, capture_output=True, text=True)
        if run.returncode:
            raise RuntimeError(f"the spiral grid failed:\n{run.stderr[-3000:]}")
        seconds = time.perf_counter() - start
        jobs = pd.concat(
            [
                pd.read_csv(p, sep="\t")
                for p in (Path(scratch) / "results" / "benchmarks" / "spiral" / "bm").glob("*.tsv")
            ]
        )
    row = {"benchmark": "spiral_grid", "cores": 2, "seconds": seconds, "bm_job_mean_s": jobs["s"].mean()}
    print(row, flush=True)
    return [row]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=2000, help="GD steps per trainer timing (default 2000)")
    parser.add_argument("--grid", action="store_true", help="also time the whole default spiral grid")
    parser.add_argument("--cnn-batches", type=int, default=100, help="batches timed per CNN stage (default 100)")
    parser.add_argument("--cnn-only", action="store_true", help="run only the CNN GPU section")
    parser.add_argument("--out", default="results/benchmarks/harness.csv")
    args = parser.parse_args()
    rows = []
    if not args.cnn_only:
        torch.set_num_threads(1)
        with threadpool_limits(1):
            rows = bench_trainers(args.epochs) + bench_solvers()
        if args.grid:
            rows += bench_grid()
    rows += gpu_section(args.cnn_batches)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    table = pd.DataFrame(rows)
    table.to_csv(args.out, index=False)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.drop(columns=[c for c in table if table[c].isna().all()]).to_string(index=False))
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
