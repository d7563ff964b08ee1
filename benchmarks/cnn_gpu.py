"""GPU section of the benchmark harness: the BM CNN stages of Sec. 4.2 at the paper's Fashion-MNIST sizes.

For each m and stage (P-hat = 256 at every stage, space-to-depth before stage 3, batch 128, 60000
generated 28 x 28 images: a stage's time does not depend on pixel values or trained weights), the
seconds per epoch and peak GPU memory of

- ours: ``bmconvex.cnn.training.train_stage`` (data resident on the GPU, bf16 autocast,
  channels-last, statistics synchronised once per epoch), and
- plain: the same stage written and trained as a plain PyTorch program (tests/reference_cnn.py:
  float32 NCHW, a DataLoader feeding host batches),

each timed alone on the card after a warm-up, on the first ``batches`` batches, extrapolated to an
epoch (evaluation excluded). Without a CUDA device the section says why it is skipped and returns no rows.
"""

from __future__ import annotations

import copy

import numpy as np
import torch

from bmconvex.cnn.formats import ImageSet
from bmconvex.cnn.loader import DeviceData
from bmconvex.cnn.model import BMStage, FrozenChain
from bmconvex.cnn.progress import Progress
from bmconvex.cnn.training import StageSettings, on_device, train_stage

BATCH = 128


def images(n_train: int, device: torch.device) -> DeviceData:
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(n_train, 1, 28, 28), dtype=np.uint8)
    y = rng.integers(0, 10, size=n_train)
    return DeviceData(ImageSet(x, y, x[:BATCH], y[:BATCH]), "fashion_mnist", device)


def time_ours(stage, chain, data, batches, device):
    settings = StageSettings(
        epochs=1, lr=0.05, momentum=0.9, weight_decay=5e-4, batch_size=BATCH, lr_step=15, lr_gamma=0.2,
        augment=False, precision="auto",
    )  # fmt: skip
    model, chain = on_device(copy.deepcopy(stage), device), on_device(chain, device)
    quiet = Progress("benchmark", 1, batches, heartbeat_s=float("inf"))
    train_stage(model, chain, data.head(10 * BATCH), settings, 0, progress=quiet)  # warm-up
    row = train_stage(model, chain, data.head(batches * BATCH), settings, 0, progress=quiet)[0]
    return row["seconds"], row["peak_mem_gb"]


def time_plain(stage, frozen, s2d, data, batches, device):
    from reference_cnn import PlainStage, plain_epoch  # tests/ is on the harness's path

    plain, chain = PlainStage(stage).to(device), [PlainStage(f).to(device) for f in frozen]
    x = data.normalise(data.train_x[: batches * BATCH]).cpu()
    y = data.train_y[: batches * BATCH].cpu()
    plain_epoch(plain, chain, s2d, x[: 10 * BATCH], y[: 10 * BATCH], BATCH, 0.05, device)  # warm-up
    return plain_epoch(plain, chain, s2d, x, y, BATCH, 0.05, device)


def bench_cnn(device: torch.device, batches: int = 100, n_train: int = 60000, ms=(1, 2, 4), P: int = 256) -> list:
    """Rows (m, stage, seconds per epoch and peak GiB of ours and plain, speed-up) on ``device``."""
    data, rows = images(n_train, device), []
    epoch_batches = -(-n_train // BATCH)
    for m in ms:
        frozen = []
        for stage_no in (1, 2, 3):
            s2d = tuple(s == 3 for s in range(1, stage_no + 1))
            chain = FrozenChain(frozen, s2d)
            torch.manual_seed(stage_no)
            stage = BMStage(chain.out_channels(1), P, m, 10, bias=stage_no == 1)
            ours, ours_peak = time_ours(stage, chain, data, batches, device)
            plain, plain_peak = time_plain(stage, frozen, s2d, data, batches, device)
            scale = epoch_batches / batches
            rows.append(
                {
                    "benchmark": "cnn_stage_gpu",
                    "m": m,
                    "stage": stage_no,
                    "P_hat": P,
                    "in_channels": stage.in_channels,
                    "batches_timed": batches,
                    "ours_s_per_epoch": ours * scale,
                    "plain_s_per_epoch": plain * scale,
                    "speedup": plain / ours,
                    "ours_peak_gib": ours_peak,
                    "plain_peak_gib": plain_peak,
                    "device": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
                }
            )
            print(rows[-1], flush=True)
            frozen.append(stage.to(device))
    return rows


def gpu_section(batches: int) -> list:
    if not torch.cuda.is_available():
        print("CNN GPU section skipped: no CUDA device is visible (torch.cuda.is_available() is False)", flush=True)
        return []
    return bench_cnn(torch.device("cuda"), batches)
