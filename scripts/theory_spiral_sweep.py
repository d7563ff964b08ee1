"""The spiral m-sweep table: gap, Thm 3.4 bound, rank conditions and curvature per run."""

from bmconvex.core.logs import start_log

log = start_log(snakemake.log[0])

from bmconvex.core.records import read_json  # noqa: E402
from bmconvex.theory.spiral import sweep_table  # noqa: E402

table = sweep_table(
    [read_json(p) for p in snakemake.input.bm],
    [read_json(p) for p in snakemake.input.convex],
    [row for p in snakemake.input.curvature for row in read_json(p)["curvature"]],
    snakemake.params.saddle_rtol,
)
log.info("%d of %d last iterates are strict saddles", int(table["strict_saddle"].sum()), len(table))
table.to_csv(snakemake.output.table, index=False)
