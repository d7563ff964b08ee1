"""HTML pages of the tables for the report: each input table (.csv or .md) to the output of the same name."""

from bmconvex.core.logs import start_log

start_log(snakemake.log[0])

from pathlib import Path  # noqa: E402

from bmconvex.core.tables import html_page  # noqa: E402

for name, table in snakemake.input.items():
    Path(snakemake.output[name]).write_text(html_page(table))
