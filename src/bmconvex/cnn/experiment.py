"""One unit of work of the layerwise CNN experiment (Sec. 4.2): a stage, or its convex form.

A stage's checkpoint holds its spec and weights, so stage s rebuilds the frozen chain
1 .. s - 1 from the checkpoints of the earlier jobs (a killed chain resumes from its last stage).
"""

from __future__ import annotations

import logging
import math
from dataclasses import replace

import torch

from bmconvex.cnn.bound import stage_bound
from bmconvex.cnn.config import StageJob
from bmconvex.cnn.loader import NUM_CLASSES, DeviceData, device_name
from bmconvex.cnn.model import BMStage, ConvexStage, FrozenChain, stage_in_channels
from bmconvex.cnn.training import seed_everything, train_stage

log = logging.getLogger("bmconvex")


def save_stage(model: BMStage, path: str) -> None:
    torch.save({"spec": model.spec(), "state": model.state_dict()}, path)


def load_stage(path: str, device: torch.device) -> BMStage:
    saved = torch.load(path, map_location=device, weights_only=True)
    model = BMStage(**saved["spec"]).to(device)
    model.load_state_dict(saved["state"])
    return model


def frozen_chain(job: StageJob, checkpoints: list[str], device: torch.device) -> FrozenChain:
    if len(checkpoints) != job.stage - 1:
        raise ValueError(f"stage {job.stage} needs the checkpoints of stages 1 .. {job.stage - 1}, got {checkpoints}")
    return FrozenChain([load_stage(path, device) for path in checkpoints], job.space_to_depth).to(device)


def new_stage(job: StageJob, data: DeviceData) -> BMStage:
    """The job's stage with fresh random gates and weights (the seed fixes both)."""
    seed_everything(job.seed * 1000 + job.stage)
    in_channels = stage_in_channels(data.train_x.shape[1], job.P, job.m, job.space_to_depth)
    return BMStage(in_channels, job.P[-1], job.m, NUM_CLASSES, bias=job.stage == 1).to(data.device)


def run_stage(job: StageJob, data: DeviceData, checkpoints: list[str]) -> tuple[BMStage, dict]:
    """Train the job's BM stage on the frozen earlier stages; return it and its record."""
    chain = frozen_chain(job, checkpoints, data.device)
    model = new_stage(job, data)
    log.info("stage %d of %s, m = %d: %s", job.stage, job.dataset, job.m, model.spec())
    rows = train_stage(model, chain, data, job.settings, job.seed)
    bound = stage_bound(model, chain, data, job.settings.weight_decay, job.bound_samples)
    log.info("stage %d Thm 3.4 / Cor. 3.8 bound: %.4g", job.stage, bound)
    record = {"dataset": job.dataset, "m": job.m, "stage": job.stage, "bound": bound, "epochs": rows}
    return model, {**record, "device": device_name(data.device)}


def run_convex_stage(job: StageJob, data: DeviceData, checkpoints: list[str], epochs: int, max_batches: int | None):
    """Time and memory of training the convex form (23) of a stage (Fig. 6); an OOM is a result."""
    chain = frozen_chain(job, checkpoints, data.device)
    bm = new_stage(job, data)
    convex = ConvexStage(bm.in_channels, bm.P, NUM_CLASSES, bm.bias).to(data.device)
    settings = replace(job.settings, epochs=epochs, weight_decay=0.0)
    beta = job.settings.weight_decay
    subset = data if max_batches is None else data.head(max_batches * settings.batch_size)
    fraction = len(subset.train_y) / len(data.train_y)  # of an epoch actually timed
    record = {
        "dataset": job.dataset,
        "stage": job.stage,
        "P": bm.P,
        "in_channels": bm.in_channels,
        "oom": False,
        "epoch_fraction": fraction,
        "device": device_name(data.device),
    }
    try:
        rows = train_stage(convex, chain, subset, settings, job.seed, lambda: beta * convex.regulariser())
        seconds = sum(r["seconds"] for r in rows) / len(rows) / fraction  # extrapolated to a full epoch
        record.update(seconds_per_epoch=seconds, peak_mem_gb=rows[-1]["peak_mem_gb"])
    except torch.OutOfMemoryError as err:
        log.warning("convex stage %d ran out of memory: %s", job.stage, err)
        peak = torch.cuda.max_memory_allocated(data.device) / 2**30 if data.device.type == "cuda" else math.nan
        record.update(oom=True, seconds_per_epoch=math.nan, peak_mem_gb=peak)
    return record
