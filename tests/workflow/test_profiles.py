"""Profiles are found without flags: a plain `snakemake` uses profiles/default; the SLURM profile replaces it."""

import itertools
import re
import subprocess
import sys
from types import SimpleNamespace

import pytest
import yaml
from snakemake.cli import parse_args
from snakemake.resources import Resource
from workflow_helpers import ROOT, copy_workflow

TINY_CNN = str(ROOT / "tests" / "configs" / "cnn_tiny.yaml")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return copy_workflow(tmp_path_factory.mktemp("profiles"))


def dry_run(workdir, *args):
    cmd = [sys.executable, "-m", "snakemake", "-n", "cnn", "--configfile", TINY_CNN, *args]
    result = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout + result.stderr


def test_plain_snakemake_dry_run_shows_the_default_profile(workdir):
    out = dry_run(workdir)
    assert "Using workflow specific profile profiles/default for setting default command line arguments." in out
    assert "Shell command:" in out  # printshellcmds, from the profile
    assert "gpu_job=1" in out  # the CNN stages claim the one GPU that the profile's global resources offer
    without = dry_run(workdir, "--workflow-profile", "none")
    assert "Using workflow specific profile" not in without and "Shell command:" not in without


def test_default_profile_settings_reach_snakemake(workdir, monkeypatch):
    monkeypatch.chdir(workdir)
    _, args = parse_args(["-n"])
    assert args.keep_going and args.rerun_incomplete and args.printshellcmds
    assert args.resources["gpu_job"].value == 1  # two GPU jobs never share the card
    assert args.cores >= 1 and args.executor is None  # cores: all, local execution
    _, args = parse_args(["-n", "--cores", "3"])
    assert args.cores == 3 and args.keep_going  # the command line wins over the profile, key by key


def test_slurm_profile_replaces_the_default_one(workdir, monkeypatch):
    monkeypatch.chdir(workdir)
    _, args = parse_args(["-n", "--workflow-profile", "profiles/slurm"])
    assert args.executor == "slurm"
    assert "gpu_job" not in args.resources  # no local one-GPU limit on a cluster
    assert args.groups["spiral_bm"] == "spiral_bm_runs" and args.groups["spiral_convex"] == "spiral_solves"
    assert set(args.groups.values()) == set(args.group_components)  # every group has its size
    assert min(args.group_components.values()) > 1 and args.cores == 4


def runtimes(resource) -> list[int]:
    """Minutes a job asks for on attempts 1, 2, 3 (a profile value is an expression of `attempt`)."""
    return [
        resource.evaluate(wildcards={}, input=[], attempt=k, threads=1, rulename="r", async_run=None).value
        for k in (1, 2, 3)
    ]


def test_slurm_profile_maps_the_gpu_jobs_and_grows_runtime_with_the_attempt(workdir, monkeypatch):
    monkeypatch.chdir(workdir)
    _, args = parse_args(["-n", "--workflow-profile", "profiles/slurm"])
    for rule in ("cnn_stage", "cnn_convex_stage"):
        resources = args.set_resources[rule]
        assert resources["gpu"].value == 1 and "gres" not in resources  # sbatch --gpus=1 unless switched
        first, second, third = runtimes(resources["runtime"])
        assert first >= 60 and second == 2 * first and third == 3 * first
    for rule in ("spiral_bm", "spiral_convex"):
        first, second, _ = runtimes(args.set_resources[rule]["runtime"])
        assert second == 2 * first
    assert runtimes(args.default_resources["runtime"]) == [30, 60, 90]


def test_rich_progress_logger_is_installed_and_runs(workdir):
    """`snakemake --logger rich` (snakemake-logger-plugin-rich, from `make setup`): live progress on a terminal."""
    tiny = str(ROOT / "tests" / "configs" / "tiny.yaml")
    cmd = [sys.executable, "-m", "snakemake", "results/spiral/data/n6.npz", "--cores", "1", "--logger", "rich"]
    result = subprocess.run([*cmd, "--configfile", tiny], cwd=workdir, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout + result.stderr
    assert "Workflow start" in out and "Workflow Finished" in out  # the plugin's panels, not Snakemake's own log
    assert "steps (100%) done" not in out


def test_slurm_profile_gives_a_gpu_to_exactly_the_fashion_mnist_bm_and_fista_solves(workdir, monkeypatch):
    """certify_solve's `gpu` as shipped and the `gres:` line its comment gives for GRES-only clusters."""
    monkeypatch.chdir(workdir)
    _, args = parse_args(["-n", "--workflow-profile", "profiles/slurm"])
    text = (workdir / "profiles" / "slurm" / "config.yaml").read_text()
    documented = yaml.safe_load(re.search(r"""^  #   (gres: "'gpu:1' if .*)$""", text, re.MULTILINE)[1])["gres"]
    forms = {
        "gpu": args.set_resources["certify_solve"]["gpu"],
        "gres": Resource.from_cli_expression("gres", documented),
    }
    for dataset, solver in itertools.product(("spiral", "fashion_mnist"), ("BM_CERTIFIED", "FISTA", "CLARABEL")):
        wildcards = SimpleNamespace(dataset=dataset, solver=solver)
        asked = {
            name: form.evaluate(wildcards=wildcards, input=[], attempt=1, threads=1, rulename="r", async_run=None).value
            for name, form in forms.items()
        }
        gpu = dataset == "fashion_mnist" and solver != "CLARABEL"
        assert asked == ({"gpu": 1, "gres": "gpu:1"} if gpu else {"gpu": 0, "gres": ""}), (dataset, solver)
