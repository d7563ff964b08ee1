"""Time per epoch and peak memory of the convex form (23) of one stage (Fig. 6)."""

from bmconvex.logs import start_log

start_log(snakemake.log[0])

import torch  # noqa: E402

from bmconvex.cnn_experiment import load_data, run_convex_stage  # noqa: E402
from bmconvex.cnn_training import device_name, pick_device  # noqa: E402
from bmconvex.records import write_json  # noqa: E402

cfg, wc = snakemake.params.cnn, snakemake.wildcards
torch.set_num_threads(snakemake.threads)
device = pick_device(cfg["device"])
data = load_data(snakemake.input.data, wc.dataset, device, cfg)
record = run_convex_stage(cfg, wc.dataset, data, list(snakemake.input.previous), int(wc.stage))
write_json(snakemake.output.metrics, {"dataset": wc.dataset, "device": device_name(device), **record})
