"""The real `optimizers` target on a tiny config, in a fresh directory, beside the spiral runs."""

import pandas as pd
import pytest
from workflow_helpers import ROOT, copy_workflow, jobs_run, snakemake

TINY = ROOT / "tests" / "configs" / "optimizers_tiny.yaml"

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    workdir = copy_workflow(tmp_path_factory.mktemp("optimizers"))
    (workdir / "tiny.yaml").write_text(TINY.read_text())
    return workdir, snakemake(workdir, "optimizers", "results/spiral/gaps.csv", "--configfile", "tiny.yaml")


def test_target_builds(run):
    workdir, result = run
    assert result.returncode == 0, result.stderr[-3000:]
    assert jobs_run(result)["optimizers_run"] == 5 and jobs_run(result)["spiral_bm"] == 2
    for stem in ["optimizers_fig2", "optimizers_fraction"]:
        assert (workdir / "results" / "figures" / f"{stem}.pdf").read_bytes()[:5] == b"%PDF-"
    assert (workdir / "results" / "report" / "optimizers" / "summary.html").stat().st_size > 500


def test_gap_table(run):
    workdir, _ = run
    table = pd.read_csv(workdir / "results" / "optimizers" / "gaps.csv")
    assert table["optimizer"].drop_duplicates().tolist() == ["paper_gd", "gd", "heavy_ball", "precgd", "lbfgs"]
    assert len(table) == 10 and (table["d_hat"] <= table["p_star"] * (1 + 1e-6)).all()
    assert (table["p_star"] <= table["p_hat"] * (1 + 1e-6)).all()
    steps = table[table["optimizer"] != "lbfgs"]
    assert (steps["evaluations"] == 2000).all() and (table["evaluations"] <= 2010).all()
    # where the gap was reached, it was reached in order, within the budget
    reached = table.dropna(subset=["evals_gap_1e-06"])
    assert (reached["evals_gap_0.001"] <= reached["evals_gap_1e-06"]).all()
    assert (reached["evals_gap_1e-06"] <= reached["evaluations"]).all()


def test_paper_gd_is_the_spiral_run(run):
    """The study's paper_gd ends where rule spiral_bm's run ends, bit for bit."""
    workdir, _ = run
    table = pd.read_csv(workdir / "results" / "optimizers" / "gaps.csv")
    spiral = pd.read_csv(workdir / "results" / "spiral" / "gaps.csv").set_index("m")
    ours = table[table["optimizer"] == "paper_gd"].set_index("m")
    assert ours["p_hat"].tolist() == spiral.loc[ours.index, "p_hat"].tolist()
    assert ours["bm_objective"].tolist() == spiral.loc[ours.index, "bm_objective"].tolist()


def test_precgd_and_lbfgs_beat_the_paper_gd_at_m2(run):
    workdir, _ = run
    table = pd.read_csv(workdir / "results" / "optimizers" / "gaps.csv").set_index(["optimizer", "m"])
    assert table.loc[("paper_gd", 2), "rel_gap"] > 1e-6
    assert table.loc[("precgd", 2), "rel_gap"] < 1e-6 and table.loc[("lbfgs", 2), "rel_gap"] < 1e-6
    summary = pd.read_csv(workdir / "results" / "optimizers" / "summary.csv").set_index("optimizer")
    assert (summary["runs"] == 2).all() and summary.loc["precgd", "runs_gap_le_1e-06"] >= 1


def test_second_run_has_nothing_to_do(run):
    workdir, _ = run
    dry = snakemake(workdir, "optimizers", "--configfile", "tiny.yaml", "-n")
    assert dry.returncode == 0 and "Nothing to be done" in dry.stdout + dry.stderr
