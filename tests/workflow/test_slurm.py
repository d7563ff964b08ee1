"""The workflow on a real single-node SLURM cluster (workflow/cluster/local_slurm.sh), GRES-only.

Through the SLURM profile: the tiny spiral grid with a broken solver (the solves fail, are retried
and reported with their logs), then repaired (only the missing solves run); the BM runs and solves
go to the cluster in groups (one cluster job runs many of them) and the cheap rules stay local.
The cluster refuses `--gpus` as GRES-only sites do: the profile as shipped (`gpu: 1`) is refused,
its one-line switch to `gres: "gpu:1"` runs the CNN chain; every job must have gone through sbatch
(accounting records), exactly the GPU stages with a GPU and CUDA_VISIBLE_DEVICES set, and the
results must equal a local run's. Of the certify solves, exactly the Fashion-MNIST BM_CERTIFIED /
FISTA ones get a GPU (the profile's switched certify_solve line, as its comment gives it).
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
CERTIFY_TINY = ROOT / "tests" / "configs" / "certify_tiny.yaml"
# The test node has 2 CPUs: group jobs at most 2 wide, the CNN jobs one CPU per GPU and little memory.
SLURM = ["--slurm-init-seconds-before-status-checks", "5", "--cores", "2"]
SMALL_CNN = {"cpus_per_gpu: 4": "cpus_per_gpu: 1", "mem_mb: 32000": "mem_mb: 3000", "mem_mb: 64000": "mem_mb: 3000"}
THREADS = ["--set-threads", "cnn_stage=1", "cnn_convex_stage=1"]
GPU_RULES = ("cnn_stage", "cnn_convex_stage")
CERTIFY_GPU = {  # certify solves (their wildcards, as the plugin names their log folder) -> a GPU?
    "fashion_mnist_200_5_BM_CERTIFIED": True,
    "fashion_mnist_200_5_CLARABEL_DIRECT": False,  # same data, an interior-point solver
    "spiral_150_20_BM_CERTIFIED": False,  # same solver, the spiral
}
CERTIFY_SUBMITTED = re.compile(r"submitted with SLURM jobid (\d+) \(log: \S*/rule_certify_solve/(\w+)/")
BM_GROUP, SOLVE_GROUP = "group:spiral_bm_runs", "group:spiral_solves"
# Log folders: rule_<rule>/... for a job, group_<group>_<its rules>/ for a group job.
SUBMITTED = re.compile(
    r"submitted with SLURM jobid (\d+) \(log: \S*/(rule|group)_(\w+?)(?:_spiral_bm|_spiral_convex)?/"
)


def slurm_profile(workdir: Path, name: str, gres: bool) -> str:
    """profiles/slurm sized for the 2-CPU test node; with `gres`, the one line a GRES-only site edits."""
    text = (ROOT / "profiles" / "slurm" / "config.yaml").read_text()
    for old, new in SMALL_CNN.items():
        assert old in text, old
        text = text.replace(old, new)
    if gres:
        assert text.count("    gpu: 1\n") == 1  # one switch for both GPU stages (a YAML anchor)
        text = text.replace("    gpu: 1\n", '    gres: "gpu:1"\n')
        documented = re.search(r"""^  #   (gres: "'gpu:1' if .*)$""", text, re.MULTILINE)[1]  # certify_solve's
        text, switched = re.subn(r'^    gpu: "int\(.*\)"$', f"    {documented}", text, flags=re.MULTILINE)
        assert switched == 1
    (workdir / "profiles" / name).mkdir()
    (workdir / "profiles" / name / "config.yaml").write_text(text)
    return f"profiles/{name}"


def certify_record(name: str) -> str:
    """The record of a certify solve named by its wildcards (dataset_n_P_solver)."""
    dataset, n, P_hat, solver = re.fullmatch(r"(\w+?)_(\d+)_(\d+)_([A-Z_]+)", name).groups()
    return f"results/certify/runs/{dataset}/n{n}_P{P_hat}_{solver}.json"


def slurm(workdir, profile, *args):
    """snakemake through a SLURM workflow profile (it replaces profiles/default)."""
    cmd = [sys.executable, "-m", "snakemake", "--workflow-profile", profile, *SLURM, *args]
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # the jobs find this Python
    return subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, env={**os.environ, "PATH": path})


def submissions(result) -> dict[str, str]:
    """SLURM job id -> rule (or group:NAME), from Snakemake's submission messages."""
    found = SUBMITTED.findall(result.stdout + result.stderr)
    return {job: (name if kind == "rule" else f"group:{name}") for job, kind, name in found}


def accounting(job_ids) -> pd.DataFrame:
    out = subprocess.run(
        ["sacct", "-n", "-P", "-X", "-j", ",".join(job_ids), "-o", "JobID,State,ReqTRES"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rows = [line.split("|") for line in out.strip().splitlines()]
    return pd.DataFrame(rows, columns=["job", "state", "tres"]).set_index("job")


def steps(job_id: str) -> int:
    """Job steps that ran in one cluster job: one per Snakemake job of a group."""
    out = subprocess.run(["sacct", "-n", "-P", "-j", job_id, "-o", "JobID"], capture_output=True, text=True).stdout
    return sum(bool(re.fullmatch(rf"{job_id}\.\d+", line)) for line in out.split())


@pytest.fixture(scope="module")
def cluster():
    env = {**os.environ, "SLURM_LOCAL_GPU_FORM": "gres"}
    started = subprocess.run([str(CLUSTER), "start"], capture_output=True, text=True, env=env)
    if started.returncode:
        pytest.fail(f"could not start SLURM:\n{started.stderr[-3000:]}")
    yield
    subprocess.run([str(CLUSTER), "stop"], capture_output=True)


@pytest.fixture(scope="module")
def runs(cluster, tmp_path_factory):
    on_slurm = copy_workflow(tmp_path_factory.mktemp("slurm"))
    local = copy_workflow(tmp_path_factory.mktemp("local"))
    as_shipped, gres = slurm_profile(on_slurm, "slurm_small", False), slurm_profile(on_slurm, "slurm_gres", True)
    tiny = yaml.safe_load((ROOT / "tests" / "configs" / "tiny.yaml").read_text())
    (on_slurm / "tiny.yaml").write_text(yaml.safe_dump(tiny))
    tiny["spiral"]["convex"]["solver"] = "CLARABEL"
    tiny["spiral"]["convex"]["tolerance"] = 1.0e-20  # beyond float64: every solve fails
    (on_slurm / "broken.yaml").write_text(yaml.safe_dump(tiny))
    cnn_tiny = ["--configfile", str(ROOT / "tests" / "configs" / "cnn_tiny.yaml")]
    for workdir in (on_slurm, local):
        write_fashion_mnist(workdir / "resources", n_train=512, n_test=128)
    stage = "results/cnn/fashion_mnist/m1/stage1.json"
    return {
        "broken": slurm(on_slurm, as_shipped, "--configfile", "broken.yaml", "--retries", "1"),
        "repaired": slurm(on_slurm, as_shipped, "--configfile", "tiny.yaml"),
        "gpus_refused": slurm(on_slurm, as_shipped, stage, *cnn_tiny, *THREADS, "--retries", "0"),
        "cnn": slurm(on_slurm, gres, "cnn", *cnn_tiny, *THREADS),
        "certify": slurm(on_slurm, gres, *map(certify_record, CERTIFY_GPU), "--configfile", str(CERTIFY_TINY)),
        "local_spiral": snakemake(local, "--configfile", str(ROOT / "tests" / "configs" / "tiny.yaml")),
        "local_cnn": snakemake(local, "cnn", *cnn_tiny, *THREADS),  # the same threads: the same sums
        "dirs": (on_slurm, local),
    }


def test_failed_jobs_are_reported_with_their_logs_and_retried(runs):
    broken = runs["broken"]
    assert broken.returncode != 0
    text = broken.stdout + broken.stderr
    assert "Error in rule spiral_convex" in text and "results/logs/spiral/convex/" in text
    submitted = list(submissions(broken).values())
    assert submitted.count(SOLVE_GROUP) == 2  # the failing group of solves, submitted twice (--retries 1)
    assert submitted.count(BM_GROUP) == 1


def test_spiral_runs_go_to_the_cluster_in_groups_and_cheap_rules_stay_local(runs):
    tiny = yaml.safe_load((ROOT / "tests" / "configs" / "tiny.yaml").read_text())["spiral"]
    solves = len(tiny["n"]) * len(tiny["beta"]) * len(tiny["seeds"])
    bm_runs = {job: name for job, name in submissions(runs["broken"]).items() if name == BM_GROUP}
    assert [steps(job) for job in bm_runs] == [solves * len(tiny["m"])]  # all 16 BM runs in one cluster job
    repaired = runs["repaired"]
    assert repaired.returncode == 0, repaired.stderr[-3000:]
    (job, name), *others = submissions(repaired).items()
    assert name == SOLVE_GROUP and not others and steps(job) == solves  # only the missing solves, one job
    ran = jobs_run(repaired)
    assert "spiral_bm" not in ran and ran["spiral_convex"] == solves
    assert {"spiral_gaps", "spiral_fig2", "spiral_table", "spiral_report_tables"} <= set(ran)  # ran locally


def test_a_gres_only_cluster_refuses_gpus_and_takes_the_profile_switch(runs):
    refused = runs["gpus_refused"]
    assert refused.returncode != 0
    assert "takes GPUs as --gres=gpu:N only" in refused.stdout + refused.stderr
    assert runs["cnn"].returncode == 0, runs["cnn"].stderr[-3000:]
    assert set(submissions(runs["cnn"]).values()) == set(GPU_RULES)  # data and report stayed local


def test_every_job_went_through_sbatch_and_gpu_jobs_got_a_gpu(runs):
    submitted = {**submissions(runs["broken"]), **submissions(runs["repaired"]), **submissions(runs["cnn"])}
    table = accounting(submitted)
    assert set(table.index) == set(submitted)
    for job, name in submitted.items():
        assert ("gres/gpu=1" in table.loc[job, "tres"]) == (name in GPU_RULES), (name, table.loc[job, "tres"])
    assert (table.loc[[j for j, r in submitted.items() if r in GPU_RULES], "state"] == "COMPLETED").all()
    on_slurm, _ = runs["dirs"]
    for log in (on_slurm / "results" / "logs" / "cnn").rglob("stage*.log"):
        assert "CUDA_VISIBLE_DEVICES=0" in log.read_text()


def test_exactly_the_fashion_mnist_bm_solves_get_a_gpu(runs):
    result = runs["certify"]
    assert result.returncode == 0, result.stderr[-3000:]
    found = dict(CERTIFY_SUBMITTED.findall(result.stdout + result.stderr))  # SLURM job id -> wildcards
    table = accounting(found)
    assert {name: "gres/gpu=1" in table.loc[job, "tres"] for job, name in found.items()} == CERTIFY_GPU
    assert (table["state"] == "COMPLETED").all()
    on_slurm, _ = runs["dirs"]
    for name, visible in (("fashion_mnist/n200_P5_BM_CERTIFIED", 0), ("spiral/n150_P20_BM_CERTIFIED", None)):
        # (the Fashion-MNIST interior-point job may hit its 5 s cap before it logs its device)
        log = on_slurm / "results" / "logs" / "certify" / f"{name}.log"
        assert f"CUDA_VISIBLE_DEVICES={visible}" in log.read_text()


def test_results_equal_a_local_run(runs):
    assert runs["local_spiral"].returncode == 0 and runs["local_cnn"].returncode == 0
    on_slurm, local = runs["dirs"]
    gaps = [pd.read_csv(d / "results" / "spiral" / "gaps.csv") for d in (on_slurm, local)]
    pd.testing.assert_frame_equal(*gaps)
    columns = ["dataset", "m", "stage", "train_acc", "test_acc", "bound"]
    stages = [pd.read_csv(d / "results" / "cnn" / "stages.csv")[columns] for d in (on_slurm, local)]
    pd.testing.assert_frame_equal(*stages)
