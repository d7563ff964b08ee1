"""Train one BM convex CNN stage (eq. 126) on the frozen earlier stages; GPU when visible."""

from bmconvex.core.logs import start_log

start_log(snakemake.log[0])

import torch  # noqa: E402

from bmconvex.cnn import loader, memory  # noqa: E402
from bmconvex.cnn.config import StageJob  # noqa: E402
from bmconvex.cnn.experiment import run_stage, save_stage  # noqa: E402
from bmconvex.core.records import write_json  # noqa: E402
from bmconvex.core.specs import build  # noqa: E402

job = build(StageJob, snakemake.params.job)
torch.set_num_threads(snakemake.threads)
device = loader.pick_device(job.device)
memory.apply_budget(device, job.gpu_memory_gib)
data = loader.load(snakemake.input.data, job.dataset, device, job.train_samples, job.test_samples)
model, record = run_stage(job, data, list(snakemake.input.previous), snakemake.log.epochs)
save_stage(model, snakemake.output.checkpoint)
write_json(snakemake.output.metrics, record)
