"""Benchmark (not a test): the cost model of BM_CERTIFIED's pattern form at d = 784 (Fashion-MNIST).

    python benchmarks/certify_cost.py [--n 1000 10000 60000] [--P-hat 100 1000] [--threads 1 2]
                                      [--memory 10 30 100 300] [--out docs/certify/cost.csv]

Seconds of one evaluation of (18) and its gradients (eq. 28) at full rank m = c = 10 on every
pattern (the state of the solve's tail), of one certificate (Y_hat and G_j from the residual,
float64), and of one L-BFGS-B iteration's own work at the program's size for each memory, on a
quadratic whose evaluation is free. Best of ``repeats``, in one process on the same data.
An iteration costs one evaluation (about 4 n d P m flops) plus L-BFGS-B's own work; a certificate
every 25 iterations adds about 2 n d P c flops.
"""

from __future__ import annotations

import argparse
import time
import timeit

import numpy as np
import pandas as pd
import torch
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits

from bmconvex.certify.data import fashion_case
from bmconvex.solvers.bracket import certify
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


def lbfgs_overhead(size: int, memory: int, tail: int = 20) -> float:
    """Seconds of L-BFGS-B's own work per iteration on a diagonal quadratic of ``size`` variables,
    once its memory is full (the mean over ``tail`` iterations after the first ``memory``)."""
    h = np.linspace(1.0, 1e4, size)
    fun = lambda x: (0.5 * float(h @ (x * x)), h * x)  # noqa: E731
    stamps = []
    options = {"maxcor": memory, "maxiter": memory + tail, "ftol": 0.0, "gtol": 0.0}
    with threadpool_limits(limits=1, user_api="blas"):
        result = minimize(
            fun,
            np.ones(size),
            jac=True,
            method="L-BFGS-B",
            options=options,
            callback=lambda _: stamps.append(time.perf_counter()),
        )
    evaluation = best_of(3, lambda: fun(np.ones(size)))
    full = np.diff(stamps[memory:])
    return float(full.mean()) - evaluation * result.nfev / result.nit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1000, 10000, 60000])
    parser.add_argument("--P-hat", type=int, nargs="+", default=[100])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--memory", type=int, nargs="+", default=[10, 30, 100, 300])
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
        size = rows[-1]["P"] * (784 + C) * C
        for memory in args.memory:
            rows.append({"P_hat": P_hat, "P": rows[-1]["P"], "memory": memory, "lbfgs_s": lbfgs_overhead(size, memory)})
            print(rows[-1], flush=True)
    pd.DataFrame(rows).to_csv(args.out, index=False, float_format="%.4g")
    print(pd.DataFrame(rows).to_markdown(index=False))


if __name__ == "__main__":
    main()
