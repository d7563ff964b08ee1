"""Hyperplane arrangement (gates h_j, patterns D_j) for one (n, seed)."""

from bmconvex.core.logs import start_log

start_log(snakemake.log[0])

from bmconvex.mlp import arrangements, spiral  # noqa: E402

data = spiral.load(snakemake.input.data)
arrangement = arrangements.arrangement_for_seed(data.X, snakemake.params.P_hat, int(snakemake.wildcards.seed))
arrangements.save(arrangement, snakemake.output.arrangement)
