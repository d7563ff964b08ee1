"""The tidy gap table: one row per BM run, checked against d_hat <= p* <= p_hat."""

from bmconvex.core.logs import start_log

log = start_log(snakemake.log[0])

from bmconvex.core.records import read_json  # noqa: E402
from bmconvex.mlp import gaps  # noqa: E402

table = gaps.gap_table([read_json(p) for p in snakemake.input.bm], [read_json(p) for p in snakemake.input.convex])
gaps.check_invariants(table, snakemake.params.tolerance)
log.info("all %d runs satisfy d_hat <= p* <= p_hat", len(table))
violations = gaps.bound_violations(table)
if len(violations):
    log.warning(
        "%d run(s) have an actual gap above the Thm 3.4 bound (not stationary enough):\n%s",
        len(violations),
        violations.to_string(index=False),
    )
violations.to_csv(snakemake.output.violations, index=False)
table.to_csv(snakemake.output.table, index=False)
