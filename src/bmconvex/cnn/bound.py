"""The relative optimality bound of a trained CNN stage (Cor. 3.8, Thm 3.4 applied to (23))."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from bmconvex.cnn.loader import DeviceData, batches
from bmconvex.cnn.model import BMStage, ConvexStage, FrozenChain
from bmconvex.core.certificate import thm34_epsilon


def stage_bound(
    model: BMStage, chain: FrozenChain, data: DeviceData, beta: float, samples: int | None, batch: int = 256
) -> float:
    """Cor. 3.8 / Thm 3.4 for the stage: (max_k ||grad_{Z_k} L||_2 / beta - 1)_+.

    Z_k = sum_j u_jk vec(V_jk)^T is the convex form of the trained stage; L is the mean
    cross-entropy over the first ``samples`` training images (all when None), in float32, its
    gradient accumulated over batches of ``batch`` images (the bound does not depend on it).
    """
    convex = ConvexStage.from_bm(model)
    convex.Z.requires_grad_(True)
    n = len(data.train_y) if samples is None else min(samples, len(data.train_y))
    for idx in batches(n, batch):
        with torch.no_grad():
            x = chain(data.normalise(data.train_x[idx]))
        loss = F.cross_entropy(convex(x), data.train_y[idx], reduction="sum") / n
        loss.backward()
    return thm34_epsilon(convex.Z_matrices(grad=True), beta)
