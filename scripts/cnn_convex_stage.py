"""Convex stage s of (23) on the convex stages before it: time per epoch and peak memory (Fig. 6)."""

from bmconvex.core.logs import start_log

start_log(snakemake.log[0])

from bmconvex.core.gpu_slots import assign_gpu  # noqa: E402

if snakemake.params.job["device"] != "cpu":  # before torch starts CUDA; a whole card: timed alone (Fig. 6)
    assign_gpu(whole_card=True)

import torch  # noqa: E402

from bmconvex.cnn import device as devices  # noqa: E402
from bmconvex.cnn import loader, memory  # noqa: E402
from bmconvex.cnn.config import ConvexJob  # noqa: E402
from bmconvex.cnn.experiment import run_convex_stage, save_stage  # noqa: E402
from bmconvex.core.records import write_json  # noqa: E402
from bmconvex.core.specs import build  # noqa: E402

job = build(ConvexJob, snakemake.params.job)
torch.set_num_threads(snakemake.threads)
device = devices.pick_device(job.device, devices.work(job))
memory.apply_budget(device, job.gpu_memory_gib)
data = loader.load(snakemake.input.data, job.dataset, device, job.train_samples, job.test_samples)
model, trained, record = run_convex_stage(job, data, list(snakemake.input.previous), snakemake.log.epochs)
save_stage(model, snakemake.output.checkpoint, trained)  # without weights when it did not fit
write_json(snakemake.output.metrics, record)
