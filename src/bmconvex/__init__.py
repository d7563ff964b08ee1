"""Burer-Monteiro factorisation of convex neural networks (Sahiner et al., ICLR 2024).

One subpackage per architecture of the paper, around a shared core:

- :mod:`bmconvex.core`: what every architecture uses: the certificate of Thm 3.4 (eps and the
  lower bound d_hat, for NumPy and torch), result records, job logs, figure saving, typed config
  specs and the code digest that re-runs a job when its code changes;
- :mod:`bmconvex.solvers`: one entry point, ``solve(problem, solver, tolerance)``, for the convex
  program (5) (MOSEK, Clarabel through CVXPY, Clarabel direct), each answer certified;
- :mod:`bmconvex.mlp`: the gated-ReLU MLP of Sec. 4.1: spiral data, arrangements, programs (5) and
  (18), GD, the gap table and Figures 2-4;
- :mod:`bmconvex.cnn`: the layerwise CNN of Sec. 4.2: datasets, device loader, stage (126) and
  convex form (23), training, bound (Cor. 3.8) and Figures 1, 5, 6;
- :mod:`bmconvex.config`: the configuration read once into the specs of every experiment.
"""

__version__ = "0.1.0"
