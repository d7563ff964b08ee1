"""The stage bound (Cor. 3.8) after training: the checkpoint first, the bound within the memory budget."""

import numpy as np
import pytest
import torch

from bmconvex.cnn import memory
from bmconvex.cnn.bound import stage_bound
from bmconvex.cnn.config import StageJob
from bmconvex.cnn.experiment import load_stage, new_stage, run_stage, step_estimate, trained
from bmconvex.cnn.formats import ImageSet
from bmconvex.cnn.loader import DeviceData
from bmconvex.cnn.model import BMStage, ConvexStage, FrozenChain
from bmconvex.cnn.training import StageSettings

SETTINGS = StageSettings(
    epochs=1, lr=0.05, momentum=0.9, weight_decay=5e-4, batch_size=16, lr_step=1, lr_gamma=0.2, augment=False,
    precision="fp32",
)  # fmt: skip


def data(n=32) -> DeviceData:
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(n, 1, 8, 8), dtype=np.uint8)
    y = rng.integers(0, 10, size=n)
    return DeviceData(ImageSet(x, y, x[:16], y[:16]), "fashion_mnist", torch.device("cpu"))


def job(budget: float | None) -> StageJob:
    return StageJob(
        dataset="fashion_mnist", stage=1, P=(6,), space_to_depth=(False,), settings=SETTINGS, seed=0, device="cpu",
        gpu_memory_gib=budget, train_samples=None, test_samples=None, m=1, bound_samples=None,
    )  # fmt: skip


def bound_needs(images: DeviceData) -> tuple[int, int]:
    """The bound's shape count of this job: (fixed bytes, bytes per image), as the stage job counts it."""
    with torch.device("meta"):
        stage, convex = BMStage(1, 6, 1, 10, bias=True), ConvexStage(1, 6, 10, bias=True)
    resident = [images.train_x, images.train_y, images.test_x, images.test_y]
    fixed = memory.bound_bytes(stage, convex, FrozenChain([], (False,)), resident)
    return fixed, 4 * 8 * 8 * (1 + 2 * convex.latent_channels)


def test_the_bound_does_not_depend_on_the_batches_it_is_accumulated_in():
    torch.manual_seed(0)
    images, stage, chain = data(), BMStage(1, 6, 1, 10, bias=True), FrozenChain([], (False,))
    whole = stage_bound(stage, chain, images, beta=1e-3, samples=None, batch=256)
    assert whole > 0
    for batch in (5, 7):
        assert stage_bound(stage, chain, images, beta=1e-3, samples=None, batch=batch) == pytest.approx(whole, rel=1e-5)


def test_the_bound_batch_is_half_of_what_the_budget_leaves():
    GiB = memory.GiB
    assert memory.bound_batch(GiB, GiB // 1000, None) == memory.BOUND_BATCH  # the whole card
    assert memory.bound_batch(GiB, GiB // 1000, 1.1) == 50  # (0.1 GiB / 2) / (GiB / 1000) = 50.00005
    assert memory.bound_batch(GiB, GiB // 10, 1.1) == 1  # one image fits, with no room for the margin
    with pytest.raises(memory.OutOfMemory, match="needs at least 1.50 GiB .* under a budget of 1.1 GiB"):
        memory.bound_batch(GiB, GiB // 2, 1.1)


def test_a_bound_in_smaller_batches_under_the_budget_equals_the_unbudgeted_one(tmp_path):
    images = data()
    fixed, per_image = bound_needs(images)
    free = run_stage(job(None), images, [], str(tmp_path / "free.pt"))
    budget = (fixed + 10 * per_image) / memory.GiB  # room for 5 images (half the room for the margin)
    tight = run_stage(job(budget), images, [], str(tmp_path / "tight.pt"))
    assert (free["bound_batch"], tight["bound_batch"]) == (memory.BOUND_BATCH, 5)
    assert tight["bound"] == pytest.approx(free["bound"], rel=1e-5) and tight["bound_not_computed"] is None
    assert tight["precision"] == free["precision"] == "fp32"


def test_a_bound_that_does_not_fit_is_recorded_as_not_computed_and_the_trained_stage_is_kept(tmp_path):
    """The budget admits the training step but not the bound's convex form Z (P a c channels) and its gradient."""
    images = data()
    fixed, per_image = bound_needs(images)
    with torch.device("meta"):
        training = step_estimate(job(None), BMStage(1, 6, 1, 10, bias=True), FrozenChain([], (False,)), images)
    assert training < fixed + per_image
    budget = (training + fixed + per_image) / 2 / memory.GiB
    checkpoint = tmp_path / "stage1.pt"
    record = run_stage(job(budget), images, [], str(checkpoint))
    assert record["bound"] is None and record["bound_batch"] is None
    assert record["bound_not_computed"] == (
        f"out of memory: needs at least {(fixed + per_image) / memory.GiB:.2f} GiB (from the shapes (lower bound)) "
        f"under a budget of {budget:g} GiB; raise cnn.gpu_memory_gib or set it to null for the whole card"
    )
    saved = load_stage(str(checkpoint), torch.device("cpu"))  # saved before the bound
    initial = new_stage(job(budget), FrozenChain([], (False,)), images, "cpu")
    assert trained(saved) and saved.spec() == initial.spec() and len(record["epochs"]) == 1
    assert not torch.equal(saved.U.weight, initial.U.weight)  # the trained weights, not the initial ones


def test_an_allocation_failure_in_the_bound_halves_its_batch(tmp_path, monkeypatch):
    """The allocator refuses what the shape count admitted (on a GPU: cuDNN workspace, fragmentation):
    here a real failed allocation of the CPU for batches of more than 8 images."""
    images = data()
    expected = run_stage(job(None), images, [], str(tmp_path / "free.pt"))
    forward = ConvexStage.forward

    def refusing(self, x):
        if len(x) > 8:
            torch.empty(2**62, dtype=torch.uint8)  # DefaultCPUAllocator: can't allocate memory
        return forward(self, x)

    monkeypatch.setattr(ConvexStage, "forward", refusing)
    record = run_stage(job(None), images, [], str(tmp_path / "halved.pt"))
    assert record["bound_batch"] == 8 and record["bound"] == pytest.approx(expected["bound"], rel=1e-5)
