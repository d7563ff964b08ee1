"""Figures 1, 5 and 6, the per-epoch and per-stage CSVs and the accuracy table of the CNN experiment."""

from bmconvex.core.logs import start_log

start_log(snakemake.log[0])

from bmconvex.cnn.results import write_report  # noqa: E402
from bmconvex.core.records import read_json  # noqa: E402

write_report(
    [read_json(p) for p in snakemake.input.stages],
    [read_json(p) for p in snakemake.input.convex],
    dict(snakemake.output.items()),
)
