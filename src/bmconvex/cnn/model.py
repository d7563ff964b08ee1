"""Layerwise BM convex CNN stages (paper Sec. 3.2, 4.2; App. B.2 eq. (126); Thm 3.6, eq. (23)).

A stage maps an input x (B, C, H, W) through

- P fixed random gate filters (a frozen 3x3 conv; gate_k = 1{conv_k(x) > 0} per pixel: D_k^(i)),
- U: a 3x3 conv with P m output channels, channel k m + j holding u_jk, gated by pattern k,
- average pooling to 2 x 2 (a = 4) and V: a linear map to c classes (V_jk in R^{c x a}),

which is the BM factorisation (24)/(126) of the gated-ReLU convex CNN (23). The gated conv output
(P m channels) is the latent representation handed to the next stage. :class:`ConvexStage` is
program (23) itself, one Z_k in R^{h x ac} per pattern, computed as a conv with P a c channels; its
gated conv output {D_k X Z_k^(c')} (P a c channels, Sec. 4.2) is what the next convex stage reads.
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

    @property
    def latent_channels(self) -> int:
        return self.P * self.m

    def latent(self, x: torch.Tensor) -> torch.Tensor:
        """The gated conv output D_k X u_jk for every (k, j): (B, P m, H, W)."""
        gate = self.gates(x)
        u = self.U(x).unflatten(1, (self.P, self.m))  # a view in NCHW and in channels-last memory
        return (u * gate.unsqueeze(2).to(u.dtype)).flatten(1, 2)

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
        self.in_channels, self.P, self.num_classes, self.bias = in_channels, P, num_classes, bias
        self.a = POOL * POOL
        self.gates = Gates(in_channels, P, bias)
        self.Z = nn.Conv2d(in_channels, P * self.a * num_classes, 3, padding=1, bias=bias)

    @property
    def latent_channels(self) -> int:
        return self.P * self.a * self.num_classes

    def latent(self, x: torch.Tensor) -> torch.Tensor:
        """The gated conv output D_k X Z_k^(c') of every pattern k and column: (B, P a c, H, W)."""
        gate = self.gates(x)
        y = self.Z(x).unflatten(1, (self.P, self.a * self.num_classes))
        return (y * gate.unsqueeze(2).to(y.dtype)).flatten(1, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.latent(x).unflatten(1, (self.P, self.a * self.num_classes)).sum(dim=1)  # (B, a c, H, W)
        pooled = F.adaptive_avg_pool2d(y, POOL).flatten(2).unflatten(1, (self.a, self.num_classes))
        return pooled.diagonal(dim1=1, dim2=3).sum(dim=-1)  # region a' of channel block a'

    def spec(self) -> dict:
        return {"in_channels": self.in_channels, "P": self.P, "num_classes": self.num_classes, "bias": self.bias}

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

        ||Z_k||_* is the sum of the square roots of the eigenvalues of the smaller Gram matrix,
        Z_k Z_k^T (h x h) or Z_k^T Z_k (ac x ac): a batched symmetric eigenproblem of size
        min(h, ac) instead of an SVD of h x ac (the SVD made a training step 50x slower); the
        smaller Gram is also the one without structurally zero eigenvalues, whose square root
        has no usable gradient.
        """
        Z = self.Z_matrices()
        Z = Z.to(torch.promote_types(Z.dtype, torch.float32))
        with torch.autocast(Z.device.type, enabled=False):
            G = Z @ Z.transpose(1, 2) if Z.shape[1] < Z.shape[2] else Z.transpose(1, 2) @ Z
            eig = gram_eigenvalues(G)
        return eig.clamp_min(1e-12).sqrt().sum()

    @classmethod
    def from_bm(cls, stage: BMStage) -> ConvexStage:
        """Z_k = sum_j u_jk vec(V_jk)^T (Cor. 3.8): the convex stage with the BM stage's outputs."""
        P, m, c, a = stage.P, stage.m, stage.num_classes, POOL * POOL
        convex = cls(stage.in_channels, P, c, stage.bias).to(stage.U.weight.device)
        convex.gates.load_state_dict(stage.gates.state_dict())
        Vw = stage.V.weight.detach().view(c, P, m, a).permute(1, 2, 3, 0)  # (P, m, a, c)
        Uw = stage.U.weight.detach().reshape(P, m, -1)  # channels-last on a GPU: not a view
        with torch.no_grad():
            convex.Z.weight.copy_(torch.einsum("pmh,pmac->pach", Uw, Vw).reshape(convex.Z.weight.shape))
            if stage.bias:
                convex.Z.bias.copy_(torch.einsum("pm,pmac->pac", stage.U.bias.detach().view(P, m), Vw).reshape(-1))
        return convex


CUDA_BATCHED_EIGH_MAX = 32


def gram_eigenvalues(G: torch.Tensor) -> torch.Tensor:
    """Eigenvalues of a stack of symmetric matrices, differentiable.

    PyTorch's CUDA eigh solves a stack in one batched cuSOLVER call only for matrices up to
    32 x 32; above it loops over the matrices one call each, about 80x slower at 33 x 33
    (pytorch/pytorch#175585). The P Gram matrices of 40 x 40 (a c, a = 4, c = 10) at stage 2
    onwards are therefore solved on the CPU, in float64 (one small copy per step).
    """
    if G.is_cuda and G.shape[-1] > CUDA_BATCHED_EIGH_MAX:
        return torch.linalg.eigvalsh(G.double().cpu()).to(G)
    return torch.linalg.eigvalsh(G)


class FrozenChain(nn.Module):
    """Stages 1 .. s - 1, frozen: the input of stage s, recomputed per batch from the images.

    The stages are BM stages (a BM chain) or convex stages (the convex chain of Fig. 6): each
    hands its latent (P m or P a c channels) to the next.
    """

    def __init__(self, stages: list[BMStage | ConvexStage], space_to_depth: tuple[bool, ...]):
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

    def out_channels(self, image_channels: int) -> int:
        """Input channels of stage s: the image's or stage s - 1's latent, x4 after space-to-depth."""
        channels = self.stages[-1].latent_channels if len(self.stages) else image_channels
        return 4 * channels if self.space_to_depth[-1] else channels
