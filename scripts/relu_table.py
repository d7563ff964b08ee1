"""The ReLU summary as Markdown: p*(3) / p*(5) per (n, beta) and the medians per beta."""

from bmconvex.core.logs import start_log

start_log(snakemake.log[0])

from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402

from bmconvex.relu import gaps  # noqa: E402

Path(snakemake.output.markdown).write_text(gaps.markdown_table(pd.read_csv(snakemake.input.table)))
