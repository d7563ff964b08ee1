"""One unit of work of the spiral experiment (Sec. 4.1): a BM run or a solve of (5).

Seeds: a run's ``seed`` drives two independent streams, stream 0 for the arrangement sample
(shared by every beta and m) and stream 1 for the Gaussian init of U, V (shared by every beta).
"""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np

from bmconvex import arrangements, spiral
from bmconvex.bounds import bm_certificate
from bmconvex.conic import solve_conic
from bmconvex.convex import ConvexSolution, solve_convex
from bmconvex.problem import GatedReLUProblem
from bmconvex.training import DivergenceError, GDSettings, TrainResult, init_factors, train_gd

ARRANGEMENT_STREAM, INIT_STREAM = 0, 1

log = logging.getLogger("bmconvex")


def rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng([stream, seed])


def make_arrangement(data: spiral.Dataset, P_hat: int, seed: int) -> arrangements.Arrangement:
    arrangement = arrangements.sample_arrangement(data.X, P_hat, rng(seed, ARRANGEMENT_STREAM))
    log.info("n = %d: %d of %d sampled gates give distinct non-empty patterns", data.X.shape[0], arrangement.P, P_hat)
    return arrangement


def make_problem(data_path: str, arrangement_path: str, beta: float, loss_scaling: str) -> GatedReLUProblem:
    data = spiral.load(data_path)
    arrangement = arrangements.load(arrangement_path)
    return GatedReLUProblem(data.X, data.Y, arrangement.D, beta, loss_scaling)


def run_bm(
    problem: GatedReLUProblem,
    m: int,
    seed: int,
    init_std: float,
    settings: GDSettings,
    restarts: int = 0,
    restart_lr_factor: float = 0.5,
    log_every: int = 0,
) -> tuple[TrainResult, dict]:
    """Train (18) from the seed's init and certify the final point against (5).

    The paper's lr 1.0 sits at the edge of stability for small beta: a run whose objective
    blows up is restarted from the same init with the initial lr times ``restart_lr_factor``,
    at most ``restarts`` times; the initial lr used is recorded as ``lr0``.
    """
    U, V = init_factors(problem.P, problem.d, problem.c, m, init_std, rng(seed, INIT_STREAM))

    def progress(epoch: int, objective: float, lr: float) -> None:
        log.info("epoch %6d / %d  objective %.10g  lr %.3g", epoch, settings.epochs, objective, lr)

    for attempt in range(restarts + 1):
        try:
            result = train_gd(problem, U, V, settings, progress, log_every)
            break
        except DivergenceError as err:
            if attempt == restarts:
                raise DivergenceError(f"{err}; gave up after {restarts} restart(s) with smaller lr") from err
            log.warning("%s: restarting from the same init with lr %g", err, settings.lr * restart_lr_factor)
            settings = replace(settings, lr=settings.lr * restart_lr_factor)
    record = {
        "P": problem.P,
        "m": m,
        "epochs": settings.epochs,
        "lr0": settings.lr,
        "restarts": attempt,
        "final_lr": float(result.lr[-1]),
        "seconds": result.seconds,
        **bm_certificate(problem, result.U, result.V),
    }
    log.info("done in %.2f s: %s", result.seconds, record)
    return result, record


def run_convex(problem: GatedReLUProblem, solver: str, tolerance: float) -> tuple[ConvexSolution, dict]:
    """Solve (5) and describe the solution, its solver and its certified accuracy."""
    log.info("solving (5) with %s: P = %d, n = %d, beta = %g", solver, problem.P, problem.n, problem.beta)
    if solver == "CLARABEL_DIRECT":
        solution = solve_conic(problem, tolerance)
    else:
        solution = solve_convex(problem, solver, tolerance)
    record = {
        "P": problem.P,
        "p_star": solution.p_star,
        "p_star_lower_bound": solution.lower_bound,
        "certified_gap": solution.certified_gap,
        "solver": solution.solver,
        "status": solution.status,
        "tolerance": solution.tolerance,
        "seconds": solution.seconds,
    }
    log.info("%s", record)
    return solution, record
