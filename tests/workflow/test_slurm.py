"""The workflow on a real single-node SLURM cluster (workflow/cluster/local_slurm.sh).

Through the SLURM profile: the tiny spiral grid with a broken solver (the convex jobs fail, are
retried and reported with their logs), then repaired (only the missing jobs run), then the CNN
chain; every job must have gone through sbatch (accounting records), the GPU-tagged jobs with a
GPU request and CUDA_VISIBLE_DEVICES set, and the results must equal a local run's.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from image_files import write_fashion_mnist
from workflow_helpers import ROOT, copy_workflow, jobs_run, snakemake

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(os.geteuid() != 0, reason="starting a SLURM cluster needs root"),
    pytest.mark.skipif(shutil.which("apt-get") is None, reason="apt-get is needed to install SLURM"),
]
CLUSTER = ROOT / "workflow" / "cluster" / "local_slurm.sh"
SLURM = ["--profile", "workflow/profiles/slurm", "--slurm-init-seconds-before-status-checks", "5"]
# The test node has 2 CPUs: the CNN jobs ask for one CPU per GPU and little memory.
SMALL_CNN = [
    "--set-threads", "cnn_stage=1", "cnn_convex_stage=1",
    "--set-resources", "cnn_stage:cpus_per_gpu=1", "cnn_stage:mem_mb=3000",
    "cnn_convex_stage:cpus_per_gpu=1", "cnn_convex_stage:mem_mb=3000",
]  # fmt: skip
SUBMITTED = re.compile(r"submitted with SLURM jobid (\d+) \(log: \S*/rule_(\w+)/")


def slurm(workdir, *args):
    """snakemake through the SLURM profile (its own executor: no --cores, no local profile)."""
    cmd = [sys.executable, "-m", "snakemake", *SLURM, *args]
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # the jobs find this Python
    return subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, env={**os.environ, "PATH": path})


def submissions(result) -> dict[str, str]:
    """SLURM job id -> rule, from Snakemake's submission messages."""
    return {job: rule for job, rule in SUBMITTED.findall(result.stdout + result.stderr)}


def accounting(job_ids) -> pd.DataFrame:
    out = subprocess.run(
        ["sacct", "-n", "-P", "-X", "-j", ",".join(job_ids), "-o", "JobID,State,ReqTRES"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rows = [line.split("|") for line in out.strip().splitlines()]
    return pd.DataFrame(rows, columns=["job", "state", "tres"]).set_index("job")


@pytest.fixture(scope="module")
def cluster():
    started = subprocess.run([str(CLUSTER), "start"], capture_output=True, text=True)
    if started.returncode:
        pytest.fail(f"could not start SLURM:\n{started.stderr[-3000:]}")
    yield
    subprocess.run([str(CLUSTER), "stop"], capture_output=True)


@pytest.fixture(scope="module")
def runs(cluster, tmp_path_factory):
    on_slurm = copy_workflow(tmp_path_factory.mktemp("slurm"))
    local = copy_workflow(tmp_path_factory.mktemp("local"))
    tiny = yaml.safe_load((ROOT / "tests" / "configs" / "tiny.yaml").read_text())
    (on_slurm / "tiny.yaml").write_text(yaml.safe_dump(tiny))
    tiny["spiral"]["convex"]["solver"] = "CLARABEL"
    tiny["spiral"]["convex"]["tolerance"] = 1.0e-20  # beyond float64: every solve fails
    (on_slurm / "broken.yaml").write_text(yaml.safe_dump(tiny))
    cnn = ["cnn", "--configfile", str(ROOT / "tests" / "configs" / "cnn_tiny.yaml"), *SMALL_CNN]
    for workdir in (on_slurm, local):
        write_fashion_mnist(workdir / "resources", n_train=512, n_test=128)
    return {
        "broken": slurm(on_slurm, "--configfile", "broken.yaml", "--retries", "1"),
        "repaired": slurm(on_slurm, "--configfile", "tiny.yaml"),
        "cnn": slurm(on_slurm, *cnn),
        "local_spiral": snakemake(local, "--configfile", str(ROOT / "tests" / "configs" / "tiny.yaml")),
        "local_cnn": snakemake(local, *cnn),
        "dirs": (on_slurm, local),
    }


def test_failed_jobs_are_reported_with_their_logs_and_retried(runs):
    broken = runs["broken"]
    assert broken.returncode != 0
    text = broken.stdout + broken.stderr
    assert "Error in rule spiral_convex" in text and "results/logs/spiral/convex/" in text
    rules = list(submissions(broken).values())
    tiny = yaml.safe_load((ROOT / "tests" / "configs" / "tiny.yaml").read_text())["spiral"]
    solves = len(tiny["n"]) * len(tiny["beta"]) * len(tiny["seeds"])
    assert rules.count("spiral_convex") == 2 * solves  # every failing solve submitted twice (--retries 1)
    assert rules.count("spiral_bm") == solves * len(tiny["m"])


def test_repaired_run_redoes_no_finished_job(runs):
    repaired = runs["repaired"]
    assert repaired.returncode == 0, repaired.stderr[-3000:]
    assert set(submissions(repaired).values()) == {
        "spiral_convex",
        "spiral_gaps",
        "spiral_fig2",
        "spiral_fig4",
        "spiral_table",
    }
    assert "spiral_bm" not in jobs_run(repaired)


def test_every_job_went_through_sbatch_and_gpu_jobs_got_a_gpu(runs):
    assert runs["cnn"].returncode == 0, runs["cnn"].stderr[-3000:]
    submitted = {**submissions(runs["broken"]), **submissions(runs["repaired"]), **submissions(runs["cnn"])}
    table = accounting(submitted)
    assert set(table.index) == set(submitted)
    for job, rule in submitted.items():
        wants_gpu = rule in ("cnn_stage", "cnn_convex_stage")
        assert ("gres/gpu=1" in table.loc[job, "tres"]) == wants_gpu, (rule, table.loc[job, "tres"])
    assert (table.loc[[j for j, r in submitted.items() if r.startswith("cnn")], "state"] == "COMPLETED").all()
    on_slurm, _ = runs["dirs"]
    for log in (on_slurm / "results" / "logs" / "cnn").rglob("stage*.log"):
        assert "CUDA_VISIBLE_DEVICES=0" in log.read_text()


def test_results_equal_a_local_run(runs):
    assert runs["local_spiral"].returncode == 0 and runs["local_cnn"].returncode == 0
    on_slurm, local = runs["dirs"]
    gaps = [pd.read_csv(d / "results" / "spiral" / "gaps.csv") for d in (on_slurm, local)]
    pd.testing.assert_frame_equal(*gaps)
    columns = ["dataset", "m", "stage", "train_acc", "test_acc", "bound"]
    stages = [pd.read_csv(d / "results" / "cnn" / "stages.csv")[columns] for d in (on_slurm, local)]
    pd.testing.assert_frame_equal(*stages)
