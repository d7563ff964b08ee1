"""Benchmark (not a test): the cost model of BM_CERTIFIED's pattern form at d = 784 (Fashion-MNIST).

    python benchmarks/certify_cost.py [--n 1000 10000 60000] [--P-hat 100 1000] [--threads 1 2]
                                      [--memory 10 30 100 300] [--lbfgs L-BFGS-B two-loop]
                                      [--out docs/certify/cost.csv]

Seconds of one evaluation of (18) and its gradients (eq. 28) at full rank m = c = 10 on every
pattern (the state of the solve's tail), of one certificate (Y_hat and G_j from the residual,
float64), and of one L-BFGS iteration's own work at the program's size for each memory and method
(SciPy's L-BFGS-B on one BLAS thread, the two-loop recursion on each of ``threads``), on a quadratic
whose evaluation is free, run as the solver runs them (:func:`bmconvex.solvers.lbfgs.run_lbfgs`).
Best of ``repeats``, in one process on the same data (``--n`` with no sizes: the L-BFGS rows only).
An iteration costs one evaluation (about 4 n d P m flops) plus L-BFGS's own work; a certificate
every 25 iterations adds about 2 n d P c flops.
"""

from __future__ import annotations

import argparse
import time
import timeit

import numpy as np
import pandas as pd
import torch
from threadpoolctl import threadpool_limits

from bmconvex.certify.data import fashion_case
from bmconvex.solvers.bracket import certify
from bmconvex.solvers.lbfgs import METHODS, run_lbfgs
from bmconvex.solvers.patterns import PatternOperator

C = 10  # classes: full rank per pattern


def best_of(repeats: int, run) -> float:
    """Seconds of the fastest of ``repeats`` calls (the standard library's timer)."""
    return min(timeit.repeat(run, number=1, repeat=repeats))


def operator_rows(images: dict, n: int, P_hat: int, threads: int, repeats: int) -> dict:
    program = fashion_case(images, n, P_hat, 0.1, 0).program
    operator = PatternOperator(program.X, program.Y, program.D, program.s)
    P, d = operator.P, operator.d
    rng = np.random.default_rng(0)
    U, V = 1e-3 * rng.standard_normal((P, d, C)), 1e-3 * rng.standard_normal((P, C, C))
    torch.set_num_threads(threads)
    evaluation = best_of(repeats, lambda: operator.bm_value_grad(U, V, program.beta))
    certificate = best_of(repeats, lambda: certify(operator, U @ V.transpose(0, 2, 1), program.beta))
    gflop = 4 * n * d * P * C / 1e9
    return {
        "n": n,
        "P_hat": P_hat,
        "P": P,
        "threads": threads,
        "evaluation_s": evaluation,
        "certificate_s": certificate,
        "gflop_per_evaluation": gflop,
        "gflops": gflop / evaluation,
    }


def lbfgs_overhead(size: int, memory: int, method: str, threads: int, tail: int = 20) -> float:
    """Seconds of an L-BFGS iteration's own work on a diagonal quadratic of ``size`` variables, once its
    memory is full (the mean over ``tail`` iterations after the first ``memory``), evaluations taken off."""
    h = np.linspace(1.0, 1e4, size)
    value_grad = lambda U, V: (0.5 * float(h @ (U * U)), h * U, V)  # noqa: E731
    stamps = []

    def checkpoint(U, V, iterations):
        stamps.append(time.perf_counter())
        return False

    with threadpool_limits(threads):
        run = run_lbfgs(value_grad, np.ones(size), np.zeros(0), memory, memory + tail, 1, checkpoint, method=method)
        evaluation = best_of(3, lambda: value_grad(np.ones(size), np.zeros(0)))
    full = np.diff(stamps[memory:])
    return float(full.mean()) - evaluation * run.evaluations / run.iterations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="*", default=[1000, 10000, 60000])
    parser.add_argument("--P-hat", type=int, nargs="+", default=[100])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--memory", type=int, nargs="+", default=[10, 30, 100, 300])
    parser.add_argument("--lbfgs", nargs="+", choices=METHODS, default=list(METHODS))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default="results/benchmarks/certify_cost.csv")
    args = parser.parse_args()
    images = dict(np.load("results/certify/data/fashion_mnist.npz"))
    rows = []
    for P_hat in args.P_hat:
        for n in args.n:
            for threads in args.threads:
                rows.append(operator_rows(images, n, P_hat, threads, args.repeats))
                print(rows[-1], flush=True)
        P = rows[-1]["P"] if args.n else P_hat  # distinct patterns (P_hat at these sizes)
        for memory in args.memory:
            for method in args.lbfgs:
                for threads in [1] if method == "L-BFGS-B" else args.threads:  # L-BFGS-B runs on one BLAS thread
                    seconds = lbfgs_overhead(P * (784 + C) * C, memory, method, threads)
                    rows.append({"P_hat": P_hat, "P": P, "threads": threads, "memory": memory, "lbfgs": method})
                    rows[-1]["lbfgs_s"] = seconds
                    print(rows[-1], flush=True)
    pd.DataFrame(rows).to_csv(args.out, index=False, float_format="%.4g")
    print(pd.DataFrame(rows).to_markdown(index=False))


if __name__ == "__main__":
    main()
