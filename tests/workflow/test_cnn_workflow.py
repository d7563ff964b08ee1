"""The CNN DAG end to end on the CPU, on a tiny dataset generated in the real IDX format."""

import pandas as pd
import pytest
from image_files import write_fashion_mnist
from workflow_helpers import ROOT, copy_workflow, jobs_run, snakemake

pytestmark = pytest.mark.integration
CONFIG = ["--configfile", str(ROOT / "tests" / "configs" / "cnn_tiny.yaml")]
STAGE = "results/cnn/fashion_mnist/m{m}/stage{s}.json"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A run stopped after stage 2 of the m = 2 chain, then the whole experiment."""
    workdir = copy_workflow(tmp_path_factory.mktemp("cnn"))
    write_fashion_mnist(workdir / "resources", n_train=512, n_test=128)
    partial = snakemake(workdir, STAGE.format(m=1, s=3), STAGE.format(m=2, s=2), *CONFIG)
    full = snakemake(workdir, "cnn", *CONFIG)
    return workdir, partial, full


def test_the_rest_resumes_from_the_last_finished_stage(runs):
    _, partial, full = runs
    assert partial.returncode == 0, partial.stderr[-3000:]
    assert jobs_run(partial) == {"cnn_data": 1, "cnn_stage": 5}
    assert full.returncode == 0, full.stderr[-3000:]
    assert jobs_run(full) == {"cnn_stage": 1, "cnn_convex_stage": 3, "cnn_report": 1, "cnn_report_tables": 1, "cnn": 1}


def test_metrics_figures_and_table(runs):
    workdir, _, _ = runs
    stages = pd.read_csv(workdir / "results" / "cnn" / "stages.csv")
    assert sorted(zip(stages["m"], stages["stage"], strict=True)) == [(m, s) for m in (1, 2) for s in (1, 2, 3)]
    assert stages["test_acc"].between(0, 1).all() and (stages["bound"] >= 0).all()
    assert (stages["device"] == "cpu").all()
    epochs = pd.read_csv(workdir / "results" / "cnn" / "epochs.csv")
    assert len(epochs) == 6 * 2 and epochs["train_loss"].notna().all()
    convex = pd.read_csv(workdir / "results" / "cnn" / "convex.csv").sort_values("stage")
    assert list(convex["status"]) == ["trained", "out of memory", "not reached"]  # budget: tests/configs
    assert list(convex["in_channels"]) == [1, 4 * 4 * 10, 4 * 4 * 4 * 10]  # P a c of the convex stage before
    assert convex["needed_gib"].iloc[1] > 0.075 > convex["estimated_gib"].iloc[0]
    assert convex["epoch_fraction"].iloc[0] == 2 * 64 / 512  # max_batches 2 of batch 64, 512 images
    for stem in ["fig1_cnn_test_accuracy", "fig5_cnn_train_accuracy", "fig6_cnn_time_memory"]:
        assert (workdir / "results" / "figures" / f"{stem}.png").stat().st_size > 10_000
    assert "Fashion-MNIST" in (workdir / "results" / "tables" / "cnn_accuracy.md").read_text()


def test_stage_logs_name_the_device_and_show_each_epoch(runs):
    workdir, _, _ = runs
    log = (workdir / "results" / "logs" / "cnn" / "fashion_mnist" / "m1" / "stage1.log").read_text()
    assert "device cpu" in log and "CUDA_VISIBLE_DEVICES" in log
    assert "fashion_mnist m = 1 stage 1: epoch 2/2: train loss " in log
    epochs = pd.read_csv(workdir / "results" / "cnn" / "fashion_mnist" / "m1" / "stage1.epochs.csv")
    assert list(epochs["epoch"]) == [1, 2] and epochs["test_acc"].between(0, 1).all()


def test_fashion_mnist_alone_at_the_papers_settings(tmp_path):
    """The preset's command (a dry run of the default config): no CIFAR-10 job, the whole Fashion-MNIST DAG."""
    preset = ["--configfile", "workflow/presets/cnn_fashion_mnist.yaml"]
    result = snakemake(copy_workflow(tmp_path), "cnn", "--dry-run", *preset)
    assert result.returncode == 0, result.stderr[-3000:]
    # m = 1, 2, 4 x 3 stages, the 3 convex stages, one dataset; cnn_report reads exactly these
    stages = {"cnn_data": 1, "cnn_stage": 9, "cnn_convex_stage": 3, "cnn_report": 1, "cnn_report_tables": 1, "cnn": 1}
    assert jobs_run(result) == stages
    assert "cifar10" not in result.stdout + result.stderr
