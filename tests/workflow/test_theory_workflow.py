"""The real `theory` target on a tiny config, in a fresh directory: tables, figures, invariants."""

import pandas as pd
import pytest
import yaml
from workflow_helpers import ROOT, copy_workflow, jobs_run, snakemake

TINY = ROOT / "tests" / "configs" / "theory_tiny.yaml"

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    workdir = copy_workflow(tmp_path_factory.mktemp("theory"))
    (workdir / "tiny.yaml").write_text(TINY.read_text())
    return workdir, snakemake(workdir, "theory", "--configfile", "tiny.yaml")


def test_theory_target_builds(run):
    _, result = run
    assert result.returncode == 0, result.stderr[-3000:]
    jobs = jobs_run(result)
    assert jobs["theory_attention_bm"] == 4 and jobs["spiral_bm"] == 2 and jobs["theory_spiral_curvature"] == 1


def test_attention_table_holds_the_theorems(run):
    workdir, _ = run
    config = yaml.safe_load(TINY.read_text())["theory"]
    table = pd.read_csv(workdir / "results" / "theory" / "attention_heads.csv")
    required = (
        "m seed p_star p_hat d_hat rel_gap rel_gap_bound rank_R rank_Z_star rank_deficient full_rank strict_saddle"
    )
    assert set(required.split()) <= set(table.columns)
    assert len(table) == 4
    tol = config["attention"]["check_tolerance"]
    assert (table["d_hat"] <= table["p_star"] * (1 + tol)).all()
    assert (table["p_star"] <= table["p_hat"] * (1 + tol)).all()
    assert (table["rel_gap"] <= table["rel_gap_bound"] + 1e-8).all()
    one_head = table[table["m"] == 1]
    assert (one_head["rank_Z_star"] > 1).all() and (one_head["rel_gap"] > 1e-3).all()  # rank 1 cannot reach Z*
    enough = table[table["m"] >= table["rank_Z_star"]]
    assert len(enough) and (enough["rel_gap"].abs() < 1e-6).all()


def test_spiral_sweep_table_has_curvature_and_ranks(run):
    workdir, _ = run
    table = pd.read_csv(workdir / "results" / "theory" / "spiral_m_sweep.csv")
    assert table["m"].tolist() == [1, 6]
    assert table["hessian_min_eig"].notna().all() and table["strict_saddle"].dtype == bool
    assert table.loc[table["m"] == 6, "rank_deficient"].all()  # rank [U_j; V_j] <= d + c = 5 < 6


def test_figures_are_written(run):
    workdir, _ = run
    for stem in ["theory_attention_heads", "theory_spiral_m_sweep"]:
        assert (workdir / "results" / "figures" / f"{stem}.pdf").read_bytes()[:5] == b"%PDF-"
        png = (workdir / "results" / "figures" / f"{stem}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


def test_spiral_gap_table_gains_the_rank_columns(run):
    workdir, _ = run
    spiral = {"n": [6], "beta": [0.1], "m": [1, 6], "seeds": [0]}
    (workdir / "grid.yaml").write_text(yaml.safe_dump({"spiral": spiral}))
    result = snakemake(workdir, "results/spiral/gaps.csv", "--configfile", "tiny.yaml", "grid.yaml")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "spiral_bm" not in jobs_run(result)  # the sweep's runs are the grid's runs
    table = pd.read_csv(workdir / "results" / "spiral" / "gaps.csv")
    assert list(table.columns[-5:]) == ["rank_Z", "rank_Z_star", "rank_deficient", "full_rank", "rank_rtol"]
    assert table["rank_deficient"].tolist() == [False, True]  # m = 1 > rank [U_j; V_j] only if all vanish


def test_second_run_has_nothing_to_do(run):
    workdir, _ = run
    dry = snakemake(workdir, "theory", "--configfile", "tiny.yaml", "-n")
    assert dry.returncode == 0
    assert "Nothing to be done" in dry.stdout + dry.stderr
