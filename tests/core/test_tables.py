"""The report's HTML views of the tables show exactly the table written, and link its source unchanged."""

import base64
import re

import pandas as pd
import pytest

from bmconvex.core.tables import html_page, read_markdown
from bmconvex.mlp.gaps import markdown_table

GAPS = pd.DataFrame(
    {
        "n": [6, 6, 6, 6],
        "beta": [0.1, 0.1, 0.01, 0.01],
        "m": [1, 1, 1, 1],
        "seed": [0, 1, 0, 1],
        "rel_gap": [1e-3, 3e-3, 2e-2, 4e-2],
        "rel_gap_bound": [1e-2, 3e-2, 0.2, 0.4],
        "certified_gap": [1.1e-2, 3.1e-2, 0.21, 0.41],
    }
)


def test_markdown_tables_written_by_the_workflow_read_back_cell_for_cell():
    text = markdown_table(GAPS)
    table = read_markdown(text)
    assert list(table.columns) == ["n", "beta", "m", "actual gap", "Thm 3.4 bound", "certified gap"]
    assert dict(zip(table["beta"], table["actual gap"], strict=True)) == {
        "0.01": "0.03 ± 0.014",
        "0.1": "0.002 ± 0.0014",
    }


def test_a_file_that_is_not_a_pipe_table_is_refused():
    with pytest.raises(ValueError, match="separator"):
        read_markdown("# a heading\n\nsome text\n")


def test_html_page_holds_the_table_and_the_source_file(tmp_path):
    path = tmp_path / "gaps.csv"
    GAPS.to_csv(path, index=False)
    page = html_page(path)
    assert page.count("<tr") == 1 + len(GAPS)  # header and one row per run
    assert "<th>rel_gap_bound</th>" in page and "<td>0.41</td>" in page
    link = re.search(r'download="gaps.csv" href="data:text/csv;base64,([^"]+)"', page).group(1)
    assert base64.b64decode(link) == path.read_bytes()
