"""How beta of the Fashion-MNIST scaling runs was chosen: validation accuracy against beta.

    python benchmarks/fashion_beta.py [--n 2000] [--P-hat 100] [--budget 60] [--betas 1e-3 1e-2 1e-1 1]

Program (5) on the first n training images (the scaling experiment's preprocessing and gates,
:mod:`bmconvex.certify.data`), solved by BM_CERTIFIED within ``budget`` seconds per beta (the
accuracy needs no certificate; the certified gap reached is printed beside it), and the
accuracy measured on 2000 held-out *training* images (50000-51999), never the test set.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from bmconvex.certify.data import fashion_case
from bmconvex.certify.solve import test_accuracy
from bmconvex.cnn import files
from bmconvex.solvers.bm_certified import BMSettings
from bmconvex.solvers.certified import solve_certified

VALIDATION = slice(50_000, 52_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--P-hat", type=int, default=100)
    parser.add_argument("--budget", type=float, default=60.0)
    parser.add_argument("--betas", type=float, nargs="+", default=[1e-3, 1e-2, 1e-1, 1.0])
    parser.add_argument("--root", default="resources")
    parser.add_argument("--out", default="results/benchmarks/fashion_beta.csv")
    args = parser.parse_args()
    torch.set_num_threads(1)
    images = files.prepare("fashion_mnist", Path(args.root))
    packed = {
        "train_x": images.train_x,
        "train_y": images.train_y,
        "test_x": images.train_x[VALIDATION],  # validation images stand in for the test set
        "test_y": images.train_y[VALIDATION],
    }
    rows = []
    for beta in args.betas:
        case = fashion_case(packed, args.n, args.P_hat, beta, seed=0)
        result = solve_certified(case.program, "BM", BMSettings(max_seconds=args.budget))
        rows.append(
            {
                "beta": beta,
                "validation_accuracy": test_accuracy(case, result.Z, "cpu"),
                "status": result.status,
                "certified_gap": result.bracket.certified_gap,
                "p_upper": result.bracket.p_upper,
                "active_patterns": int((np.abs(result.Z).sum(axis=(1, 2)) > 0).sum()),
                "seconds": result.seconds,
            }
        )
        print(rows[-1], flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(args.out, index=False)
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
