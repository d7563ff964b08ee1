"""The references the project's trainer is measured against: eq. (18) trained as the paper
describes it, with PyTorch autograd, SGD (momentum 0.9) and ReduceLROnPlateau.

``literal``: the objective written as eq. (18) reads, sum_j D_j X U_j V_j^T over a Python loop of
patterns; ``vectorised``: the same sum as two einsum contractions over all patterns at once."""

from __future__ import annotations

import numpy as np
import torch

from bmconvex.core.gd import GDSettings
from bmconvex.mlp.problem import GatedReLUProblem


def predict_literal(X, D, U, V):
    return sum((D[j, :, None] * X) @ U[j] @ V[j].T for j in range(D.shape[0]))


def predict_vectorised(X, D, U, V):
    hidden = torch.einsum("nd,pdm->pnm", X, U) * D[:, :, None]  # D_j X U_j
    return torch.einsum("pnm,pcm->nc", hidden, V)  # sum_j D_j X U_j V_j^T


def autograd_gd(
    problem: GatedReLUProblem,
    U0: np.ndarray,
    V0: np.ndarray,
    settings: GDSettings,
    variant: str = "literal",
    dtype=torch.float64,
):
    """Full-batch GD on (18) through autograd; returns the objective at the start of each epoch."""
    predict = {"literal": predict_literal, "vectorised": predict_vectorised}[variant]
    X = torch.tensor(problem.X, dtype=dtype)
    Y = torch.tensor(problem.Y, dtype=dtype)
    D = torch.tensor(problem.D, dtype=dtype)
    U = torch.nn.Parameter(torch.tensor(U0, dtype=dtype))
    V = torch.nn.Parameter(torch.tensor(V0, dtype=dtype))
    opt = torch.optim.SGD([U, V], lr=settings.lr, momentum=settings.momentum)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(
        opt, factor=settings.plateau_factor, patience=settings.plateau_patience, threshold=settings.plateau_threshold
    )
    losses = np.empty(settings.epochs)
    for epoch in range(settings.epochs):
        opt.zero_grad()
        Y_hat = predict(X, D, U, V)
        loss = 0.5 * problem.s * ((Y_hat - Y) ** 2).sum() + 0.5 * problem.beta * ((U**2).sum() + (V**2).sum())
        loss.backward()
        opt.step()
        losses[epoch] = loss.item()
        sched.step(losses[epoch])
    return U.detach().numpy(), V.detach().numpy(), losses
