"""Train one BM convex CNN stage (eq. 126) on the frozen earlier stages; GPU when visible."""

from bmconvex.core.logs import start_log

start_log(snakemake.log[0])

from bmconvex.core.gpu_slots import assign_gpu  # noqa: E402

if snakemake.params.job["device"] != "cpu":  # before torch starts CUDA; a slot of a card
    assign_gpu(whole_card=False)

import torch  # noqa: E402

from bmconvex.cnn import device as devices  # noqa: E402
from bmconvex.cnn import loader, memory  # noqa: E402
from bmconvex.cnn.config import StageJob  # noqa: E402
from bmconvex.cnn.experiment import run_stage  # noqa: E402
from bmconvex.core.records import write_json  # noqa: E402
from bmconvex.core.specs import build  # noqa: E402

job = build(StageJob, snakemake.params.job)
torch.set_num_threads(snakemake.threads)
device = devices.pick_device(job.device, devices.work(job))
memory.apply_budget(device, job.gpu_memory_gib)
data = loader.load(snakemake.input.data, job.dataset, device, job.train_samples, job.test_samples)
record = run_stage(job, data, list(snakemake.input.previous), snakemake.output.checkpoint, snakemake.log.epochs)
write_json(snakemake.output.metrics, record)
