"""The configuration is read once into typed specs (bad input: tests/workflow/test_config_faults.py)."""

import subprocess
import sys

import yaml
from workflow_helpers import ROOT, SCHEMAS

from bmconvex.config import parse


def test_default_config_is_the_paper_grid(config):
    s = parse(config, SCHEMAS).spiral
    assert s.n == (3, 45, 75, 150)
    assert s.beta == (1e-4, 1e-3, 1e-2, 1e-1)
    assert s.m == (1, 2, 5)
    assert len(s.seeds) == 3 and s.P_hat == 100
    assert (s.gd.epochs, s.gd.lr, s.gd.momentum, s.gd.plateau_factor) == (20000, 1.0, 0.9, 0.9)
    assert s.convex.solver == "auto"


def test_default_cnn_config_is_the_papers(config):
    """App. C.2: P-hat = 256 at every stage, m in {1, 2, 4}, 50 epochs; the budget of a 1080 Ti (C.3)."""
    c = parse(config, SCHEMAS).cnn
    assert {arch.P_hat for arch in c.architecture.values()} == {(256,) * 3, (256,) * 5}
    assert (c.m, c.epochs, c.batch_size, c.gpu_memory_gib) == ((1, 2, 4), 50, 128, 11.0)
    config["cnn"]["gpu_memory_gib"] = None  # the whole card
    assert parse(config, SCHEMAS).cnn.gpu_memory_gib is None


def test_workflow_stops_before_any_job_on_a_bad_config(tmp_path, config):
    config["spiral"]["beta"] = [-1e-3]
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(config))
    run = subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", "--configfile", str(bad), "--directory", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0
    assert "spiral.beta[0]" in run.stderr + run.stdout
    assert not (tmp_path / "results").exists()
