"""Burer-Monteiro factorisation of convex neural networks (Sahiner et al., ICLR 2024).

One subpackage per architecture of the paper, around a shared core:

- :mod:`bmconvex.core`: what every architecture uses: the certificate of Thm 3.4 (eps and the
  lower bound d_hat, for NumPy and torch), the paper's GD for any BM factorisation, ranks and
  curvature of BM points, result records (finite or refused), job logs, figure saving, typed
  config specs and the code digest that re-runs a job when its code changes;
- :mod:`bmconvex.solvers`: one entry point, ``solve(problem, solver, tolerance)``, for the convex
  program (5) (MOSEK, Clarabel through CVXPY, Clarabel direct), each answer certified;
- :mod:`bmconvex.mlp`: the gated-ReLU MLP of Sec. 4.1: spiral data, arrangements, programs (5) and
  (18), GD, the gap table and Figures 2-4;
- :mod:`bmconvex.cnn`: the layerwise CNN of Sec. 4.2: datasets, device loader, stage (126) and
  convex form (23), training under a GPU memory budget with progress, bound (Cor. 3.8) and
  Figures 1, 5, 6;
- :mod:`bmconvex.attention`: linear self-attention (Lemma 3.9, Cor. 3.10), which the paper states
  but never runs: data, programs (26) and (104), GD, certificate and p*;
- :mod:`bmconvex.theory`: the remaining theorems checked (target ``theory``): curvature and rank
  conditions of the spiral runs (Thm 3.3, 3.5), figures of gap against m;
- :mod:`bmconvex.config`: the configuration read once into the specs of every experiment.
"""

__version__ = "0.1.0"
