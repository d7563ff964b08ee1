"""The cones of the ReLU program (3) and (19) at d = 2: wedges, their edges and the projection.

K_j = (2 D_j - I) X; the cone C_j = {u : K_j u >= 0} is where D_j X u = relu(X u). At d = 2 each
half-plane {u : k_i^T u >= 0} is an arc of directions of width pi, so C_j is a wedge: the
directions at angles [lo_j, hi_j] from its edge ray e_a to its edge ray e_b, of width < pi when
the samples span the plane. Its gate h_j (the sampled direction that made D_j) lies inside:
K_j h_j >= 0. Every quantity here is closed form; :mod:`bmconvex.relu.sigma` checks it by NNLS.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np


def cone_matrices(X: np.ndarray, D: np.ndarray) -> np.ndarray:
    """K_j = (2 D_j - I) X for each pattern, stacked (P, n, d) (eq. 3)."""
    return (2.0 * D[:, :, None] - 1.0) * X[None, :, :]


@dataclass(frozen=True)
class Wedges:
    """Unit edge rays e_a, e_b (P, 2) and inward unit edge normals k_a, k_b: C_j = {k_a^T u >= 0, k_b^T u >= 0}."""

    e_a: np.ndarray
    e_b: np.ndarray

    @property
    def k_a(self) -> np.ndarray:
        return np.column_stack([-self.e_a[:, 1], self.e_a[:, 0]])  # e_a turned +90 degrees

    @property
    def k_b(self) -> np.ndarray:
        return np.column_stack([self.e_b[:, 1], -self.e_b[:, 0]])  # e_b turned -90 degrees

    @cached_property
    def _components(self) -> tuple[np.ndarray, ...]:
        """e_a and e_b as four (P, 1) columns, for the projection's broadcasts."""
        return tuple(np.ascontiguousarray(col[:, None]) for col in (*self.e_a.T, *self.e_b.T))

    @property
    def P(self) -> int:
        return self.e_a.shape[0]

    @property
    def degrees(self) -> np.ndarray:
        """Opening angle of each wedge."""
        return np.degrees(np.arccos(np.clip(np.sum(self.e_a * self.e_b, axis=1), -1.0, 1.0)))

    def contains(self, U: np.ndarray, tol: float = 0.0) -> np.ndarray:
        """Whether each column of U_j (P, 2, m) lies in C_j, up to tol ||u||."""
        slack = tol * np.linalg.norm(U, axis=1)
        return (np.einsum("pd,pdm->pm", self.k_a, U) >= -slack) & (np.einsum("pd,pdm->pm", self.k_b, U) >= -slack)

    def project(self, U: np.ndarray) -> np.ndarray:
        """Euclidean projection of each column of U_j (P, 2, m) onto C_j, in closed form.

        A wedge of width < pi is convex: the projection of u is u itself when u is inside, else
        the nearer of its projections max(e^T u, 0) e onto the two edge rays.
        """
        out = np.empty_like(U)
        self.project_into(U, out)
        return out

    def project_into(self, U: np.ndarray, out: np.ndarray) -> None:
        """:meth:`project` writing into ``out`` (may be U itself): the step of projected GD on (19).

        Outside the wedge the nearer edge projection is the one with the larger max(e^T u, 0)
        (||u - t e||^2 = ||u||^2 - t^2 for t = e^T u > 0). Component-wise arithmetic on (P, m)
        arrays: it runs after every GD step.
        """
        u0, u1 = U[:, 0, :], U[:, 1, :]
        a0, a1, b0, b1 = self._components
        ta = np.maximum(a0 * u0 + a1 * u1, 0.0)
        tb = np.maximum(b0 * u0 + b1 * u1, 0.0)
        inside = (a0 * u1 - a1 * u0 >= 0) & (b1 * u0 - b0 * u1 >= 0)  # k_a^T u >= 0, k_b^T u >= 0
        on_a = ta >= tb
        t = np.where(on_a, ta, tb)
        out[:, 0, :] = np.where(inside, u0, t * np.where(on_a, a0, b0))
        out[:, 1, :] = np.where(inside, u1, t * np.where(on_a, a1, b1))


def wedges(X: np.ndarray, D: np.ndarray, H: np.ndarray) -> Wedges:
    """The wedge C_j of each pattern D_j at d = 2, from its gate h_j (K_j h_j > 0).

    Relative to h_j's angle, sample i's half-plane is the arc [delta_i - pi/2, delta_i + pi/2]
    with delta_i the angle of k_i (in (-pi/2, pi/2) since k_i^T h_j > 0); the wedge is their
    intersection [max delta - pi/2, min delta + pi/2].
    """
    if X.shape[1] != 2:
        raise ValueError(f"the wedges of (3) are closed form at d = 2 only, got d = {X.shape[1]}")
    K = cone_matrices(X, D)
    if not (np.einsum("pnd,pd->pn", K, H) > 0).all():
        raise ValueError("a gate h_j lies on a sample's line (K_j h_j has a zero): its wedge has no interior")
    theta_h = np.arctan2(H[:, 1], H[:, 0])
    delta = np.angle(np.exp(1j * (np.arctan2(K[..., 1], K[..., 0]) - theta_h[:, None])))
    lo = theta_h + delta.max(axis=1) - np.pi / 2
    hi = theta_h + delta.min(axis=1) + np.pi / 2
    return Wedges(e_a=_unit(lo), e_b=_unit(hi))


def _unit(angle: np.ndarray) -> np.ndarray:
    return np.column_stack([np.cos(angle), np.sin(angle)])
