"""The convex chain of (23) on its own latents, and out-of-memory as its result (App. C.3, Fig. 6)."""

import numpy as np
import pytest
import torch

from bmconvex.cnn import memory
from bmconvex.cnn.config import ConvexJob
from bmconvex.cnn.experiment import load_stage, run_convex_stage, save_stage, trained
from bmconvex.cnn.formats import ImageSet
from bmconvex.cnn.loader import DeviceData
from bmconvex.cnn.model import BMStage, ConvexStage, FrozenChain
from bmconvex.cnn.training import StageSettings

P, A, C = 3, 4, 10  # patterns per stage; a = 4 pooling regions; c = 10 classes
SETTINGS = StageSettings(
    epochs=1, lr=0.01, momentum=0.9, weight_decay=5e-4, batch_size=16, lr_step=1, lr_gamma=0.2, augment=False,
    precision="fp32",
)  # fmt: skip


def data(n=32, size=8) -> DeviceData:
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(n, 1, size, size), dtype=np.uint8)
    y = rng.integers(0, 10, size=n)
    return DeviceData(ImageSet(x, y, x[:16], y[:16]), "fashion_mnist", torch.device("cpu"))


def job(stage: int, budget: float | None = None, space_to_depth=(False, False, True)) -> ConvexJob:
    return ConvexJob(
        dataset="fashion_mnist", stage=stage, P=(P,) * stage, space_to_depth=space_to_depth[:stage],
        settings=SETTINGS, seed=0, device="cpu", gpu_memory_gib=budget, train_samples=None, test_samples=None,
        max_batches=1,
    )  # fmt: skip


def run_chain(tmp_path, budgets):
    """Convex stages 1 .. len(budgets), each saved and read back by the next, as the workflow does."""
    images, records, checkpoints = data(), [], []
    for stage, budget in enumerate(budgets, start=1):
        model, was_trained, record = run_convex_stage(job(stage, budget), images, list(checkpoints))
        checkpoints.append(str(tmp_path / f"stage{stage}.pt"))
        save_stage(model, checkpoints[-1], was_trained)
        records.append(record)
    return records, checkpoints


def test_convex_stage_s_reads_the_P_a_c_channels_of_convex_stage_s_minus_1(tmp_path):
    """Sec. 4.2: the latent of a convex stage has P a c channels; stage 3 reads them after space-to-depth."""
    records, checkpoints = run_chain(tmp_path, [None, None, None])
    assert [r["status"] for r in records] == ["trained"] * 3
    assert [r["in_channels"] for r in records] == [1, P * A * C, 4 * P * A * C]
    assert all(r["latent_channels"] == P * A * C for r in records)
    first = load_stage(checkpoints[0], torch.device("cpu"))
    x = torch.randn(2, 1, 8, 8)
    assert first.latent(x).shape == (2, P * A * C, 8, 8)
    second = load_stage(checkpoints[1], torch.device("cpu"))
    assert second.in_channels == first.latent_channels and second.Z.weight.shape[1] == P * A * C
    assert np.isfinite(records[0]["seconds_per_epoch"]) and records[0]["needed_gib"] is None
    assert [r["precision"] for r in records] == ["fp32"] * 3  # as SETTINGS asks


def test_a_stage_over_the_budget_is_recorded_as_out_of_memory_and_the_rest_as_not_reached(tmp_path):
    """The paper's pattern: convex stage 1 fits, stage 2 exceeds the card, stage 3 cannot be trained."""
    images = data()
    stage1 = run_convex_stage(job(1), images, [])[2]["estimated_gib"]
    # the lower bound of stage 2, found with a budget it cannot fit, then a budget between the two
    stage2 = run_chain(tmp_path, [None, 1e-9])[0][1]
    assert stage2["status"] == "out of memory" and stage2["needed_from"] == memory.FROM_SHAPES
    assert stage2["needed_gib"] == stage2["estimated_gib"] > stage1
    budget = (stage1 + stage2["needed_gib"]) / 2
    records, checkpoints = run_chain(tmp_path, [budget, budget, budget])
    assert [r["status"] for r in records] == ["trained", "out of memory", "not reached"]
    assert records[1]["needed_gib"] > budget == records[1]["budget_gib"]
    assert [trained(load_stage(p, torch.device("cpu"))) for p in checkpoints] == [True, False, False]
    assert records[1]["seconds_per_epoch"] is None and records[2]["needed_gib"] is None


def test_step_bytes_counts_weights_gradients_momentum_data_and_one_batch():
    """Convex stage 1, 1 channel, P = 3, bias: Z has 3 * 40 * 9 + 120 numbers, the gates 3 * 9 + 3."""
    with torch.device("meta"):
        stage = ConvexStage(1, P, C, bias=True)
        chain = FrozenChain([], (False,))
        resident = [torch.empty(100, 1, 8, 8, dtype=torch.uint8)]
    got = memory.step_bytes(stage, chain, resident, (16, 1, 8, 8), activation_bytes=4)
    Z, gates = P * A * C * 9 + P * A * C, P * 9 + P
    batch = 4 * 16 * 8 * 8 * (1 + 2 * P * A * C)
    assert got == 3 * 4 * Z + 4 * gates + 100 * 64 + batch


PAPER_FMNIST = {"images": (60000, 10000), "size": 28, "batch": 128, "P": 256}


def paper_scale_gib(convex: bool, stage: int, m: int = 1) -> float:
    """The step lower bound of a Fashion-MNIST stage at the paper's settings, bf16 on a GPU (meta tensors)."""
    n_train, n_test = PAPER_FMNIST["images"]
    size, B, Ph = PAPER_FMNIST["size"], PAPER_FMNIST["batch"], PAPER_FMNIST["P"]
    s2d = (False, False, True)[:stage]

    def make(s, c_in):
        return ConvexStage(c_in, Ph, C, bias=s == 1) if convex else BMStage(c_in, Ph, m, C, bias=s == 1)

    with torch.device("meta"):
        stages, c_in = [], 1
        for s in range(1, stage):
            stages.append(make(s, c_in))
            c_in = stages[-1].latent_channels
        chain = FrozenChain(stages, s2d)
        c_in = chain.out_channels(1)
        model = make(stage, c_in)
        resident = [torch.empty(n_train + n_test, 1, size, size, dtype=torch.uint8)]
        resident += [torch.empty(n_train + n_test, dtype=torch.long)]
    side = size >> sum(s2d)
    return memory.step_bytes(model, chain, resident, (B, c_in, side, side), 2) / memory.GiB


def test_at_the_papers_sizes_only_the_convex_chain_beyond_stage_1_exceeds_the_1080_ti():
    """App. C.3: the convex form exceeds the 1080 Ti's memory after the first stage; BM stages fit."""
    budget = 11
    assert paper_scale_gib(convex=True, stage=1) < budget < paper_scale_gib(convex=True, stage=2)
    for m in (1, 2, 4):
        assert max(paper_scale_gib(convex=False, stage=s, m=m) for s in (1, 2, 3)) < budget


@pytest.mark.parametrize(
    "message, expected",
    [("CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity", 2 * 2**30), ("no size", 0)],
)
def test_the_failed_request_is_read_from_the_cuda_message(message, expected):
    assert memory._requested(message) == expected


# The messages PyTorch raises for an allocation failure inside a CUDA library (ATen/cuda/Exceptions.h,
# CUDASolver.cpp) and the CUDA runtime; a RuntimeError each, not torch.OutOfMemoryError.
LIBRARY_ALLOCATION_FAILURES = [
    "CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`",
    "cuDNN error: CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED",  # cuDNN 9
    "cuDNN error: CUDNN_STATUS_ALLOC_FAILED",  # cuDNN 8
    "cusolver error: CUSOLVER_STATUS_ALLOC_FAILED, when calling `cusolverDnCreate(handle)`. If you keep seeing "
    "this error, you may use `torch.backends.cuda.preferred_linalg_library()` to try linear algebra operators "
    "with other supported backends.",
    "CUDA error: out of memory\nCUDA kernel errors might be asynchronously reported at some other API call",
]


def failing_step(monkeypatch, fail) -> None:
    """The convex step's eigenproblem (cuSOLVER on a GPU) fails as ``fail`` does."""
    from bmconvex.cnn import model

    monkeypatch.setattr(model, "gram_eigenvalues", fail)


@pytest.mark.parametrize("message", LIBRARY_ALLOCATION_FAILURES)
def test_a_library_allocation_failure_in_the_step_is_out_of_memory(monkeypatch, message):
    def fail(G):
        raise RuntimeError(message)

    failing_step(monkeypatch, fail)
    _, was_trained, record = run_convex_stage(job(1), data(), [])
    assert not was_trained and record["status"] == "out of memory"
    assert record["needed_gib"] == record["estimated_gib"] and record["needed_from"] == memory.FROM_SHAPES


def test_a_real_failed_allocation_in_the_step_is_out_of_memory(monkeypatch):
    """The CPU allocator's own failure ("DefaultCPUAllocator: can't allocate memory"), not a made-up one."""
    failing_step(monkeypatch, lambda G: torch.empty(2**62, dtype=torch.uint8, device=G.device))
    assert run_convex_stage(job(1), data(), [])[2]["status"] == "out of memory"


def test_any_other_library_error_fails_the_stage(monkeypatch):
    def fail(G):
        raise RuntimeError("cusolver error: CUSOLVER_STATUS_INVALID_VALUE, when calling `syevd`")

    failing_step(monkeypatch, fail)
    with pytest.raises(RuntimeError, match="CUSOLVER_STATUS_INVALID_VALUE"):
        run_convex_stage(job(1), data(), [])
