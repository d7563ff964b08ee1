"""The configuration is read once into typed specs; bad input is refused, naming the key."""

import copy
import subprocess
import sys

import pytest
import yaml
from workflow_helpers import ROOT

from bmconvex.config import parse
from bmconvex.core.specs import ConfigError

SCHEMAS = ROOT / "workflow" / "schemas"


@pytest.fixture
def config():
    return yaml.safe_load((ROOT / "config.yaml").read_text())


def test_default_config_is_the_paper_grid(config):
    s = parse(config, SCHEMAS).spiral
    assert s.n == (3, 45, 75, 150)
    assert s.beta == (1e-4, 1e-3, 1e-2, 1e-1)
    assert s.m == (1, 2, 5)
    assert len(s.seeds) == 3 and s.P_hat == 100
    assert (s.gd.epochs, s.gd.lr, s.gd.momentum, s.gd.plateau_factor) == (20000, 1.0, 0.9, 0.9)
    assert s.convex.solver == "auto"


BAD = [
    (("spiral", "beta"), [0.0, 1e-2], "spiral.beta[0]"),
    (("spiral", "beta"), [-1e-3], "spiral.beta[0]"),
    (("spiral", "m"), [0, 1], "spiral.m[0]"),
    (("spiral", "n"), [3, 50], "spiral.n[1]"),
    (("spiral", "n"), [6.0, 30], "spiral.n[0]"),
    (("spiral", "P_hat"), 20.0, "spiral.P_hat"),
    (("spiral", "convex", "solver"), "GUROBI", "spiral.convex.solver"),
    (("spiral", "gd", "lr"), "1e-2", "spiral.gd.lr"),
    (("spiral", "loss_scaling"), "median", "spiral.loss_scaling"),
    (("cnn", "architecture", "fashion_mnist", "lr"), [0.2, 0.05], "cnn.architecture.fashion_mnist.lr"),
    (("cnn", "architecture", "fashion_mnist", "space_to_depth_before"), [4], "space_to_depth_before"),
]


@pytest.mark.parametrize(("path", "value", "key"), BAD, ids=[f"{'.'.join(p)}={v!r}" for p, v, _ in BAD])
def test_bad_values_are_refused_naming_the_key(config, path, value, key):
    node = bad = copy.deepcopy(config)
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    with pytest.raises(ConfigError, match=key.replace(".", r"\.").replace("[", r"\[")):
        parse(bad, SCHEMAS)


def test_a_misspelt_key_is_refused(config):
    config["spiral"]["gd"]["epoch"] = config["spiral"]["gd"].pop("epochs")
    with pytest.raises(ConfigError, match="epoch"):
        parse(config, SCHEMAS)


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
