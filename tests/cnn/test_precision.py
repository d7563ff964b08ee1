"""The precision follows the device (bf16 where native, fp16 with a gradient scaler where not), and the
fp16 + GradScaler path runs on the CPU (torch's CPU autocast computes fp16), so a slip in it fails here."""

import numpy as np
import pytest
import torch

from bmconvex.cnn import precision
from bmconvex.cnn.formats import ImageSet
from bmconvex.cnn.loader import DeviceData
from bmconvex.cnn.model import BMStage, FrozenChain
from bmconvex.cnn.training import StageSettings, train_stage

GPU = torch.device("cuda", 0)  # never touched: only its capability is asked, and that is stubbed
CPU = torch.device("cpu")


@pytest.mark.parametrize(
    "capability, expected",
    [((6, 1), "fp16"), ((7, 0), "fp16"), ((7, 5), "fp16"), ((8, 0), "bf16"), ((9, 0), "bf16"), ((12, 0), "bf16")],
)
def test_auto_is_bf16_from_compute_capability_8_and_fp16_below(monkeypatch, capability, expected):
    monkeypatch.setattr(precision, "capability", lambda device: capability)
    assert precision.resolve("auto", GPU) == expected
    assert precision.resolve("fp32", GPU) == "fp32"
    assert precision.grad_scaler(CPU, expected).is_enabled() == (expected == "fp16")


def test_auto_is_fp32_on_the_cpu_and_a_request_is_kept():
    assert [precision.resolve(p, CPU) for p in precision.PRECISIONS] == ["fp32", "bf16", "fp16", "fp32"]
    with pytest.raises(ValueError, match="cnn.precision: 'half'; use one of auto, bf16, fp16, fp32"):
        precision.resolve("half", CPU)


def train(requested: str):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(64, 1, 8, 8), dtype=np.uint8)
    y = rng.integers(0, 10, size=64)
    data = DeviceData(ImageSet(x, y, x[:16], y[:16]), "fashion_mnist", CPU)
    torch.manual_seed(0)
    stage = BMStage(1, 4, 2, 10, bias=True)
    settings = StageSettings(
        epochs=1, lr=0.05, momentum=0.9, weight_decay=5e-4, batch_size=16, lr_step=1, lr_gamma=0.5, augment=False,
        precision=requested,
    )  # fmt: skip
    return stage, train_stage(stage, FrozenChain([], (False,)), data, settings, seed=0)


def test_fp16_with_a_gradient_scaler_trains_as_fp32_does(monkeypatch):
    """Same seed, same batches: fp16 differs from fp32 only by rounding; the scaler's steps were taken."""
    scales = []
    step = torch.amp.GradScaler.step

    def recording_step(self, optimizer, *args, **kwargs):
        scales.append(self.get_scale() if self.is_enabled() else None)
        return step(self, optimizer, *args, **kwargs)

    monkeypatch.setattr(torch.amp.GradScaler, "step", recording_step)
    full_stage, full = train("fp32")
    assert scales == [None] * 4  # 4 batches, no scaling
    half_stage, half = train("fp16")
    assert scales[4:] == [2.0**16] * 4  # the default initial scale, never lowered: no overflow, no skipped step
    assert [r["train_loss"] for r in half] != [r["train_loss"] for r in full]  # fp16 arithmetic was used
    for a, b in zip(half, full, strict=True):
        assert a["train_loss"] == pytest.approx(b["train_loss"], rel=1e-2)
    torch.testing.assert_close(half_stage.U.weight, full_stage.U.weight, rtol=0, atol=2e-3)
    assert not torch.equal(half_stage.U.weight, full_stage.U.weight)
