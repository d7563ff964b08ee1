"""The ReLU gap table: one row per run of (19), checked against d_hat <= p* <= p_hat and p*(5) <= p*(3)."""

from bmconvex.core.logs import start_log

log = start_log(snakemake.log[0])

from bmconvex.core.records import read_json  # noqa: E402
from bmconvex.relu import gaps  # noqa: E402

inputs = snakemake.input
table = gaps.gap_table(
    [read_json(p) for p in inputs.bm], [read_json(p) for p in inputs.relu], [read_json(p) for p in inputs.gated]
)
gaps.check_invariants(table, snakemake.params.tolerance)
log.info("all %d runs satisfy d_hat <= p* <= p_hat and p*(5) <= p*(3)", len(table))
violations = gaps.bound_violations(table)
if len(violations):
    log.warning(
        "%d run(s) have an actual gap above the Thm 3.4 bound (not a KKT point):\n%s",
        len(violations),
        violations.to_string(index=False),
    )
violations.to_csv(snakemake.output.violations, index=False)
table.to_csv(snakemake.output.table, index=False)
