"""The self-attention table: one row per (beta, m, seed), checked against d_hat <= p* <= p_hat."""

from bmconvex.core.logs import start_log

log = start_log(snakemake.log[0])

from bmconvex.attention import table  # noqa: E402
from bmconvex.core.records import read_json  # noqa: E402

heads = table.heads_table(
    [read_json(p) for p in snakemake.input.bm],
    [read_json(p) for p in snakemake.input.convex],
    snakemake.params.saddle_rtol,
)
table.check_invariants(heads, snakemake.params.tolerance)
log.info("all %d runs satisfy d_hat <= p* <= p_hat", len(heads))
heads.to_csv(snakemake.output.table, index=False)
