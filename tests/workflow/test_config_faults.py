"""A corpus of bad configurations: each is refused when the workflow is read, naming the key.

``bmconvex.config.parse`` is what ``rules/common.smk`` runs when Snakemake reads the workflow, so
a ConfigError from it stops ``snakemake`` and ``snakemake -n`` before any job; the cases at the
end run a real ``snakemake -n`` to show that for a few of them.
"""

import copy
import subprocess
import sys

import pytest
import yaml
from workflow_helpers import ROOT, SCHEMAS, copy_workflow

from bmconvex.config import parse
from bmconvex.core.specs import ConfigError
from bmconvex.mlp.config import beta_label
from bmconvex.solvers import mosek_license_error

DEFAULT = yaml.safe_load((ROOT / "config.yaml").read_text())
DROP = object()  # the key is removed
NO_MOSEK = mosek_license_error() is not None

# (key, value, the key the message starts with)
BAD = [
    # whole-number floats where an integer is needed (each would fail inside a job)
    ("spiral.n", [6.0, 30], "spiral.n[0]"),
    ("spiral.P_hat", 20.0, "spiral.P_hat"),
    ("spiral.gd.epochs", 100.0, "spiral.gd.epochs"),
    ("spiral.seeds", [0, 1.0], "spiral.seeds[1]"),
    ("spiral.log_every", 1000.0, "spiral.log_every"),
    ("cnn.epochs", 2.0, "cnn.epochs"),
    ("cnn.architecture.fashion_mnist.P_hat", [256.0, 256, 512], "cnn.architecture.fashion_mnist.P_hat[0]"),
    ("cnn.convex.max_batches", 2.0, "cnn.convex.max_batches"),
    # types
    ("spiral.beta", yaml.safe_load("[1e-3]"), "spiral.beta[0]"),  # YAML reads 1e-3 (no dot) as a string
    ("spiral.gd.lr", "1.0", "spiral.gd.lr"),
    ("spiral.seeds", 0, "spiral.seeds"),
    ("cnn.precision", "bfloat16", "cnn.precision"),
    ("cnn.data.verify", 1, "cnn.data.verify"),
    ("cnn.batch_size", True, "cnn.batch_size"),
    ("cnn.data.root", 3, "cnn.data.root"),
    # ranges
    ("spiral.n", [3, 50], "spiral.n[1]"),
    ("spiral.n", [], "spiral.n"),
    ("spiral.beta", [0.0, 1e-2], "spiral.beta[0]"),
    ("spiral.beta", [-1e-3], "spiral.beta[0]"),
    ("spiral.beta", [1e-3, float("inf")], "spiral.beta[1]"),
    ("spiral.gd.lr", float("nan"), "spiral.gd.lr"),
    ("spiral.m", [0, 1], "spiral.m[0]"),
    ("spiral.seeds", [-1], "spiral.seeds[0]"),
    ("spiral.P_hat", 0, "spiral.P_hat"),
    ("spiral.init_std", 0.0, "spiral.init_std"),
    ("spiral.data.noise", -0.1, "spiral.data.noise"),
    ("spiral.gd.momentum", 1.0, "spiral.gd.momentum"),
    ("spiral.gd.plateau_factor", 1.5, "spiral.gd.plateau_factor"),
    ("spiral.divergence.lr_factor", 1.0, "spiral.divergence.lr_factor"),
    ("spiral.divergence.restarts", -1, "spiral.divergence.restarts"),
    ("spiral.log_every", -1, "spiral.log_every"),
    ("spiral.convex.tolerance", 0.1, "spiral.convex.tolerance"),
    ("spiral.check_tolerance", -1e-6, "spiral.check_tolerance"),
    ("cnn.weight_decay", 0.0, "cnn.weight_decay"),
    ("cnn.lr_gamma", 2.0, "cnn.lr_gamma"),
    ("cnn.bound_samples", 0, "cnn.bound_samples"),
    ("cnn.data.train_samples", 0, "cnn.data.train_samples"),
    ("cnn.m", [0, 1], "cnn.m[0]"),
    # choices
    ("spiral.loss_scaling", "Mean", "spiral.loss_scaling"),
    ("spiral.convex.solver", "GUROBI", "spiral.convex.solver"),
    ("spiral.convex.solver", "mosek", "spiral.convex.solver"),
    ("cnn.device", "gpu", "cnn.device"),
    ("cnn.datasets", ["mnist"], "cnn.datasets[0]"),
    # colliding labels: a duplicate would name one file twice
    ("spiral.beta", [0.1, 0.1], "spiral.beta"),
    ("spiral.beta", [1, 1.0], "spiral.beta"),
    ("spiral.n", [6, 6], "spiral.n"),
    ("spiral.m", [1, 1], "spiral.m"),
    ("spiral.seeds", [0, 0], "spiral.seeds"),
    ("cnn.m", [1, 1], "cnn.m"),
    ("cnn.datasets", ["cifar10", "cifar10"], "cnn.datasets"),
    # cross-field rules
    ("cnn.architecture.fashion_mnist.lr", [0.2, 0.05], "cnn.architecture.fashion_mnist.lr"),
    ("cnn.architecture.fashion_mnist.lr", [0.2, 0.05, 0.005, 0.1], "cnn.architecture.fashion_mnist.lr"),
    ("cnn.architecture.cifar10.space_to_depth_before", [3, 6], "cnn.architecture.cifar10.space_to_depth_before"),
    (
        "cnn.architecture.fashion_mnist.space_to_depth_before",
        [1],
        "cnn.architecture.fashion_mnist.space_to_depth_before[0]",
    ),
    ("cnn.convex.m_chain", 3, "cnn.convex.m_chain"),
    ("cnn.architecture.cifar10", DROP, "cnn.architecture.cifar10"),
    ("cnn.gpu_memory_gib", 0, "cnn.gpu_memory_gib"),
    ("cnn.gpu_memory_gib", "11GiB", "cnn.gpu_memory_gib"),
    ("theory.saddle_rtol", -1e-4, "theory.saddle_rtol"),
    ("theory.attention.m", [0, 1], "theory.attention.m[0]"),
    ("theory.attention.data.d", 2.0, "theory.attention.data.d"),
    ("theory.attention.gd.lr", 0.0, "theory.attention.gd.lr"),
    ("theory.attention.convex.solver", "GUROBI", "theory.attention.convex.solver"),
    ("theory.spiral_m_sweep.n", [50], "theory.spiral_m_sweep.n[0]"),
    # missing keys and sections
    ("spiral.gd.lr", DROP, "spiral.gd.lr"),
    ("spiral.convex", DROP, "spiral.convex"),
    ("cnn", DROP, "cnn"),
]
# unknown and misspelt keys: (key, its misspelling, the fix the message suggests)
MISSPELT = [
    ("spiral.gd.epochs", "epoch", "did you mean epochs?"),
    ("spiral.P_hat", "p_hat", "did you mean P_hat?"),
    ("spiral.log_every", "logevery", "did you mean log_every?"),
    ("cnn.convex.max_batches", "max_batch", "did you mean max_batches?"),
    ("cnn.data.verify", "verfy", "did you mean verify?"),
    ("spiral", "spirals", "did you mean spiral?"),
    ("theory.attention.seeds", "seed", "did you mean seeds?"),
]
UNKNOWN = [("spiral.gd.nesterov", True), ("spiral.data.size", 3), ("cnn.lr", 0.1), ("extra", {})]


def changed(key: str, value, rename: str | None = None) -> dict:
    config = copy.deepcopy(DEFAULT)
    *parents, last = key.split(".")
    node = config
    for part in parents:
        node = node[part]
    if rename is not None:
        node[rename] = node.pop(last)
    elif value is DROP:
        del node[last]
    else:
        node[last] = value
    return config


def refusal(config: dict) -> str:
    with pytest.raises(ConfigError) as err:
        parse(config, SCHEMAS)
    message = str(err.value)
    assert "\n" not in message and len(message) < 400  # one line, not a schema dump
    return message


@pytest.mark.parametrize(
    ("key", "value", "named"), BAD, ids=[f"{k}={'<removed>' if v is DROP else repr(v)}" for k, v, _ in BAD]
)
def test_bad_value_is_refused_naming_the_key(key, value, named):
    assert refusal(changed(key, value)).startswith(f"{named}:")


def test_a_whole_number_float_is_refused_with_the_fix():
    assert "write 6:" in refusal(changed("spiral.n", [6.0, 30]))


def test_a_number_yaml_reads_as_a_string_is_refused_with_the_fix():
    assert "write e.g. 1.0e-3" in refusal(changed("spiral.beta", yaml.safe_load("[1e-3]")))


@pytest.mark.parametrize(("key", "typo", "fix"), MISSPELT, ids=[t for _, t, _ in MISSPELT])
def test_a_misspelt_key_is_named_with_its_correction(key, typo, fix):
    misspelt = ".".join([*key.split(".")[:-1], typo])
    message = refusal(changed(key, None, rename=typo))
    assert message.startswith(f"{misspelt}:") and fix in message


@pytest.mark.parametrize(("key", "value"), UNKNOWN, ids=[k for k, _ in UNKNOWN])
def test_an_unknown_key_is_named(key, value):
    assert refusal(changed(key, value)).startswith(f"{key}:")


@pytest.mark.skipif(not NO_MOSEK, reason="a MOSEK license is available here")
def test_an_unavailable_solver_is_refused_with_instructions():
    message = refusal(changed("spiral.convex.solver", "MOSEK"))
    assert message.startswith("spiral.convex.solver:") and "license" in message and "CLARABEL" in message


def test_nearby_betas_get_distinct_file_labels():
    spec = parse(changed("spiral.beta", [0.1, 0.1000001, 0.1234567]), SCHEMAS).spiral
    assert [beta_label(b) for b in spec.beta] == ["0.1", "0.1000001", "0.1234567"]
    assert [float(beta_label(b)) for b in spec.beta] == list(spec.beta)  # the label is the value


# --- through a real `snakemake -n`: refused when the workflow is read, before any job ---------------


def dry_run(tmp_path, config: dict, *args: str) -> subprocess.CompletedProcess:
    workdir = copy_workflow(tmp_path)
    (workdir / "bad.yaml").write_text(yaml.safe_dump(config))
    cmd = [sys.executable, "-m", "snakemake", "-n", "--cores", "1", "--configfile", "bad.yaml", *args]
    return subprocess.run(cmd, cwd=workdir, capture_output=True, text=True)


DRY = [
    (changed("spiral.n", [6.0, 30]), "spiral.n[0]"),
    (changed("spiral.gd.epochs", None, rename="epoch"), "spiral.gd.epoch"),
    (changed("cnn.architecture.fashion_mnist.lr", [0.2, 0.05]), "cnn.architecture.fashion_mnist.lr"),
    (changed("spiral.beta", [1e-3, 1e-3]), "spiral.beta"),
]
if NO_MOSEK:
    DRY.append((changed("spiral.convex.solver", "MOSEK"), "spiral.convex.solver"))


@pytest.mark.integration
@pytest.mark.parametrize(("config", "named"), DRY, ids=[n for _, n in DRY])
def test_dry_run_stops_before_any_job(tmp_path, config, named):
    run = dry_run(tmp_path, config)
    text = run.stdout + run.stderr
    assert run.returncode != 0
    assert f"{named}:" in text
    assert "Building DAG" not in text and not (tmp_path / "results").exists()


@pytest.mark.integration
def test_default_config_is_found_from_another_directory(tmp_path):
    workflow, elsewhere = tmp_path / "clone", tmp_path / "elsewhere"
    workflow.mkdir()
    elsewhere.mkdir()
    copy_workflow(workflow)
    cmd = [sys.executable, "-m", "snakemake", "-n", "-s", str(workflow / "Snakefile"), "--cores", "1", "spiral"]
    run = subprocess.run(cmd, cwd=elsewhere, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "spiral_bm" in run.stdout + run.stderr
