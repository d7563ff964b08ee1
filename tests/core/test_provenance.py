"""A job's code digest follows the package modules its script imports, and only those."""

import shutil

import pytest
from workflow_helpers import ROOT

from bmconvex.core import provenance


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A copy of the package whose files the test may edit."""
    copy = tmp_path / "bmconvex"
    shutil.copytree(provenance.PACKAGE, copy)
    monkeypatch.setattr(provenance, "PACKAGE", copy)
    return copy


def test_digest_changes_with_imported_code_only(package):
    bm, figure = ROOT / "scripts" / "spiral_bm.py", ROOT / "scripts" / "spiral_gap_figure.py"
    before = provenance.code_digest(bm), provenance.code_digest(figure)
    gd = package / "core" / "gd.py"
    edited = gd.read_text().replace("b *= mu", "b *= 0.5 * mu")
    assert edited != gd.read_text()
    gd.write_text(edited)
    assert provenance.code_digest(bm) != before[0]  # GD's step changed: the BM jobs re-run
    assert provenance.code_digest(figure) == before[1]  # the figure does not import the trainer


def test_docstrings_and_comments_do_not_count(package):
    bm = ROOT / "scripts" / "spiral_bm.py"
    before = provenance.code_digest(bm)
    problem = package / "mlp" / "problem.py"
    text = problem.read_text().replace('"""Objective of (5) at Z."""', '"""The objective."""  # reworded')
    assert text != problem.read_text()
    problem.write_text(text)
    assert provenance.code_digest(bm) == before
