"""One unit of work of the layerwise CNN experiment (Sec. 4.2): a BM stage, or a stage of the convex chain.

A stage's checkpoint holds its kind, spec and weights, so stage s rebuilds the frozen chain
1 .. s - 1 from the checkpoints of the earlier jobs (a killed chain resumes from its last stage).
The convex chain of (23) is its own (App. C.3, Fig. 6): convex stage s reads the latent of convex
stage s - 1, P a c channels (Sec. 4.2). A convex stage that runs out of memory is a result; it
saves its spec without weights, and the convex stages after it are recorded as not reached.
A BM stage's checkpoint is written as soon as it is trained; its bound then runs in batches that
fit the budget, and a bound that does not fit is recorded as not computed, saying why.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import torch

from bmconvex.cnn import memory, precision
from bmconvex.cnn.bound import stage_bound
from bmconvex.cnn.config import ChainStage, ConvexJob, StageJob
from bmconvex.cnn.formats import NUM_CLASSES
from bmconvex.cnn.loader import DeviceData, device_name
from bmconvex.cnn.model import BMStage, ConvexStage, FrozenChain
from bmconvex.cnn.progress import Progress
from bmconvex.cnn.training import on_device, seed_everything, train_stage

log = logging.getLogger("bmconvex")
KINDS = {"bm": BMStage, "convex": ConvexStage}


def save_stage(model: BMStage | ConvexStage, path: str, trained: bool = True) -> None:
    """The stage's kind, spec and (when ``trained``) weights."""
    kind = "bm" if isinstance(model, BMStage) else "convex"
    torch.save({"kind": kind, "spec": model.spec(), "state": model.state_dict() if trained else None}, path)


def load_stage(path: str, device: torch.device) -> BMStage | ConvexStage:
    """The stage saved at ``path``, on ``device``; on the meta device if it was saved without weights."""
    saved = torch.load(path, map_location=device, weights_only=True)
    with torch.device("meta"):
        model = KINDS[saved["kind"]](**saved["spec"])
    if saved["state"] is not None:
        model.load_state_dict(saved["state"], assign=True)
    return model


def trained(module: torch.nn.Module) -> bool:
    return not any(p.is_meta for p in module.parameters())


def frozen_chain(job: ChainStage, checkpoints: list[str]) -> FrozenChain:
    """Stages 1 .. s - 1 from their checkpoints, on the CPU (moved to the device under the budget)."""
    if len(checkpoints) != job.stage - 1:
        raise ValueError(f"stage {job.stage} needs the checkpoints of stages 1 .. {job.stage - 1}, got {checkpoints}")
    return FrozenChain([load_stage(path, torch.device("cpu")) for path in checkpoints], job.space_to_depth)


def new_stage(job: ChainStage, chain: FrozenChain, data: DeviceData, device: torch.device | str):
    """The job's BM or convex stage with fresh random gates and weights (the seed fixes both)."""
    seed_everything(job.seed * 1000 + job.stage)
    in_channels = chain.out_channels(data.train_x.shape[1])
    with torch.device(device):
        if isinstance(job, StageJob):
            return BMStage(in_channels, job.P[-1], job.m, NUM_CLASSES, bias=job.stage == 1)
        return ConvexStage(in_channels, job.P[-1], NUM_CLASSES, bias=job.stage == 1)


def input_shape(job: ChainStage, chain: FrozenChain, data: DeviceData, batch: int) -> tuple[int, int, int, int]:
    """(B, C, H, W) of a batch of the stage's input."""
    H, W = (size >> sum(job.space_to_depth) for size in data.train_x.shape[2:])
    return batch, chain.out_channels(data.train_x.shape[1]), H, W


def resident(data: DeviceData) -> list[torch.Tensor]:
    return [data.train_x, data.train_y, data.test_x, data.test_y]


def step_estimate(job: ChainStage, model, chain: FrozenChain, data: DeviceData) -> int:
    """The shape count of :func:`memory.step_bytes` for a training step of the job's stage."""
    shape = input_shape(job, chain, data, job.settings.batch_size)
    number = precision.number_bytes(precision.resolve(job.settings.precision, data.device))
    return memory.step_bytes(model, chain, resident(data), shape, number)


def bound_record(job: StageJob, model: BMStage, chain: FrozenChain, data: DeviceData) -> dict:
    """The Cor. 3.8 bound in batches that fit the budget (:func:`memory.bound_batch`, halved after an
    allocation failure down to one image), or why it was not computed."""
    with torch.device("meta"):
        convex = ConvexStage(model.in_channels, model.P, model.num_classes, model.bias)
    fixed = memory.bound_bytes(model, convex, chain, resident(data))
    _, C, H, W = input_shape(job, chain, data, 1)
    per_image = 4 * H * W * (C + 2 * convex.latent_channels)  # fp32: input, conv output, gated product
    try:
        batch = memory.bound_batch(fixed, per_image, job.gpu_memory_gib)
        while True:  # the shape count is a lower bound: on an allocation failure, again in half the batch
            try:
                with memory.budget(data.device, job.gpu_memory_gib, fixed + batch * per_image):
                    bound = stage_bound(model, chain, data, job.settings.weight_decay, job.bound_samples, batch)
                break
            except memory.OutOfMemory as oom:
                if batch == 1:
                    raise
                log.warning("stage %d bound in batches of %d: %s; trying %d", job.stage, batch, oom, batch // 2)
                batch //= 2
    except memory.OutOfMemory as oom:
        log.warning("stage %d: the Cor. 3.8 bound was not computed: out of memory: %s", job.stage, oom)
        return {"bound": None, "bound_batch": None, "bound_not_computed": f"out of memory: {oom}"}
    log.info("stage %d Thm 3.4 / Cor. 3.8 bound: %.4g (batches of %d images)", job.stage, bound, batch)
    return {"bound": bound, "bound_batch": batch, "bound_not_computed": None}


def run_stage(job: StageJob, data: DeviceData, checkpoints: list[str], checkpoint: str, epochs_csv: str | None = None):
    """Train the job's BM stage on the frozen earlier stages, save it to ``checkpoint`` at once; its record."""
    chain = frozen_chain(job, checkpoints)
    model = new_stage(job, chain, data, "cpu")
    log.info("stage %d of %s, m = %d: %s", job.stage, job.dataset, job.m, model.spec())
    title = f"{job.dataset} m = {job.m} stage {job.stage}"
    batches = -(-len(data.train_y) // job.settings.batch_size)
    with memory.budget(data.device, job.gpu_memory_gib, step_estimate(job, model, chain, data)):
        chain, model = on_device(chain, data.device), on_device(model, data.device)
        with Progress(title, job.settings.epochs, batches, epochs_csv) as progress:
            rows = train_stage(model, chain, data, job.settings, job.seed, progress=progress)
    save_stage(model, checkpoint)  # before anything that can fail after training
    model.zero_grad(set_to_none=True)  # the bound's memory: no training gradients left
    record = {"dataset": job.dataset, "m": job.m, "stage": job.stage, **bound_record(job, model, chain, data)}
    record |= {"epochs": rows, "precision": precision.resolve(job.settings.precision, data.device)}
    return {**record, "device": device_name(data.device)}


def run_convex_stage(job: ConvexJob, data: DeviceData, checkpoints: list[str], epochs_csv: str | None = None):
    """Time and memory of training convex stage s of (23) on convex stages 1 .. s - 1 (Fig. 6).

    Returns the stage (on the meta device unless trained), whether it was trained, and its record:
    ``status`` is "trained" (seconds per epoch, extrapolated from ``max_batches``, and peak
    memory), "out of memory" (``needed_gib``: what it needed at least, and how that was found)
    or "not reached" (an earlier convex stage ran out of memory).
    """
    chain = frozen_chain(job, checkpoints)
    model = new_stage(job, chain, data, "meta")  # shapes only: stage 3's Z alone is 15 GB
    estimate = step_estimate(job, model, chain, data)
    subset = data if job.max_batches is None else data.head(job.max_batches * job.settings.batch_size)
    record = {
        "dataset": job.dataset,
        "stage": job.stage,
        "P": model.P,
        "in_channels": model.in_channels,
        "latent_channels": model.latent_channels,
        "budget_gib": job.gpu_memory_gib,
        "estimated_gib": estimate / memory.GiB,
        "epoch_fraction": len(subset.train_y) / len(data.train_y),  # of an epoch actually timed
        "device": device_name(data.device),
        "precision": precision.resolve(job.settings.precision, data.device),
        "seconds_per_epoch": None,  # None (null): absent; a record holds no NaN
        "peak_mem_gb": None,
        "needed_gib": None,
        "needed_from": "",
    }
    batches = -(-len(subset.train_y) // job.settings.batch_size)
    title = f"{job.dataset} convex stage {job.stage}"
    with Progress(title, job.settings.epochs, batches, epochs_csv) as progress:  # its CSV exists in every case
        if not trained(chain):
            log.warning("convex stage %d not reached: an earlier convex stage ran out of memory", job.stage)
            return model, False, {**record, "status": "not reached"}
        try:
            model, rows = train_convex(job, chain, data, subset, estimate, progress)
        except memory.OutOfMemory as oom:
            log.warning("convex stage %d out of memory: %s", job.stage, oom)
            return (
                model,
                False,
                {**record, "status": "out of memory", "needed_gib": oom.needed_gib, "needed_from": oom.source},
            )
    seconds = sum(r["seconds"] for r in rows) / len(rows) / record["epoch_fraction"]  # extrapolated to an epoch
    peak = max((r["peak_mem_gb"] for r in rows if r["peak_mem_gb"] is not None), default=None)  # None: CPU
    return model, True, {**record, "status": "trained", "seconds_per_epoch": seconds, "peak_mem_gb": peak}


def train_convex(job: ConvexJob, chain: FrozenChain, data: DeviceData, subset: DeviceData, estimate: int, progress):
    """Convex stage s trained on ``subset`` under the budget (or :class:`memory.OutOfMemory`); it and its rows.

    The regulariser is beta sum_k ||Z_k||_* of (23), so SGD's weight decay is off.
    """
    beta, settings = job.settings.weight_decay, replace(job.settings, weight_decay=0.0)
    with memory.budget(data.device, job.gpu_memory_gib, estimate):
        chain = on_device(chain, data.device)
        model = on_device(new_stage(job, chain, data, "cpu"), data.device)
        rows = train_stage(
            model, chain, subset, settings, job.seed, lambda: beta * model.regulariser(), progress, evaluate=False
        )
    return model, rows
