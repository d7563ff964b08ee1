"""Seconds per evaluation of (f, gradient) of each optimizer of (18) (issue 19). One process, one
thread, the same data and init for every contender, rounds interleaved (so that other jobs on the
machine slow all of them alike); the median over rounds.

    python benchmarks/optimizers.py [--evaluations 4000] [--rounds 5] [--out results/benchmarks/optimizers.csv]

The spiral at n = 150 (the paper's Fig. 2), P-hat = 100 (seed 0: P = 69 patterns), beta = 1e-3,
m = 1, 2, 5; the settings of config.yaml's optimizers section. A PrecGD iteration is one
evaluation, so its ratio to the paper's GD is the cost of an iteration against a GD epoch; it is
measured with the config's refresh of the per-block inverses and with a refresh every iteration.
The iterate is not certified here (the trace's check is due only after the budget).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd
import yaml
from threadpoolctl import threadpool_limits

from bmconvex.config import parse
from bmconvex.core.pattern_fit import ClosedFormFit, init_factors
from bmconvex.mlp import spiral
from bmconvex.mlp.arrangements import arrangement_for_seed
from bmconvex.mlp.problem import GatedReLUProblem
from bmconvex.mlp.seeds import INIT_STREAM, rng
from bmconvex.optim import OPTIMIZERS
from bmconvex.optim.spiral import certifier
from bmconvex.optim.trace import Trace

ROOT = Path(__file__).resolve().parents[1]


def contenders(config) -> dict:
    """name -> (registry name, settings), from the default config."""
    spec, gd = config.optimizers, config.spiral.gd
    out = {name: (name, spec.settings(name, gd)) for name in spec.run}
    if "precgd" in out:
        out["precgd, refresh 1"] = ("precgd", replace(spec.precgd, refresh=1))
    return out


def measure(problem, m: int, entries: dict, evaluations: int, rounds: int) -> list[dict]:
    U, V = init_factors(problem.P, problem.d, problem.c, m, 0.1, rng(0, INIT_STREAM))
    times = {label: [] for label in entries}
    for _ in range(rounds):
        for label, (name, settings) in entries.items():
            trace = Trace(certifier(problem), 1.0, (1e-6,), evaluations + 1)  # never due: no checks
            result = OPTIMIZERS[name](problem, U, V, ClosedFormFit, settings, evaluations, trace)
            times[label].append((result.seconds - trace.seconds) / result.evaluations)
    base = statistics.median(times["paper_gd"])
    return [
        {
            "n": problem.n,
            "P": problem.P,
            "m": m,
            "optimizer": label,
            "us_per_evaluation": 1e6 * statistics.median(t),
            "ratio_to_paper_gd": statistics.median(t) / base,
        }
        for label, t in times.items()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaluations", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", default="results/benchmarks/optimizers.csv")
    args = parser.parse_args()
    config = parse(yaml.safe_load((ROOT / "config.yaml").read_text()), ROOT / "workflow" / "schemas")
    data = spiral.make_spiral(150, 0.2, 0)
    problem = GatedReLUProblem(data.X, data.Y, arrangement_for_seed(data.X, 100, 0).D, beta=1e-3)
    rows = []
    with threadpool_limits(1):
        for m in (1, 2, 5):
            rows += measure(problem, m, contenders(config), args.evaluations, args.rounds)
    table = pd.DataFrame(rows)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out, index=False)
    print(table.to_string(index=False, float_format=lambda x: f"{x:.3g}"))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
