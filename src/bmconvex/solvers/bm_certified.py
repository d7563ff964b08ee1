"""BM as a certified solver of program (5): quasi-Newton on (18), Thm 3.4's certificate, rank growth.

    (5)   p* = min_{Z_j} F(sum_j D_j X Z_j) + beta sum_j ||Z_j||_*
    (18)       min_{U_j, V_j} F(sum_j D_j X U_j V_j^T) + beta/2 sum_j (||U_j||_F^2 + ||V_j||_F^2)

Rounds of: L-BFGS on (18) over the active patterns (:mod:`.lbfgs`), certified every ``check_every``
iterations (:mod:`.bracket`: p_upper, Thm 3.4's eps and d_hat, the dual bound p_lower); in Gram
form, once the gap is below ``newton_below`` or when L-BFGS's line search stops making progress (the
certificate needs gradient digits that function values no longer resolve), Newton steps on (18)
(:mod:`.newton`, Hessians of order <= 2000); then balancing and, where ||G_j||_2 > beta,
rank growth along the singular pairs of -G_j (:mod:`.rank`). It stops at a certified relative gap
(p_upper - p_lower) / p_lower <= tolerance, at a budget (iterations, seconds) or when no progress is
possible in floating point; every answer is the bracket [p_lower, p_upper] that holds at the
returned Z, whatever the stop (on a stop short of the tolerance, the best certified point seen).

The operator is the Gram form (:mod:`.gram`, small P d) or the batched pattern form
(:mod:`.patterns`); ``exact`` (a pattern operator) re-certifies the answer from the residual.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from bmconvex.solvers.bracket import Bracket, certify
from bmconvex.solvers.lbfgs import METHODS, block_scaling, default_memory, default_method
from bmconvex.solvers.newton import fits, polish
from bmconvex.solvers.rank import balance, grow, initial_factors, scatter
from bmconvex.solvers.subspace import try_restricted

NEWTON_TOLERANCE, NEWTON_GAP = 1e-7, 1e-3


@dataclass(frozen=True)
class BMSettings:
    tolerance: float = 1e-6  # certified relative gap to stop at
    m0: int = 1  # initial rank per pattern; grows where the certificate needs it
    seed: int = 0  # the random initial directions
    memory: int | None = None  # L-BFGS history pairs; None: by form (:func:`.lbfgs.default_memory`)
    lbfgs: str | None = None  # "L-BFGS-B" (SciPy's) or "two-loop"; None: by form (:func:`.lbfgs.default_method`)
    check_every: int = 25  # iterations between certificates
    stall_checks: int = 16  # grow when the gap has not halved over this many certificates
    drop: float = 1e-10  # balancing cuts singular values below drop x the largest one
    # Gram form: certified gap at which L-BFGS hands over to Newton (0: never); None: 1e-3 when
    # tolerance < 1e-7, where the certificate needs more gradient digits than L-BFGS's line search
    # resolves, else 0 (above it L-BFGS alone was faster: benchmarks/certify.py).
    newton_below: float | None = None
    max_iterations: int = 200_000
    max_seconds: float = math.inf
    # eta > 0: L-BFGS's initial scaling per block, (V_j^T V_j + eta I)^{-1} for U_j and (U_j^T U_j + eta I)^{-1}
    # for V_j, fixed at the start of each round (:func:`.lbfgs.block_scaling`); 0: identity (SciPy's).
    precondition: float = 0.0
    # Pattern form: at a certificate below this gap (and at most half the last try's), also solve (5)
    # restricted to the iterate's column spaces (:mod:`.subspace`), kept where its certificate is better; 0: never.
    restricted_below: float = 1e-3

    def __post_init__(self):
        if self.lbfgs not in (None, *METHODS):
            raise ValueError(f"BMSettings.lbfgs: {self.lbfgs!r} is none of {', '.join(METHODS)} (or None: by form)")

    @property
    def newton_gap(self) -> float:
        if self.newton_below is not None:
            return self.newton_below
        return NEWTON_GAP if self.tolerance < NEWTON_TOLERANCE else 0.0


@dataclass
class BMResult:
    Z: np.ndarray
    bracket: Bracket
    status: str  # certified, budget or stalled
    iterations: int = 0
    evaluations: int = 0
    rounds: int = 0
    grown: int = 0  # columns added by rank growth
    newton_steps: int = 0
    seconds: float = 0.0
    history: list[dict] = field(default_factory=list)  # the certificates along the way
    best: tuple[float, np.ndarray] | None = None  # (gap, Z) of the best certificate seen, answered on a budget stop
    restricted: list[float] = field(default_factory=list)  # the gaps of the restricted solves tried


def lbfgs_round(
    operator, U, V, active, beta: float, settings: BMSettings, result: BMResult, target: float, start, restricted
):
    """L-BFGS over the active patterns, certified every ``check_every`` iterations.

    It stops at a certified gap <= target (of the iterate or of its restricted solve, see
    :func:`try_restricted`), when the gap has not halved over ``stall_checks`` certificates (time to
    grow), or at the budget; the certificates go to ``result.history``.
    """
    operator.restrict(active)
    gaps = []

    def checkpoint(Ua, Va, iterations):
        Z = scatter(operator, active, Ua, Va)
        b = certify(operator, Z, beta)[0]
        gap, elapsed = b.certified_gap, time.perf_counter() - start
        if result.best is None or gap < result.best[0]:
            result.best = (gap, Z)
        result.history.append(
            {"iteration": result.iterations + iterations, "seconds": elapsed, "certified_gap": b.reported_gap}
        )
        gaps.append(gap)
        stalled = len(gaps) > settings.stall_checks and gap > 0.5 * gaps[-1 - settings.stall_checks]
        if gap > target and try_restricted(operator, Z, gap, beta, settings, result, restricted) <= target:
            return True
        return gap <= target or stalled or elapsed > settings.max_seconds

    value_grad = lambda Ua, Va: operator.bm_value_grad(Ua, Va, beta)  # noqa: E731
    run = block_scaling(value_grad, checkpoint, U[active], V[active], settings.precondition)
    return run(
        settings.memory or default_memory(operator),
        settings.max_iterations - result.iterations,
        settings.check_every,
        start + settings.max_seconds,
        settings.lbfgs or default_method(operator),
    )


def solve_bm_certified(
    operator, beta: float, settings: BMSettings = BMSettings(), exact=None, Z0=None, restricted=None
) -> BMResult:
    """Minimise (18) until the certificate of (5) holds to ``settings.tolerance`` or a budget is spent.

    ``Z0`` (P, d, c), a warm start (e.g. the solution on a subsample), replaces the random start.
    ``restricted`` (Z -> Z, :func:`.subspace.restricted_solver`): (5) re-solved inside Z's column spaces.
    """
    start = time.perf_counter()
    exact = operator if exact is None else exact
    if Z0 is None:
        U, V = initial_factors(operator, beta, settings.m0, settings.seed)
    else:
        U, V, _ = balance(np.asarray(Z0, dtype=float), settings.drop)
    Z = U @ V.transpose(0, 2, 1)
    result = BMResult(Z=Z, bracket=certify(operator, Z, beta)[0], status="")  # a placeholder until the first round
    target = settings.tolerance
    gram = hasattr(operator, "K")
    newton = settings.newton_gap > 0 and gram
    handover = newton  # L-BFGS stops at newton_below while Newton keeps helping

    def certified_fast(Up, Vp) -> bool:
        return certify(operator, Up @ Vp.transpose(0, 2, 1), beta)[0].certified_gap <= target

    def out_of_budget() -> bool:
        late = time.perf_counter() - start > settings.max_seconds
        return late or result.iterations >= settings.max_iterations

    while not result.status:
        active = np.nonzero(np.any(U != 0, axis=(1, 2)) | np.any(V != 0, axis=(1, 2)))[0]
        stop = max(target, settings.newton_gap) if handover else target
        run = lbfgs_round(operator, U, V, active, beta, settings, result, stop, start, restricted)
        result.iterations += run.iterations
        result.evaluations += run.evaluations
        result.rounds += 1
        restricted_certified = result.restricted and result.best[0] <= target  # then the round's answer
        Z = result.best[1] if restricted_certified else scatter(operator, active, run.U, run.V)
        U, V, ranks = balance(Z, settings.drop)
        Z = U @ V.transpose(0, 2, 1)
        fast, G = certify(operator, Z, beta)
        stuck = not run.stopped_by_checkpoint  # L-BFGS's line search could make no more progress
        due = stuck or fast.certified_gap <= settings.newton_gap  # newton_gap 0: only where L-BFGS stopped
        if gram and fits(U, V) and target < fast.certified_gap and due:
            Up, Vp, steps = polish(operator.K, operator.b, U, V, beta, certified_fast)
            result.newton_steps += steps
            Up, Vp, ranks_p = balance(Up @ Vp.transpose(0, 2, 1), settings.drop)
            polished, G_p = certify(operator, Up @ Vp.transpose(0, 2, 1), beta)
            handover = polished.certified_gap < 0.1 * fast.certified_gap  # Newton helped: hand over again
            if polished.certified_gap < fast.certified_gap:
                U, V, ranks, fast, G = Up, Vp, ranks_p, polished, G_p
                Z = U @ V.transpose(0, 2, 1)
                stuck = False  # Newton moved on where L-BFGS stopped
        if fast.certified_gap <= target:
            bracket = fast if exact is operator else certify(exact, Z, beta)[0]
            if bracket.certified_gap <= settings.tolerance:
                result.Z, result.bracket, result.status = Z, bracket, "certified"
                break
            target /= 2  # the fast certificate disagrees in the last digits: aim lower
        result.Z, result.bracket = Z, fast
        U, V, grown = grow(U, V, ranks, G, beta, operator.curvature)
        result.grown += int(grown.sum())
        if out_of_budget():
            result.status = "budget"
        elif not grown.any() and stuck:
            result.status = "stalled"  # neither L-BFGS nor Newton can make progress, no pattern can grow
    if result.status != "certified":  # the best point certified along the way, if it beats the last one
        if result.best and result.best[0] < result.bracket.certified_gap:
            result.Z = result.best[1]
        result.bracket = certify(exact, result.Z, beta)[0]
    result.seconds = time.perf_counter() - start
    return result
