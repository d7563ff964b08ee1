"""The config schema rejects bad input, naming the key, before any job runs."""

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = str(ROOT / "workflow" / "schemas" / "config.schema.yaml")


@pytest.fixture
def config():
    return yaml.safe_load((ROOT / "config.yaml").read_text())


def test_default_config_is_the_paper_grid(config):
    validate(config, SCHEMA)
    s = config["spiral"]
    assert s["n"] == [3, 45, 75, 150]
    assert s["beta"] == [1e-4, 1e-3, 1e-2, 1e-1]
    assert s["m"] == [1, 2, 5]
    assert len(s["seeds"]) == 3 and s["P_hat"] == 100
    assert (s["gd"]["epochs"], s["gd"]["lr"], s["gd"]["momentum"], s["gd"]["plateau_factor"]) == (20000, 1.0, 0.9, 0.9)
    assert s["convex"]["solver"] == "auto"


BAD = [
    (("spiral", "beta"), [0.0, 1e-2], "beta"),
    (("spiral", "beta"), [-1e-3], "beta"),
    (("spiral", "m"), [0, 1], "m"),
    (("spiral", "n"), [3, 50], "n"),
    (("spiral", "convex", "solver"), "GUROBI", "solver"),
    (("spiral", "gd", "lr"), "1e-2", "lr"),
    (("spiral", "P_hat"), "100", "P_hat"),
    (("spiral", "loss_scaling"), "median", "loss_scaling"),
]


@pytest.mark.parametrize(("path", "value", "key"), BAD, ids=[f"{'.'.join(p)}={v!r}" for p, v, _ in BAD])
def test_schema_rejects_bad_values_naming_the_key(config, path, value, key):
    bad = copy.deepcopy(config)
    node = bad
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    with pytest.raises(WorkflowError, match=key):
        validate(bad, SCHEMA)


def test_schema_rejects_a_misspelt_key(config):
    bad = copy.deepcopy(config)
    bad["spiral"]["gd"]["epoch"] = bad["spiral"]["gd"].pop("epochs")
    with pytest.raises(WorkflowError, match="epoch"):
        validate(bad, SCHEMA)


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
    assert "beta" in run.stderr + run.stdout
    assert not (tmp_path / "results").exists()
