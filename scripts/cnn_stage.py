"""Train one BM convex CNN stage (eq. 126) on the frozen earlier stages; GPU when visible."""

from bmconvex.logs import start_log

start_log(snakemake.log[0])

import torch  # noqa: E402

from bmconvex.cnn_experiment import load_data, run_stage, save_stage  # noqa: E402
from bmconvex.cnn_training import device_name, pick_device  # noqa: E402
from bmconvex.records import write_json  # noqa: E402

cfg, wc = snakemake.params.cnn, snakemake.wildcards
torch.set_num_threads(snakemake.threads)
device = pick_device(cfg["device"])
data = load_data(snakemake.input.data, wc.dataset, device, cfg)
model, rows, bound = run_stage(cfg, wc.dataset, data, list(snakemake.input.previous), int(wc.stage), int(wc.m))
save_stage(model, snakemake.output.checkpoint)
write_json(
    snakemake.output.metrics,
    {
        "dataset": wc.dataset,
        "m": int(wc.m),
        "stage": int(wc.stage),
        "bound": bound,
        "device": device_name(device),
        "epochs": rows,
    },
)
