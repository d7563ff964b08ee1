"""Small real instances of the self-attention programs (104) and (26) shared by the tests."""

import numpy as np

from bmconvex.attention.data import make_sequences
from bmconvex.attention.problem import AttentionProblem


def sequences_problem(beta: float = 0.05, n: int = 12, s: int = 3, d: int = 2, c: int = 3, seed: int = 0):
    """Sequences from a two-head teacher plus noise, and their problem (104)."""
    data = make_sequences(n, s, d, c, teacher_heads=2, noise=0.1, seed=seed)
    return data, AttentionProblem.from_sequences(data.X, data.Y, beta)


def denoising_problem(beta: float, d: int = 2, c: int = 3, n: int = 5, seed: int = 0):
    """A design with Phi^T Phi = n I, so that F(A(Z)) = 1/2 ||Z - B||_F^2 + const: eq. (13).

    Returns the problem, B in the layout of Z, and const = (1/2n) ||(I - Phi Phi^T / n) Y||^2.
    """
    rng = np.random.default_rng(seed)
    N = d**3 + 4
    Q, _ = np.linalg.qr(rng.standard_normal((N, d**3)))
    Phi, Y = np.sqrt(n) * Q, rng.standard_normal((N, c))
    problem = AttentionProblem(Phi, Y, d, c, n, beta)
    B = (Q.T @ Y / np.sqrt(n)).reshape(problem.shape)
    const = 0.5 / n * float(np.sum((Y - Q @ (Q.T @ Y)) ** 2))
    return problem, B, const


def svt_optimum(B: np.ndarray, beta: float, const: float):
    """Z* = SVT_beta(B), its balanced factors (rank r columns) and p* = const + sum_k h(sigma_k)."""
    L, sigma, Rt = np.linalg.svd(B, full_matrices=False)
    shrunk = np.maximum(sigma - beta, 0.0)
    r = int(np.sum(shrunk > 0))
    U, V = L[:, :r] * np.sqrt(shrunk[:r]), Rt[:r].T * np.sqrt(shrunk[:r])
    per_value = np.where(sigma > beta, beta * sigma - 0.5 * beta**2, 0.5 * sigma**2)
    return U @ V.T, U, V, const + float(per_value.sum())
