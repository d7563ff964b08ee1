"""One unit of work of the layerwise CNN experiment (Sec. 4.2): a stage, or its convex form.

Stages are numbered from 1 as in the paper; ``space_to_depth_before`` lists the stages whose
input is downsampled by space-to-depth. A stage's checkpoint holds its spec and weights, so
stage s rebuilds the frozen chain 1 .. s - 1 from the checkpoints of the earlier jobs.
"""

from __future__ import annotations

import logging
import math

import torch

from bmconvex import image_data
from bmconvex.cnn import BMStage, ConvexStage, FrozenChain, stage_in_channels
from bmconvex.cnn_training import DeviceData, StageSettings, seed_everything, stage_bound, train_stage

log = logging.getLogger("bmconvex")


def stage_settings(cfg: dict, dataset: str, stage: int) -> StageSettings:
    ds = cfg["architecture"][dataset]
    return StageSettings(
        epochs=cfg["epochs"],
        lr=ds["lr"][stage - 1],
        momentum=cfg["momentum"],
        weight_decay=cfg["weight_decay"],
        batch_size=cfg["batch_size"],
        lr_step=cfg["lr_step"],
        lr_gamma=cfg["lr_gamma"],
        augment=ds["augment"],
        mixed_precision=cfg["mixed_precision"],
    )


def load_data(path: str, dataset: str, device: torch.device, cfg: dict) -> DeviceData:
    images = image_data.load(path)
    n_train, n_test = cfg["data"]["train_samples"], cfg["data"]["test_samples"]
    images = image_data.ImageSet(
        images.train_x[:n_train], images.train_y[:n_train], images.test_x[:n_test], images.test_y[:n_test]
    )
    return DeviceData(images, dataset, device)


def save_stage(model: BMStage, path: str) -> None:
    torch.save({"spec": model.spec(), "state": model.state_dict()}, path)


def load_stage(path: str, device: torch.device) -> BMStage:
    saved = torch.load(path, map_location=device, weights_only=True)
    model = BMStage(**saved["spec"]).to(device)
    model.load_state_dict(saved["state"])
    return model


def frozen_chain(checkpoints: list[str], space_to_depth_before: list[int], device: torch.device) -> FrozenChain:
    stages = [load_stage(path, device) for path in checkpoints]
    return FrozenChain(stages, [s - 1 for s in space_to_depth_before]).to(device)


def new_stage(cfg: dict, dataset: str, data: DeviceData, stage: int, m: int, seed: int) -> BMStage:
    """Stage ``stage`` with fresh random gates and weights (the seed fixes both)."""
    ds = cfg["architecture"][dataset]
    seed_everything(seed * 1000 + stage)
    in_channels = stage_in_channels(
        data.train_x.shape[1], ds["P_hat"], m, [s - 1 for s in ds["space_to_depth_before"]], stage - 1
    )
    return BMStage(in_channels, ds["P_hat"][stage - 1], m, num_classes=10, bias=stage == 1).to(data.device)


def run_stage(cfg: dict, dataset: str, data: DeviceData, checkpoints: list[str], stage: int, m: int):
    """Train BM stage ``stage`` on the frozen earlier stages; return it, its epoch rows and its bound."""
    chain = frozen_chain(checkpoints, cfg["architecture"][dataset]["space_to_depth_before"], data.device)
    model = new_stage(cfg, dataset, data, stage, m, cfg["seed"])
    log.info("stage %d of %s, m = %d: %s", stage, dataset, m, model.spec())
    rows = train_stage(model, chain, stage - 1, data, stage_settings(cfg, dataset, stage), cfg["seed"])
    bound = stage_bound(model, chain, stage - 1, data, cfg["weight_decay"], cfg["bound_samples"])
    log.info("stage %d Thm 3.4 / Cor. 3.8 bound: %.4g", stage, bound)
    return model, rows, bound


def run_convex_stage(cfg: dict, dataset: str, data: DeviceData, checkpoints: list[str], stage: int) -> dict:
    """Time and memory of training the convex form (23) of a stage (Fig. 6); an OOM is a result."""
    ds = cfg["architecture"][dataset]
    chain = frozen_chain(checkpoints, ds["space_to_depth_before"], data.device)
    m = cfg["convex"]["m_chain"]
    bm = new_stage(cfg, dataset, data, stage, m, cfg["seed"])
    convex = ConvexStage(bm.in_channels, bm.P, 10, bm.bias).to(data.device)
    settings = StageSettings(
        **{**stage_settings(cfg, dataset, stage).__dict__, "epochs": cfg["convex"]["epochs"], "weight_decay": 0.0}
    )
    beta = cfg["weight_decay"]
    max_batches = cfg["convex"]["max_batches"]
    subset = data if max_batches is None else data.head(max_batches * settings.batch_size)
    fraction = len(subset.train_y) / len(data.train_y)  # of an epoch actually timed
    record = {"stage": stage, "P": bm.P, "in_channels": bm.in_channels, "oom": False, "epoch_fraction": fraction}
    try:
        rows = train_stage(convex, chain, stage - 1, subset, settings, cfg["seed"], lambda: beta * convex.regulariser())
        seconds = sum(r["seconds"] for r in rows) / len(rows) / fraction  # extrapolated to a full epoch
        record.update(seconds_per_epoch=seconds, peak_mem_gb=rows[-1]["peak_mem_gb"])
    except torch.OutOfMemoryError as err:
        log.warning("convex stage %d ran out of memory: %s", stage, err)
        peak = torch.cuda.max_memory_allocated(data.device) / 2**30 if data.device.type == "cuda" else math.nan
        record.update(oom=True, seconds_per_epoch=math.nan, peak_mem_gb=peak)
    return record
