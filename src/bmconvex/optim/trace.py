"""What a run of an optimizer reached and when, counted in evaluations of (f, gradient).

Every ``check_every`` evaluations the current iterate is certified (by a callable the architecture
supplies: p_hat, the objective of the convex program at Z_j = U_j V_j^T, and a certified lower
bound on p*): the relative gap (p_hat - p*) / p* and the certified gap (p_hat - l) / l, l the best
lower bound so far (each one is a lower bound on p*, Thm 3.4's d_hat or the Fenchel bound), are
compared with the thresholds, and the first evaluation count at which each falls below each
threshold is kept. The checks cost evaluations of their own, counted neither in the budget nor in
the optimizers' seconds.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np


class Trace:
    """First evaluations at which the gap and the certified gap fall below each threshold."""

    def __init__(
        self,
        certify: Callable[[np.ndarray, np.ndarray], tuple[float, float]],
        p_star: float,
        thresholds: tuple[float, ...],
        check_every: int,
    ):
        self.certify, self.p_star, self.thresholds, self.check_every = certify, p_star, thresholds, check_every
        self.lower = 0.0  # F >= 0 and the regulariser >= 0: p* >= 0 before any certificate
        self.gap = {t: None for t in thresholds}
        self.certified = {t: None for t in thresholds}
        self.checks, self.seconds = 0, 0.0  # the checks' own time, for the optimizers' timing

    def check(self, U: np.ndarray, V: np.ndarray, evaluations: int) -> float:
        """Certify (U, V), reached after ``evaluations``; return the best lower bound l on p* so far."""
        start = time.perf_counter()
        p_hat, lower = self.certify(U, V)
        self.checks += 1
        if math.isfinite(lower):
            self.lower = max(self.lower, lower)
        gap = (p_hat - self.p_star) / self.p_star
        certified = (p_hat - self.lower) / self.lower if self.lower > 0 else math.inf
        for t in self.thresholds:
            if self.gap[t] is None and gap <= t:
                self.gap[t] = evaluations
            if self.certified[t] is None and certified <= t:
                self.certified[t] = evaluations
        self.seconds += time.perf_counter() - start
        return self.lower

    def due(self, evaluations: int) -> bool:
        return evaluations % self.check_every == 0

    def record(self) -> dict:
        """evals_gap_1e-06, evals_certified_1e-06, ...: None where the run never got there."""
        out = {"best_lower_bound": self.lower, "checks": self.checks}
        for t in self.thresholds:
            out[f"evals_gap_{t:g}"] = self.gap[t]
            out[f"evals_certified_{t:g}"] = self.certified[t]
        return out
