"""Optimizers of BM factorisations beyond the paper's GD, by name (docs/optimizers/README.md).

``OPTIMIZERS[name](problem, U, V, fit, settings, budget, trace)``: see :mod:`bmconvex.optim.methods`.
The settings of each name are built by :meth:`bmconvex.optim.config.OptimizersSpec.settings`.
"""

from bmconvex.optim import methods

OPTIMIZERS = {
    "paper_gd": methods.gd,  # App. C.1: heavy ball, lr x 0.9 on a plateau
    "gd": methods.gd,  # the same, the plateau decay off
    "heavy_ball": methods.heavy_ball,  # constant step, momentum reset on a rise
    "precgd": methods.heavy_ball,  # the same on PrecGD's per-block scaled gradient
    "lbfgs": methods.lbfgs,  # L-BFGS-B at fixed m
}
