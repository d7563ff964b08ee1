"""The BM convex CNN stage (eq. 126) against its convex form (23), and the stage machinery."""

import numpy as np
import pytest
import torch

from bmconvex.cnn.bound import stage_bound
from bmconvex.cnn.experiment import load_stage, save_stage
from bmconvex.cnn.formats import ImageSet
from bmconvex.cnn.loader import DeviceData, crop_and_flip
from bmconvex.cnn.model import BMStage, ConvexStage, FrozenChain, space_to_depth


@pytest.fixture(autouse=True)
def float64():
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(torch.float32)


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("m", [1, 3])
def test_bm_stage_equals_convex_stage_at_Z_equal_UV(m, bias):
    """Identity of eq. (101)/(131): the BM output is the convex output at Z_k = sum_j u_jk vec(V_jk)^T."""
    torch.manual_seed(0)
    stage = BMStage(in_channels=3, P=5, m=m, num_classes=4, bias=bias)
    x = torch.randn(6, 3, 8, 8)
    convex = ConvexStage.from_bm(stage)
    torch.testing.assert_close(convex(x), stage(x), rtol=1e-12, atol=1e-12)
    Z = convex.Z_matrices()
    assert Z.shape == (5, 3 * 9 + bias, 4 * 4)
    assert torch.linalg.matrix_rank(Z).max() <= m


@pytest.mark.parametrize("in_channels, num_classes", [(2, 2), (1, 10)])  # h = 19 > ac = 8; h = 10 < ac = 40
def test_regulariser_is_the_sum_of_nuclear_norms(in_channels, num_classes):
    """Through the smaller Gram matrix of each Z_k, and so is its gradient (the SVD's U V^T)."""
    torch.manual_seed(1)
    convex = ConvexStage(in_channels=in_channels, P=3, num_classes=num_classes, bias=True)
    expected = torch.linalg.matrix_norm(convex.Z_matrices(), ord="nuc").sum()
    torch.testing.assert_close(convex.regulariser(), expected, rtol=1e-10, atol=0)
    convex.regulariser().backward()
    U, _, Vh = torch.linalg.svd(convex.Z_matrices().detach(), full_matrices=False)
    torch.testing.assert_close(convex.Z_matrices(grad=True), U @ Vh, rtol=1e-8, atol=1e-10)


def test_space_to_depth_is_invertible():
    x = torch.randn(2, 3, 8, 6)
    y = space_to_depth(x)
    assert y.shape == (2, 12, 4, 3)
    torch.testing.assert_close(torch.nn.functional.pixel_shuffle(y, 2), x, rtol=0, atol=0)


def test_gates_receive_no_gradient():
    torch.manual_seed(2)
    stage = BMStage(in_channels=1, P=4, m=2, num_classes=10, bias=True)
    gate_before = stage.gates.conv.weight.clone()
    opt = torch.optim.SGD(stage.parameters(), lr=0.5, momentum=0.9, weight_decay=5e-4)
    for _ in range(3):
        loss = torch.nn.functional.cross_entropy(stage(torch.randn(5, 1, 6, 6)), torch.arange(5))
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert stage.gates.conv.weight.grad is None
    torch.testing.assert_close(stage.gates.conv.weight, gate_before, rtol=0, atol=0)
    assert stage.U.weight.grad is not None


def test_checkpoint_round_trips(tmp_path):
    torch.manual_seed(3)
    stage = BMStage(in_channels=2, P=3, m=2, num_classes=10, bias=True)
    save_stage(stage, tmp_path / "stage.pt")
    loaded = load_stage(tmp_path / "stage.pt", torch.device("cpu"))
    x = torch.randn(4, 2, 6, 6)
    torch.testing.assert_close(loaded(x), stage(x), rtol=0, atol=0)
    assert loaded.spec() == stage.spec()


def test_frozen_chain_feeds_the_next_stage_with_space_to_depth():
    torch.manual_seed(4)
    first = BMStage(in_channels=1, P=3, m=2, num_classes=10, bias=True)
    chain = FrozenChain([first], space_to_depth=(False, True))
    x = torch.randn(2, 1, 8, 8)
    torch.testing.assert_close(chain(x), space_to_depth(first.latent(x)))
    assert not any(p.requires_grad for p in chain.parameters())


def tiny_data(n=64):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(n, 1, 8, 8), dtype=np.uint8)
    y = rng.integers(0, 10, size=n)
    return DeviceData(ImageSet(x, y, x[:16], y[:16]), "fashion_mnist", torch.device("cpu"))


def test_stage_bound_is_zero_when_the_gradient_is_small_and_positive_otherwise():
    """(max_k ||grad_{Z_k}||_2 / beta - 1)_+ vanishes iff every gradient norm is at most beta."""
    torch.manual_seed(5)
    data = tiny_data()
    stage = BMStage(in_channels=1, P=4, m=2, num_classes=10, bias=True)
    chain = FrozenChain([], (False,))
    assert stage_bound(stage, chain, data, beta=1e3, samples=None) == 0.0
    assert stage_bound(stage, chain, data, beta=1e-6, samples=None) > 0.0


def test_crop_and_flip_keeps_shape_and_pixels():
    x = torch.arange(2 * 3 * 6 * 6, dtype=torch.float64).view(2, 3, 6, 6)
    out = crop_and_flip(x, torch.Generator().manual_seed(0), pad=2)
    assert out.shape == x.shape
    unchanged = crop_and_flip(x, torch.Generator().manual_seed(0), pad=0)
    for i in range(2):  # without padding, each image is itself or its mirror
        assert torch.equal(unchanged[i], x[i]) or torch.equal(unchanged[i], x[i].flip(-1))
