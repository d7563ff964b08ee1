"""Time per epoch and peak memory of the convex form (23) of one stage (Fig. 6)."""

from bmconvex.core.logs import start_log

start_log(snakemake.log[0])

import torch  # noqa: E402

from bmconvex.cnn import loader  # noqa: E402
from bmconvex.cnn.config import StageJob  # noqa: E402
from bmconvex.cnn.experiment import run_convex_stage  # noqa: E402
from bmconvex.core.records import write_json  # noqa: E402
from bmconvex.core.specs import build  # noqa: E402

job, params = build(StageJob, snakemake.params.job), snakemake.params
torch.set_num_threads(snakemake.threads)
device = loader.pick_device(job.device)
data = loader.load(snakemake.input.data, job.dataset, device, job.train_samples, job.test_samples)
record = run_convex_stage(job, data, list(snakemake.input.previous), params.epochs, params.max_batches)
write_json(snakemake.output.metrics, record)
