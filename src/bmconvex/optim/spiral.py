"""One optimizer run on the spiral experiment's program (18): the grid, init and p* of Sec. 4.1.

The init is the spiral runs' (same seed stream), the fit their closed form (eq. 28), so the
paper's GD here is rule spiral_bm's run; the iterate is certified against (5) every few
evaluations (p_hat, and the better of Thm 3.4's d_hat and the Fenchel bound) and the final point
as in the spiral gap table (:func:`bmconvex.mlp.certificate.bm_certificate`).
"""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np

from bmconvex.core.certificate import lower_bound
from bmconvex.core.gd import Divergence, DivergenceError
from bmconvex.core.pattern_fit import ClosedFormFit, init_factors
from bmconvex.mlp.certificate import bm_certificate
from bmconvex.mlp.problem import GatedReLUProblem, factor_product
from bmconvex.mlp.seeds import INIT_STREAM, rng
from bmconvex.optim import OPTIMIZERS
from bmconvex.optim.norms import max_spectral_norm, nuclear_norm_sum
from bmconvex.optim.trace import Trace

log = logging.getLogger("bmconvex")


def certifier(problem: GatedReLUProblem):
    """(U, V) -> (p_hat, a certified lower bound on p*): the objective of (5) at Z_j = U_j V_j^T and
    the better of Thm 3.4's d_hat (eqs. 60-64) and the Fenchel bound of
    :func:`bmconvex.mlp.certificate.fenchel_lower_bound`, from one residual (norms: :mod:`bmconvex.optim.norms`)."""
    M, Y, s, beta = problem.M, problem.Y, problem.s, problem.beta

    def certify(U: np.ndarray, V: np.ndarray) -> tuple[float, float]:
        Z = factor_product(U, V)
        g = s * (M @ Z.reshape(-1, problem.c) - Y)  # grad F at Y_hat
        G = (M.T @ g).reshape(Z.shape)
        F, gg, gY = 0.5 * float(np.vdot(g, g)) / s, float(np.vdot(g, g)), float(np.vdot(g, Y))
        p_hat = F + beta * nuclear_norm_sum(Z)
        spectral = max_spectral_norm(G)
        if not (np.isfinite(p_hat) and np.isfinite(spectral)):
            # a blow-up the optimizer has not evaluated yet (it checks its objective next): restart it
            raise DivergenceError("the iterate diverged: it or its gradient is not finite")
        d_hat = lower_bound(F, float(np.vdot(G, Z)), max(0.0, spectral / beta - 1.0))
        if gg == 0.0:
            return p_hat, d_hat
        t = min(max(-s * gY / gg, 0.0), beta / spectral)
        return p_hat, max(d_hat, -t * gY - t * t * gg / (2.0 * s))

    return certify


def run_optimizer(
    problem: GatedReLUProblem,
    name: str,
    settings,
    m: int,
    seed: int,
    init_std: float,
    divergence: Divergence,
    p_star: float,
    budget: int,
    check_every: int,
    thresholds: tuple[float, ...],
) -> dict:
    """Run ``OPTIMIZERS[name]`` from the seed's init; a blow-up restarts it with a smaller step."""
    U, V = init_factors(problem.P, problem.d, problem.c, m, init_std, rng(seed, INIT_STREAM))
    lrs = divergence.initial_lrs(settings.lr) if hasattr(settings, "lr") else [None]
    for attempt, lr in enumerate(lrs):
        trace = Trace(certifier(problem), p_star, thresholds, check_every)
        try:
            chosen = settings if lr is None else replace(settings, lr=lr)
            result = OPTIMIZERS[name](problem, U, V, ClosedFormFit, chosen, budget, trace)
            break
        except DivergenceError as err:
            if attempt == len(lrs) - 1:
                raise DivergenceError(f"{err}; gave up after {attempt} restart(s) with smaller lr") from err
            log.warning("%s: restarting from the same init with lr %g", err, lrs[attempt + 1])
    record = {
        "optimizer": name,
        "P": problem.P,
        "m": m,
        "budget": budget,
        "evaluations": result.evaluations,
        "lr0": lr,
        "restarts": attempt,
        "seconds": result.seconds - trace.seconds,
        **bm_certificate(problem, result.U, result.V),
        **trace.record(),
    }
    log.info("%s, m = %d: %s", name, m, record)
    return record
