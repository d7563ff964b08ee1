"""Sequences from a planted linear-attention teacher (the self-attention experiment's data)."""

from bmconvex.core.logs import start_log

start_log(snakemake.log[0])

from bmconvex.attention.experiment import make_data  # noqa: E402

make_data(snakemake.output.data, **snakemake.params.data)
