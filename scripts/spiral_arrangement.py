"""Hyperplane arrangement (gates h_j, patterns D_j) for one (n, seed)."""

from bmconvex.logs import start_log

start_log(snakemake.log[0])

from bmconvex import arrangements, spiral  # noqa: E402
from bmconvex.spiral_experiment import make_arrangement  # noqa: E402

data = spiral.load(snakemake.input.data)
arrangement = make_arrangement(data, snakemake.params.P_hat, int(snakemake.wildcards.seed))
arrangements.save(arrangement, snakemake.output.arrangement)
