"""The scaling table (CSV and Markdown) and the log-log figure of time to certificate against n."""

from bmconvex.core.logs import start_log

start_log(snakemake.log[0])

from pathlib import Path  # noqa: E402

from bmconvex.certify import figure, report  # noqa: E402
from bmconvex.core.figures import save  # noqa: E402
from bmconvex.core.records import read_json  # noqa: E402

table = report.scaling_table([read_json(path) for path in snakemake.input.records])
table.to_csv(snakemake.output.table, index=False)
save(figure.scaling_figure(table), snakemake.output.pdf, snakemake.output.png)
Path(snakemake.output.markdown).write_text(report.markdown_table(table, snakemake.params.tolerance))
