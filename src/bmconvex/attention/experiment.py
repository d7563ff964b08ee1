"""One unit of work of the self-attention experiment: a BM run per (beta, m, seed), or p* of (104).

Seeds: the data come from their own seed (every run sees the same sequences); a run's ``seed``
drives the Gaussian init of its heads through the stream below, shared by every beta.
"""

from __future__ import annotations

import logging

import numpy as np

from bmconvex.attention.certificate import bm_certificate, numerical_rank
from bmconvex.attention.convex import solve_convex
from bmconvex.attention.data import Sequences, make_sequences
from bmconvex.attention.problem import AttentionProblem
from bmconvex.attention.training import init_factors, train_gd
from bmconvex.core.gd import GDSettings, TrainResult
from bmconvex.core.ranks import RANK_RTOL
from bmconvex.solvers import ConvexSolution

INIT_STREAM = 1

log = logging.getLogger("bmconvex")


def save_data(path: str, data: Sequences) -> None:
    np.savez(path, X=data.X, Y=data.Y, U_teacher=data.U_teacher, V_teacher=data.V_teacher)


def make_data(path: str, n: int, s: int, d: int, c: int, teacher_heads: int, noise: float, seed: int) -> None:
    data = make_sequences(n, s, d, c, teacher_heads, noise, seed)
    log.info("n = %d sequences of s = %d tokens, d = %d, c = %d, %d teacher heads", n, s, d, c, teacher_heads)
    save_data(path, data)


def make_problem(data_path: str, beta: float) -> AttentionProblem:
    with np.load(data_path) as data:
        return AttentionProblem.from_sequences(data["X"], data["Y"], beta)


def run_bm(
    problem: AttentionProblem, m: int, seed: int, init_std: float, settings: GDSettings, log_every=0
) -> tuple[TrainResult, dict]:
    """Train (26) with m heads from the seed's init and certify its last iterate against (104)."""
    U, V = init_factors(problem, m, init_std, np.random.default_rng([INIT_STREAM, seed]))

    def progress(epoch: int, objective: float, lr: float) -> None:
        log.info("epoch %6d / %d  objective %.12g  lr %.3g", epoch, settings.epochs, objective, lr)

    result = train_gd(problem, U, V, settings, progress=progress, progress_every=log_every)
    record = {
        "m": m,
        "epochs": settings.epochs,
        "final_lr": float(result.lr[-1]),
        "seconds": result.seconds,
        **bm_certificate(problem, result.U, result.V),
    }
    log.info("done in %.2f s: %s", result.seconds, record)
    return result, record


def run_convex(problem: AttentionProblem, solver: str, tolerance: float) -> tuple[ConvexSolution, dict]:
    """p* of (104), its certified accuracy and the rank of Z* (singular values above RANK_RTOL * max)."""
    log.info(
        "solving (104) with %s: d = %d, c = %d, n = %d, beta = %g",
        solver,
        problem.d,
        problem.c,
        problem.n,
        problem.beta,
    )
    solution = solve_convex(problem, solver, tolerance)
    record = {
        "p_star": solution.p_star,
        "p_star_lower_bound": solution.lower_bound,
        "certified_gap": solution.certified_gap,
        "rank_Z_star": numerical_rank(solution.Z, RANK_RTOL),
        "singular_values_Z_star": np.linalg.svd(solution.Z, compute_uv=False).tolist(),
        "rank_rtol": RANK_RTOL,
        "solver": solution.solver,
        "tolerance": solution.tolerance,
        "seconds": solution.seconds,
    }
    log.info("%s", record)
    return solution, record
