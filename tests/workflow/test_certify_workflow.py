"""`snakemake certify` end to end on the CPU: tiny spiral and Fashion-MNIST-format sizes, real solvers."""

import math

import pandas as pd
import pytest
from image_files import write_fashion_mnist
from workflow_helpers import ROOT, copy_workflow, jobs_run, snakemake

pytestmark = pytest.mark.integration
CONFIG = ["--configfile", str(ROOT / "tests" / "configs" / "certify_tiny.yaml")]
COLUMNS = "dataset n d P beta solver status seconds peak_mem_mb p_upper p_lower certified_gap".split()


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    workdir = copy_workflow(tmp_path_factory.mktemp("certify"))
    write_fashion_mnist(workdir / "resources", n_train=256, n_test=64)
    return workdir, snakemake(workdir, "certify", *CONFIG)


def test_one_job_per_dataset_size_and_solver(run):
    _, result = run
    assert result.returncode == 0, result.stderr[-3000:]
    assert jobs_run(result) == {
        "certify_fashion_data": 1,
        "certify_solve": 12,
        "certify_agreement": 1,
        "certify_report": 1,
        "certify_report_tables": 1,
        "certify": 1,
    }


def test_scaling_table_certifies_or_records_the_cap(run):
    workdir, _ = run
    table = pd.read_csv(workdir / "results" / "certify" / "scaling.csv")
    assert set(COLUMNS) <= set(table.columns) and len(table) == 12
    spiral = table[table["dataset"] == "spiral"]
    assert (spiral["status"] == "certified").all() and (spiral["certified_gap"] <= 1e-6).all()
    for _, same in spiral.groupby("n"):  # every solver brackets the same p*
        assert same["p_lower"].max() <= same["p_upper"].min() * (1 + 1e-12)
    assert (spiral["peak_mem_mb"] > 0).all() and (spiral["d"] == 2).all()
    fashion = table[table["dataset"] == "fashion_mnist"].set_index("solver")
    assert (fashion["d"] == 784).all()
    # d + c = 794: the interior-point paths run out of memory (~800 GB asked) or into the 5 s cap
    assert set(fashion.loc[["CLARABEL_DIRECT", "CLARABEL"], "status"]) <= {"time_limit", "out_of_memory"}
    assert (fashion["conic_variables"] > 1.5e6).all()
    for solver in ("BM_CERTIFIED", "FISTA"):  # a certificate or an honest bracket, and an accuracy
        row = fashion.loc[solver]
        assert row["status"] in ("certified", "budget") and row["p_lower"] <= row["p_upper"]
        assert 0.0 <= row["test_accuracy"] <= 1.0 and not math.isnan(row["seconds_per_iteration"])


def test_figure_and_tables(run):
    workdir, _ = run
    assert (workdir / "results" / "figures" / "certify_scaling.png").stat().st_size > 10_000
    markdown = (workdir / "results" / "tables" / "certify_scaling.md").read_text()
    assert "BM_CERTIFIED" in markdown and "budget (" in markdown  # the Fashion-MNIST rows show how they ended
    agreement = pd.read_csv(workdir / "results" / "certify" / "agreement.csv")
    assert len(agreement) == 4 and (agreement["bm_status"] == "certified").all()
    assert (agreement["status"] == "certified").all() and (agreement["certified_gap"] <= 1e-6).all()
    assert (agreement["bm_holds_clarabel"] & agreement["clarabel_holds_bm"]).all()
    assert (agreement["rel_diff"].abs() <= 2e-6).all()
