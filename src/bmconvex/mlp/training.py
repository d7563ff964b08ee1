"""Full-batch gradient descent on the BM factorisation (18), as in the paper's Sec. 4.1.

The paper runs PyTorch SGD (momentum 0.9, lr 1.0) with the learning rate multiplied by 0.9
when the training loss plateaus (:func:`bmconvex.core.gd.train`). The fit and its gradient are
the closed forms of App. A.1 (eq. 28) in float64 NumPy (:class:`bmconvex.core.pattern_fit.ClosedFormFit`,
shared with the ReLU program (19)).
"""

from __future__ import annotations

import numpy as np

from bmconvex.core.gd import GDSettings, TrainResult, train
from bmconvex.core.pattern_fit import ClosedFormFit
from bmconvex.mlp.problem import GatedReLUProblem


def train_gd(problem: GatedReLUProblem, U: np.ndarray, V: np.ndarray, settings: GDSettings, **progress) -> TrainResult:
    """``settings.epochs`` steps of the paper's heavy-ball GD on (18) from (U, V)."""
    return train(problem, U, V, settings, ClosedFormFit, **progress)
