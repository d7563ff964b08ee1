"""HTML views of the workflow's tables for `snakemake --report`.

The report shows images, PDF and HTML in the page; any other file (CSV, Markdown) only as a
download. Each table is therefore also written as a small HTML page: the table itself, its
source file's name and a link that downloads the source unchanged.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import pandas as pd

STYLE = """
body { font-family: system-ui, sans-serif; font-size: 13px; margin: 1em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: right; white-space: nowrap; }
th { background: #f2f2f2; position: sticky; top: 0; }
tr:nth-child(even) td { background: #fafafa; }
"""


def read_markdown(text: str) -> pd.DataFrame:
    """A Markdown pipe table, as `DataFrame.to_markdown` (tabulate's "pipe" format) writes it.

    Hand-written: the project has no Markdown library, and this one format is all it writes.
    """
    rows = [line.strip().strip("|").split("|") for line in text.strip().splitlines()]
    if len(rows) < 2 or not all(cell.strip() and set(cell.strip()) <= set(":-") for cell in rows[1]):
        raise ValueError("not a Markdown pipe table: the second line must be the |---|---| separator")
    header, body = [c.strip() for c in rows[0]], rows[2:]
    if any(len(row) != len(header) for row in body):
        raise ValueError(f"a row of the Markdown table does not have the header's {len(header)} cells")
    return pd.DataFrame([[c.strip() for c in row] for row in body], columns=header)


def read_table(path: str | Path) -> pd.DataFrame:
    path = Path(path)
    if path.suffix == ".csv":
        return pd.read_csv(path)
    if path.suffix == ".md":
        return read_markdown(path.read_text())
    raise ValueError(f"{path}: only .csv and .md tables can be shown in the report")


def html_page(path: str | Path) -> str:
    """A standalone HTML page showing the table in ``path`` (.csv or .md) with a download link to it."""
    path = Path(path)
    table = read_table(path)
    source = base64.b64encode(path.read_bytes()).decode()
    mime = "text/csv" if path.suffix == ".csv" else "text/markdown"
    body = table.to_html(index=False, float_format="{:.4g}".format, border=0, na_rep="")
    name = html.escape(path.name)
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{name}</title><style>{STYLE}</style></head>\n'
        f"<body><p>{len(table)} rows from <code>{html.escape(str(path))}</code> "
        f'(<a download="{name}" href="data:{mime};base64,{source}">download {name}</a>)</p>\n{body}\n</body></html>\n'
    )
