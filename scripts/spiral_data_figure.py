"""Fig. 3: the spiral data for each n."""

from bmconvex.core.logs import start_log

start_log(snakemake.log[0])

from bmconvex.core.figures import save  # noqa: E402
from bmconvex.mlp import figures, spiral  # noqa: E402

datasets = {int(n): spiral.load(path) for n, path in zip(snakemake.params.ns, snakemake.input.data, strict=False)}
save(figures.data_figure(datasets), snakemake.output.pdf, snakemake.output.png)
