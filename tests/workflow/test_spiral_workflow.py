"""The real Snakemake workflow on a tiny spiral grid, in a fresh directory."""

import pandas as pd
import pytest
import yaml
from workflow_helpers import ROOT, copy_workflow, jobs_run, snakemake

TINY = ROOT / "tests" / "configs" / "tiny.yaml"

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """A copy of the workflow, as a user's clone would have it."""
    return copy_workflow(tmp_path_factory.mktemp("workflow"))


@pytest.fixture(scope="module")
def tiny_config(workdir):
    config = yaml.safe_load(TINY.read_text())
    (workdir / "tiny.yaml").write_text(yaml.safe_dump(config))
    return config


@pytest.fixture(scope="module")
def failed_then_resumed(workdir, tiny_config):
    """First a run whose convex solves fail (Clarabel asked for an accuracy beyond float64), then the fix."""
    broken = yaml.safe_load(TINY.read_text())
    broken["spiral"]["convex"]["solver"] = "CLARABEL"
    broken["spiral"]["convex"]["tolerance"] = 1.0e-20
    (workdir / "broken.yaml").write_text(yaml.safe_dump(broken))
    first = snakemake(workdir, "--configfile", "broken.yaml")
    bm_files = sorted((workdir / "results" / "spiral" / "bm").glob("*.json"))
    mtimes = {p: p.stat().st_mtime_ns for p in bm_files}
    failed_log = next((workdir / "results" / "logs" / "spiral" / "convex").glob("*.log")).read_text()
    second = snakemake(workdir, "--configfile", "tiny.yaml")
    return first, second, mtimes, failed_log


def test_failed_solver_loses_no_finished_work(failed_then_resumed, tiny_config):
    first, _, mtimes, failed_log = failed_then_resumed
    s = tiny_config["spiral"]
    assert first.returncode != 0
    assert "Error in rule spiral_convex" in first.stderr
    assert "results/logs/spiral/convex/" in first.stderr
    assert "optimal_inaccurate" in failed_log
    assert len(mtimes) == len(s["n"]) * len(s["beta"]) * len(s["m"]) * len(s["seeds"])


def test_resumed_run_builds_everything_without_redoing_bm_runs(failed_then_resumed, workdir):
    _, second, mtimes, _ = failed_then_resumed
    assert second.returncode == 0, second.stderr[-3000:]
    jobs = jobs_run(second)
    assert jobs["spiral_convex"] > 0 and "spiral_bm" not in jobs
    assert all(p.stat().st_mtime_ns == t for p, t in mtimes.items())


def test_gap_table_satisfies_the_invariants(failed_then_resumed, workdir, tiny_config):
    s = tiny_config["spiral"]
    table = pd.read_csv(workdir / "results" / "spiral" / "gaps.csv")
    required = "n beta m seed p_star p_hat d_hat rel_gap rel_gap_bound certified_gap solver epochs grad_norm"
    assert set(required.split()) <= set(table.columns)
    assert len(table) == len(s["n"]) * len(s["beta"]) * len(s["m"]) * len(s["seeds"])
    tol = s["check_tolerance"]
    assert (table["d_hat"] <= table["p_star"] * (1 + tol)).all()
    assert (table["p_star"] <= table["p_hat"] * (1 + tol)).all()
    assert (table["solver"] == "CLARABEL").all()
    assert (table["solver_certified_gap"] < 1e-6).all()
    # Thm 3.4 holds at stationary points: wherever GD got close, the bound covers the gap.
    stationary = table[table["grad_norm"] < 1e-4]
    assert len(stationary) > 0
    assert (stationary["rel_gap"] <= stationary["rel_gap_bound"] + 1e-6).all()


def test_figures_and_table_are_written(failed_then_resumed, workdir, tiny_config):
    figures = workdir / "results" / "figures"
    ns = tiny_config["spiral"]["n"]
    for stem in [f"fig2_spiral_gap_n{max(ns)}", "fig3_spiral_data", "fig4_spiral_gap_small_n"]:
        assert (figures / f"{stem}.pdf").read_bytes()[:5] == b"%PDF-"
        png = (figures / f"{stem}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    table = (workdir / "results" / "tables" / "spiral_gaps.md").read_text()
    assert table.count("\n") == 2 + len(ns) * 2 * 2
    assert "± " in table


def test_second_run_has_nothing_to_do(failed_then_resumed, workdir):
    dry = snakemake(workdir, "--configfile", "tiny.yaml", "-n")
    assert dry.returncode == 0
    assert "Nothing to be done" in dry.stdout + dry.stderr
