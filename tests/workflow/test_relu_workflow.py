"""The real `relu` target on a tiny config, in a fresh directory: gap table, invariants, figures."""

import pandas as pd
import pytest
import yaml
from workflow_helpers import ROOT, copy_workflow, jobs_run, snakemake

TINY = ROOT / "tests" / "configs" / "relu_tiny.yaml"

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    workdir = copy_workflow(tmp_path_factory.mktemp("relu"))
    (workdir / "tiny.yaml").write_text(TINY.read_text())
    return workdir, snakemake(workdir, "relu", "--configfile", "tiny.yaml")


def test_relu_target_builds_beside_the_gated_p_star(run):
    _, result = run
    assert result.returncode == 0, result.stderr[-3000:]
    jobs = jobs_run(result)
    assert jobs["relu_bm"] == 2 and jobs["relu_convex"] == 2 and jobs["spiral_convex"] == 2
    assert "spiral_bm" not in jobs  # the gated runs are not needed, only their p* of (5)


def test_gap_table_is_certified_and_satisfies_the_invariants(run):
    workdir, _ = run
    config = yaml.safe_load(TINY.read_text())["relu"]
    table = pd.read_csv(workdir / "results" / "relu" / "gaps.csv")
    required = "n beta m seed P p_star p_star_lower p_hat d_hat rel_gap rel_gap_bound certified_gap kkt_residual"
    assert [*required.split(), "p_star_gated"] == list(table.columns[:14])
    assert len(table) == 2
    assert ((table["p_star"] - table["p_star_lower"]) / table["p_star_lower"] <= config["convex"]["tolerance"]).all()
    tol = config["check_tolerance"]
    assert (table["d_hat"] <= table["p_star"] * (1 + tol)).all()
    assert (table["p_star"] <= table["p_hat"] * (1 + tol)).all()
    assert (table["p_star_gated"] <= table["p_star"] * (1 + tol)).all()


def test_figures_and_summary_are_written(run):
    workdir, _ = run
    for stem in ["relu_fig2_gap_n30", "relu_fig4_gap_small_n", "relu_pstar_ratio"]:
        assert (workdir / "results" / "figures" / f"{stem}.pdf").read_bytes()[:5] == b"%PDF-"
    summary = (workdir / "results" / "tables" / "relu_summary.md").read_text()
    assert "ratio_mean" in summary and "median_rel_gap_bound" in summary
    assert summary.count("\n") == 2 + 2 + 1  # header, separator, one row per (n, beta), one per beta
    assert (workdir / "results" / "report" / "relu" / "gaps.html").stat().st_size > 1000
