"""Benchmark (not a test): what the ReLU program (19) costs per step beside the gated (18), one process.

    python benchmarks/relu_costs.py [--epochs 2000] [--repeats 3] [--out results/benchmarks/relu_costs.csv]

On the paper's spiral (seed 0, P-hat = 100) for n = 45, 150 and m = 1, 5, one thread, float64:

- microseconds per GD epoch: the gated trainer on (18) against projected GD on (19) with the closed-form
  wedge projection (the same fit, GD and init; best of ``repeats``);
- microseconds per projection of all P m columns: the closed form against NNLS per column (the general-d
  method, Moreau's decomposition with scipy.optimize.nnls);
- seconds for p* of (3) certified (SDP, feasible network, Fenchel dual) and for the SDP relaxation of
  sigma_j on one pattern (the general-d bound).
"""

from __future__ import annotations

import argparse
import timeit
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from bmconvex.core.gd import GDSettings
from bmconvex.core.pattern_fit import init_factors
from bmconvex.mlp.arrangements import arrangement_for_seed
from bmconvex.mlp.problem import GatedReLUProblem
from bmconvex.mlp.spiral import make_spiral
from bmconvex.mlp.training import train_gd
from bmconvex.relu.optimum import certified_optimum
from bmconvex.relu.problem import ReLUProblem
from bmconvex.relu.relaxation import sigma_relaxation
from bmconvex.relu.sigma import project_nnls
from bmconvex.relu.training import train_projected


def best(fn, repeats: int) -> float:
    """Seconds of the fastest of ``repeats`` calls (the standard library's timer)."""
    return min(timeit.repeat(fn, number=1, repeat=repeats))


def row(n: int, m: int, epochs: int, repeats: int) -> dict:
    data = make_spiral(n, 0.2, 0)
    arrangement = arrangement_for_seed(data.X, 100, 0)
    relu = ReLUProblem(data.X, data.Y, arrangement.D, arrangement.H, 1e-3)
    gated = GatedReLUProblem(data.X, data.Y, arrangement.D, 1e-3)
    U, V = init_factors(relu.P, 2, 3, m, 0.1, np.random.default_rng(0))
    settings = GDSettings(epochs=epochs)
    t_gated = best(lambda: train_gd(gated, U.copy(), V.copy(), settings), repeats)
    t_relu = best(lambda: train_projected(relu, relu.wedges.project(U), V.copy(), settings), repeats)
    t_closed = best(lambda: relu.wedges.project(U), 20 * repeats)
    t_nnls = best(lambda: [project_nnls(relu.K[j], U[j, :, k]) for j in range(relu.P) for k in range(m)], repeats)
    t_pstar = best(lambda: certified_optimum(relu, 1e-7, 1e-9, 20), 1)
    G = np.random.default_rng(1).standard_normal((2, 3))
    t_relax = best(lambda: sigma_relaxation(relu.K[0], G), 1)
    return {
        "n": n,
        "m": m,
        "P": relu.P,
        "gated_us_per_epoch": 1e6 * t_gated / epochs,
        "relu_us_per_epoch": 1e6 * t_relu / epochs,
        "ratio": t_relu / t_gated,
        "projection_closed_form_us": 1e6 * t_closed,
        "projection_nnls_us": 1e6 * t_nnls,
        "p_star_certified_s": t_pstar,
        "sigma_relaxation_s_per_pattern": t_relax,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default="results/benchmarks/relu_costs.csv")
    args = parser.parse_args()
    with threadpool_limits(1):
        table = pd.DataFrame([row(n, m, args.epochs, args.repeats) for n in (45, 150) for m in (1, 5)])
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out, index=False)
    print(table.to_string(index=False, float_format="{:.3g}".format))


if __name__ == "__main__":
    main()
