"""Figures 1, 5 and 6, the per-epoch and per-stage CSVs and the accuracy table of the CNN experiment."""

from bmconvex.logs import start_log

start_log(snakemake.log[0])

from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402

from bmconvex import cnn_results  # noqa: E402
from bmconvex.records import read_json  # noqa: E402

records = [read_json(p) for p in snakemake.input.stages]
stages = cnn_results.stage_table(records)
convex = pd.DataFrame([read_json(p) for p in snakemake.input.convex]).drop(columns="provenance")
cnn_results.epoch_table(records).to_csv(snakemake.output.epochs, index=False)
stages.to_csv(snakemake.output.stages, index=False)
convex.to_csv(snakemake.output.convex, index=False)
out = snakemake.output
cnn_results.save(cnn_results.accuracy_figure(stages, "test_acc", "test accuracy (%)"), out.fig1_pdf, out.fig1_png)
cnn_results.save(cnn_results.accuracy_figure(stages, "train_acc", "train accuracy (%)"), out.fig5_pdf, out.fig5_png)
cnn_results.save(cnn_results.cost_figure(stages, convex), out.fig6_pdf, out.fig6_png)
Path(out.table).write_text(cnn_results.accuracy_markdown(stages))
