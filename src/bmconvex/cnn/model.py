"""Layerwise BM convex CNN stages (paper Sec. 3.2, 4.2; App. B.2 eq. (126); Thm 3.6, eq. (23)).

A stage maps an input x (B, C, H, W) through

- P fixed random gate filters (a frozen 3x3 conv; gate_k = 1{conv_k(x) > 0} per pixel: D_k^(i)),
- U: a 3x3 conv with P m output channels, channel k m + j holding u_jk, gated by pattern k,
- average pooling to 2 x 2 (a = 4) and V: a linear map to c classes (V_jk in R^{c x a}),

which is the BM factorisation (24)/(126) of the gated-ReLU convex CNN (23). The gated conv output
(P m channels) is the latent representation handed to the next stage. :class:`ConvexStage` is
program (23) itself, one Z_k in R^{h x ac} per pattern, computed as a conv with P a c channels.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

POOL = 2  # average pooling to 2 x 2: a = 4


def space_to_depth(x: torch.Tensor) -> torch.Tensor:
    """Invertible downsampling (Dinh et al.): (B, C, H, W) -> (B, 4C, H/2, W/2)."""
    return F.pixel_unshuffle(x, 2)


class Gates(nn.Module):
    """P frozen random 3x3 filters; their sign pattern per pixel is D_k^(i). Never trained."""

    def __init__(self, in_channels: int, P: int, bias: bool):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, P, 3, padding=1, bias=bias)
        self.conv.requires_grad_(False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            return self.conv(x) > 0


class BMStage(nn.Module):
    """The BM gated-ReLU CNN stage of eq. (126) with P patterns and rank m per pattern."""

    def __init__(self, in_channels: int, P: int, m: int, num_classes: int, bias: bool = False):
        super().__init__()
        self.in_channels, self.P, self.m, self.num_classes, self.bias = in_channels, P, m, num_classes, bias
        self.gates = Gates(in_channels, P, bias)
        self.U = nn.Conv2d(in_channels, P * m, 3, padding=1, bias=bias)
        self.V = nn.Linear(P * m * POOL * POOL, num_classes, bias=False)

    def latent(self, x: torch.Tensor) -> torch.Tensor:
        """The gated conv output sum_j D_k X u_jk for every (k, j): (B, P m, H, W)."""
        B, _, H, W = x.shape
        gate = self.gates(x)
        u = self.U(x).view(B, self.P, self.m, H, W)
        return (u * gate.unsqueeze(2).to(u.dtype)).view(B, self.P * self.m, H, W)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.V(F.adaptive_avg_pool2d(self.latent(x), POOL).flatten(1))

    def spec(self) -> dict:
        return {
            "in_channels": self.in_channels,
            "P": self.P,
            "m": self.m,
            "num_classes": self.num_classes,
            "bias": self.bias,
        }


class ConvexStage(nn.Module):
    """Program (23) for gated ReLU: Z_k in R^{h x ac} per pattern, a conv with P a c output channels.

    Output channel k a c + a' c + c' of the conv holds column a' c + c' of Z_k; class c' sums,
    over patterns k and pooling regions a', the a'-th region's average of the gated channel.
    """

    def __init__(self, in_channels: int, P: int, num_classes: int, bias: bool = False):
        super().__init__()
        self.P, self.num_classes, self.a = P, num_classes, POOL * POOL
        self.gates = Gates(in_channels, P, bias)
        self.Z = nn.Conv2d(in_channels, P * self.a * num_classes, 3, padding=1, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, _, H, W = x.shape
        gate = self.gates(x)
        y = self.Z(x).view(B, self.P, self.a * self.num_classes, H, W)
        y = (y * gate.unsqueeze(2).to(y.dtype)).sum(dim=1)  # (B, a c, H, W)
        pooled = F.adaptive_avg_pool2d(y, POOL).view(B, self.a, self.num_classes, self.a)
        return pooled.diagonal(dim1=1, dim2=3).sum(dim=-1)  # region a' of channel block a'

    def Z_matrices(self, grad: bool = False) -> torch.Tensor:
        """Z_k (or its gradient) as matrices (P, h, a c), h = C 9 (+ 1 for a bias)."""
        w = self.Z.weight.grad if grad else self.Z.weight
        Z = w.reshape(self.P, self.a * self.num_classes, -1)
        if self.Z.bias is not None:
            b = self.Z.bias.grad if grad else self.Z.bias
            Z = torch.cat([Z, b.reshape(self.P, -1, 1)], dim=2)
        return Z.transpose(1, 2)

    def regulariser(self) -> torch.Tensor:
        """sum_k ||Z_k||_*, the regulariser of the gated-ReLU version of (23).

        Z_k is tall (h x ac), so ||Z_k||_* = sum of sqrt(eig(Z_k^T Z_k)): a batched symmetric
        eigenproblem of size ac instead of an SVD of h x ac (the SVD made a training step 50x slower).
        """
        Z = self.Z_matrices()
        Z = Z.to(torch.promote_types(Z.dtype, torch.float32))
        with torch.autocast(Z.device.type, enabled=False):
            eig = torch.linalg.eigvalsh(Z.transpose(1, 2) @ Z)
        return eig.clamp_min(1e-12).sqrt().sum()

    @classmethod
    def from_bm(cls, stage: BMStage) -> ConvexStage:
        """Z_k = sum_j u_jk vec(V_jk)^T (Cor. 3.8): the convex stage with the BM stage's outputs."""
        P, m, c, a = stage.P, stage.m, stage.num_classes, POOL * POOL
        convex = cls(stage.in_channels, P, c, stage.bias).to(stage.U.weight.device)
        convex.gates.load_state_dict(stage.gates.state_dict())
        Vw = stage.V.weight.detach().view(c, P, m, a).permute(1, 2, 3, 0)  # (P, m, a, c)
        Uw = stage.U.weight.detach().view(P, m, -1)
        with torch.no_grad():
            convex.Z.weight.copy_(torch.einsum("pmh,pmac->pach", Uw, Vw).reshape(convex.Z.weight.shape))
            if stage.bias:
                convex.Z.bias.copy_(torch.einsum("pm,pmac->pac", stage.U.bias.detach().view(P, m), Vw).reshape(-1))
        return convex


def stage_in_channels(image_channels: int, P: tuple[int, ...], m: int, space_to_depth: tuple[bool, ...]) -> int:
    """Input channels of the last stage of a chain: the image, or m P of the stage before (x4 after s2d).

    ``P`` and ``space_to_depth`` hold the P-hat and the downsampling flag of stages 1 .. s.
    """
    channels = image_channels if len(P) == 1 else m * P[-2]
    return channels * 4 if space_to_depth[-1] else channels


class FrozenChain(nn.Module):
    """Stages 1 .. s - 1, frozen: the input of stage s, recomputed per batch from the images."""

    def __init__(self, stages: list[BMStage], space_to_depth: tuple[bool, ...]):
        """``space_to_depth`` holds the flag of stages 1 .. s: one more than ``stages``."""
        super().__init__()
        if len(space_to_depth) != len(stages) + 1:
            raise ValueError(f"{len(stages)} frozen stages need {len(stages) + 1} space-to-depth flags")
        self.stages = nn.ModuleList(stages)
        self.space_to_depth = tuple(space_to_depth)
        self.requires_grad_(False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            for stage, downsample in zip(self.stages, self.space_to_depth, strict=False):
                if downsample:
                    x = space_to_depth(x)
                x = stage.latent(x)
            return space_to_depth(x) if self.space_to_depth[-1] else x
