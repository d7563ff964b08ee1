"""The paper's full-batch GD (App. C.1) on the BM factorisation (26) of linear self-attention.

Heavy-ball steps, the reduce-on-plateau rule and the divergence checks are
:func:`bmconvex.core.gd.heavy_ball`; the gradients are the closed forms of
:meth:`AttentionProblem.bm_gradients` on the factors U = [vec(U_j)], V = [vec(V_j^T)], computed
from the design's Gram matrix so that an epoch costs the same whatever n is.
"""

from __future__ import annotations

import numpy as np

from bmconvex.attention.problem import AttentionProblem
from bmconvex.core.gd import GDSettings, TrainResult, train


def init_factors(problem: AttentionProblem, m: int, init_std: float, rng: np.random.Generator):
    """Gaussian heads: every entry of U_j and V_j ~ N(0, init_std^2), as factors (d^2, m), (dc, m)."""
    if m < 1:
        raise ValueError(f"the number of heads m must be >= 1, got {m}")
    d2, dc = problem.shape
    return init_std * rng.standard_normal((d2, m)), init_std * rng.standard_normal((dc, m))


class AttentionFit:
    """F of (26) at Z = U V^T and its gradients G V, G^T U, with G = grad_Z F (Lemma 3.9)."""

    def __init__(self, problem: AttentionProblem, U: np.ndarray, V: np.ndarray, gU: np.ndarray, gV: np.ndarray):
        self.problem, self.U, self.V, self.gU, self.gV = problem, U, V, gU, gV

    def __call__(self) -> float:
        F, G = self.problem.fit_and_grad_Z(self.U @ self.V.T)
        np.matmul(G, self.V, out=self.gU)
        np.matmul(G.T, self.U, out=self.gV)
        return F


def train_gd(problem: AttentionProblem, U: np.ndarray, V: np.ndarray, settings: GDSettings, **progress) -> TrainResult:
    """``settings.epochs`` steps of heavy-ball GD on (26) from (U, V), as torch's SGD takes them."""
    return train(problem, U, V, settings, AttentionFit, **progress)
