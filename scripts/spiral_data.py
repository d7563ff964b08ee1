"""Spiral data for one n (Sec. 4.1, Fig. 3)."""

from bmconvex.core.logs import start_log

log = start_log(snakemake.log[0])

from bmconvex.mlp import spiral  # noqa: E402

data = spiral.make_spiral(int(snakemake.wildcards.n), snakemake.params.noise, snakemake.params.seed)
spiral.save(data, snakemake.output.data)
log.info("wrote %d points in %d classes to %s", data.X.shape[0], data.Y.shape[1], snakemake.output.data)
