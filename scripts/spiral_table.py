"""The Markdown gap table: mean ± std over seeds per (n, beta, m)."""

from bmconvex.core.logs import start_log

start_log(snakemake.log[0])

from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402

from bmconvex.mlp import gaps  # noqa: E402

Path(snakemake.output.markdown).write_text(gaps.markdown_table(pd.read_csv(snakemake.input.table)))
