"""The optimizer study's gap table (one row per run, checked) and its summary per optimizer."""

from bmconvex.core.logs import start_log

log = start_log(snakemake.log[0])

from bmconvex.core.records import read_json  # noqa: E402
from bmconvex.optim import gaps  # noqa: E402

params = snakemake.params
runs = [read_json(p) for p in snakemake.input.runs]
table = gaps.gap_table(runs, [read_json(p) for p in snakemake.input.convex], params.order)
gaps.check_invariants(table, params.tolerance)
log.info("all %d runs satisfy d_hat <= p* <= p_hat", len(table))
summary = gaps.summary(table, params.thresholds)
log.info("summary:\n%s", summary.to_string(index=False))
table.to_csv(snakemake.output.table, index=False)
summary.to_csv(snakemake.output.summary, index=False)
