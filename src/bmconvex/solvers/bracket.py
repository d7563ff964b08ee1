"""The certificate of a point Z of program (5): an honest bracket d_hat <= p* <= p_hat.

With F(Y_hat) = (s/2) ||Y_hat - Y||_F^2, g = grad F(Y_hat) = s (Y_hat - Y) and
G_j = (D_j X)^T g = grad_{Z_j} F, the quantities below hold at *any* Z:

- p_upper = F + beta sum_j ||Z_j||_*, the objective of (5) at Z;
- Thm 3.4's eps = (max_j ||G_j||_2 / beta - 1)_+ (eq. 20) and its lower bound
  d_hat = (F - <G, Z>) / (1 + eps) (App. A.7, eqs. 60-64, which need only F >= 0 and convexity);
- p_lower, the best dual value of (5) along L = -t g (the dual is
  max_L <L, Y> - ||L||^2 / (2 s) s.t. ||(D_j X)^T L||_2 <= beta), a concave quadratic in t
  maximised over the feasible t in [0, beta / max_j ||G_j||_2]. t = 1 / (1 + eps) gives at least
  d_hat (t^2 <= t), so p_lower >= d_hat, and at the optimum t = 1 gives p_lower = p*.

The certified relative gap is (p_upper - p_lower) / p_lower.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from bmconvex.core.certificate import relative_gap


class CertificateError(FloatingPointError):
    """A quantity of the certificate is not finite: the iterate diverged."""


@dataclass(frozen=True)
class Bracket:
    p_upper: float  # objective of (5) at Z
    p_lower: float  # dual value, <= p*
    d_hat: float  # Thm 3.4's lower bound, <= p_lower
    eps: float  # Thm 3.4's bound (20) on the relative gap, valid at stationary points
    sigma_ratio: float  # max_j ||G_j||_2 / beta

    @property
    def certified_gap(self) -> float:
        """(p_upper - p_lower) / p_lower; inf where no positive lower bound is known yet (p_lower = 0:
        the dual point along -g certifies nothing, e.g. at an overshooting iterate), so that a
        comparison with a tolerance is simply False."""
        gap = relative_gap(self.p_upper, self.p_lower)
        return math.inf if gap is None else gap

    @property
    def reported_gap(self) -> float | None:
        """The certified gap as records hold it: None (no certificate) instead of inf (records hold
        finite numbers only)."""
        gap = self.certified_gap
        return gap if math.isfinite(gap) else None


def bracket(F: float, GZ: float, nuclear: float, gY: float, gg: float, sigma_max: float, beta: float, s: float):
    """The bracket from F, <G, Z>, sum_j ||Z_j||_*, <g, Y>, ||g||^2 and max_j ||G_j||_2."""
    values = {"F": F, "<G, Z>": GZ, "sum ||Z_j||_*": nuclear, "<g, Y>": gY, "||g||^2": gg, "max ||G_j||_2": sigma_max}
    if bad := [name for name, value in values.items() if not math.isfinite(value)]:
        raise CertificateError(f"the iterate diverged: {', '.join(bad)} not finite")
    eps = max(0.0, sigma_max / beta - 1.0)
    d_hat = (F - GZ) / (1.0 + eps)
    if gg == 0.0:  # g = 0: Y_hat = Y, and the dual point L = 0 gives 0 <= p*
        p_lower = 0.0
    else:
        t_max = beta / sigma_max if sigma_max > 0 else math.inf
        t = min(max(-s * gY / gg, 0.0), t_max)
        p_lower = -t * gY - t * t * gg / (2.0 * s)
    return Bracket(F + beta * nuclear, max(p_lower, d_hat), d_hat, eps, sigma_max / beta)


def certify(operator, Z, beta: float) -> tuple[Bracket, np.ndarray]:
    """The bracket of Z (P, d, c) through ``operator.state`` and grad_Z F = G (P, d, c), returned beside it."""
    with np.errstate(over="ignore", invalid="ignore"):  # a divergence is reported by bracket() instead
        F, G, gY, gg = operator.state(Z)
        nuclear = float(np.linalg.svd(Z, compute_uv=False).sum()) if np.all(np.isfinite(Z)) else np.inf
        sigma_max = float(np.linalg.svd(G, compute_uv=False)[:, 0].max()) if np.all(np.isfinite(G)) else np.inf
        GZ = float(np.sum(G * Z))
    return bracket(F, GZ, nuclear, gY, gg, sigma_max, beta, operator.s), G
