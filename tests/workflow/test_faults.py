"""Faults a hostile user meets, on real Snakemake runs of the tiny spiral grid and the CNN DAG.

kill -9 in the middle of a run, then the documented recovery (--unlock, the same command); a GD
run whose last step overflows; a corrupt record; a corrupt data file; a changed setting and a
changed package module, each of which must re-run exactly the jobs that use it.
"""

import itertools
import os
import shutil
import signal
import subprocess
import time

import pytest
import yaml
from image_files import write_fashion_mnist
from workflow_helpers import (
    ROOT,
    command,
    copy_workflow,
    finished_outputs,
    jobs_run,
    params_changed,
    snakemake,
)

from bmconvex.mlp.config import beta_label

pytestmark = pytest.mark.integration
TINY = yaml.safe_load((ROOT / "tests" / "configs" / "tiny.yaml").read_text())
CNN_TINY = ROOT / "tests" / "configs" / "cnn_tiny.yaml"
RESULTS = ["spiral/gaps.csv", "spiral/bound_violations.csv", "tables/spiral_gaps.md"]
FIGURES = ["fig2_spiral_gap_n30", "fig3_spiral_data", "fig4_spiral_gap_small_n"]
GRID = list(itertools.product(*(TINY["spiral"][k] for k in ("n", "beta", "m", "seeds"))))  # one BM run each
BM_RUNS = len(GRID)


def write_config(workdir, name, change=None):
    """The tiny config with ``change(config)`` applied, written to workdir/name."""
    config = yaml.safe_load(yaml.safe_dump(TINY))
    if change is not None:
        change(config["spiral"])
    (workdir / name).write_text(yaml.safe_dump(config))
    return ["--configfile", name]


def outputs(workdir):
    """Bytes of every table and figure a reader gets."""
    files = [workdir / "results" / f for f in RESULTS]
    files += [workdir / "results" / "figures" / f"{stem}.{ext}" for stem in FIGURES for ext in ("pdf", "png")]
    return {f.relative_to(workdir): f.read_bytes() for f in files}


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    workdir = copy_workflow(tmp_path_factory.mktemp("clean"))
    run = snakemake(workdir, *write_config(workdir, "tiny.yaml"))
    assert run.returncode == 0, run.stderr[-3000:]
    return workdir


@pytest.fixture(scope="module")
def killed(tmp_path_factory):
    """A run killed with SIGKILL (Snakemake and its jobs) once a few BM runs are done, then resumed."""
    workdir = copy_workflow(tmp_path_factory.mktemp("killed"))
    config = write_config(workdir, "tiny.yaml")
    with open(workdir / "killed.log", "w") as log:
        run = subprocess.Popen(
            command(*config), cwd=workdir, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 600
        while len(list((workdir / "results" / "spiral" / "bm").glob("*.json"))) < 3:
            assert run.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "no BM run finished in time"
            time.sleep(0.05)
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    finished = {p: (workdir / p).stat().st_mtime_ns for p in finished_outputs((workdir / "killed.log").read_text())}
    locked = snakemake(workdir, *config)
    unlocked = snakemake(workdir, "--unlock", *config)
    resumed = snakemake(workdir, *config)
    after = {p: (workdir / p).stat().st_mtime_ns for p in finished}
    return workdir, finished, after, locked, unlocked, resumed


def test_killed_run_keeps_its_finished_jobs(killed):
    _, finished, after, locked, unlocked, resumed = killed
    bm_done = [p for p in finished if p.startswith("results/spiral/bm/") and p.endswith(".json")]
    assert 0 < len(bm_done) < BM_RUNS
    assert locked.returncode != 0 and "cannot be locked" in locked.stderr  # the killed run's lock
    assert unlocked.returncode == 0
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert after == finished  # no finished job ran again
    assert jobs_run(resumed)["spiral_bm"] <= BM_RUNS - len(bm_done)


def test_killed_then_resumed_run_matches_a_clean_run_byte_for_byte(killed, clean):
    """CSVs, the Markdown table, PDFs and PNGs: identical bytes (no creation date in the PDFs)."""
    workdir = killed[0]
    assert outputs(workdir) == outputs(clean)


def test_overflow_in_the_last_gd_step_fails_the_job(tmp_path):
    workdir = copy_workflow(tmp_path)

    def overflow(s):
        s.update(n=[6], beta=[1.0e-3], m=[1], seeds=[0])
        s["gd"].update(epochs=1, lr=1.0e150)
        s["divergence"]["restarts"] = 0

    run = snakemake(
        workdir, "results/spiral/bm/n6_beta0.001_m1_seed0.json", *write_config(workdir, "bad.yaml", overflow)
    )
    assert run.returncode != 0
    assert "Error in rule spiral_bm" in run.stderr
    log = (workdir / "results" / "logs" / "spiral" / "bm" / "n6_beta0.001_m1_seed0.log").read_text()
    assert "GD diverged in its last step" in log and "gave up after 0 restart(s)" in log
    assert not (workdir / "results" / "spiral" / "bm" / "n6_beta0.001_m1_seed0.json").exists()


def test_corrupt_record_is_named_before_any_output_is_removed(clean, tmp_path):
    workdir = tmp_path / "copy"
    shutil.copytree(clean, workdir, symlinks=True)
    record = "results/spiral/bm/n6_beta0.001_m1_seed0.json"
    (workdir / record).write_text("")
    table = (workdir / "results" / "spiral" / "gaps.csv").read_bytes()
    config = ["--configfile", "tiny.yaml"]
    for run in (snakemake(workdir, "-n", *config), snakemake(workdir, *config)):
        text = run.stdout + run.stderr
        assert run.returncode != 0
        assert f"{record} is not a valid result record" in text and f"--forcerun {record}" in text
        assert "Job stats" not in text  # stopped when the workflow was read
    assert (workdir / "results" / "spiral" / "gaps.csv").read_bytes() == table
    # The recovery the message gives: delete it, run again with --forcerun.
    (workdir / record).unlink()
    recovered = snakemake(workdir, "--forcerun", record, *config)
    assert recovered.returncode == 0, recovered.stderr[-3000:]
    assert jobs_run(recovered)["spiral_bm"] == 1
    assert outputs(workdir) == outputs(clean)


def test_corrupt_data_file_is_named(tmp_path):
    """A truncated IDX file with verify: false (no md5): its header is checked against its length."""
    workdir = copy_workflow(tmp_path)
    folder = write_fashion_mnist(workdir / "resources", n_train=64, n_test=16)
    images = folder / "train-images-idx3-ubyte"
    images.write_bytes(images.read_bytes()[:-16])
    run = snakemake(workdir, "results/cnn/data/fashion_mnist.npz", "--configfile", str(CNN_TINY))
    assert run.returncode != 0 and "Error in rule cnn_data" in run.stderr
    log = (workdir / "results" / "logs" / "cnn" / "data" / "fashion_mnist.log").read_text()
    assert f"{images.relative_to(workdir)}: 50176 bytes, but its header (64, 28, 28) needs 50192" in log


def test_a_logging_setting_reruns_nothing(clean):
    config = write_config(clean, "log.yaml", lambda s: s.update(log_every=7))
    assert params_changed(clean, *config) == set()
    dry = snakemake(clean, "-n", *config)
    assert dry.returncode == 0 and "Nothing to be done" in dry.stdout + dry.stderr


BM_OUTPUTS = {
    f"results/spiral/bm/n{n}_beta{beta_label(beta)}_m{m}_seed{seed}.{ext}"
    for n, beta, m, seed in GRID
    for ext in ("npz", "json")
}
GAP_OUTPUTS = {"results/spiral/gaps.csv", "results/spiral/bound_violations.csv", "results/tables/spiral_gaps.md"}


def test_a_gd_setting_reruns_only_the_bm_jobs(clean):
    config = write_config(clean, "gd.yaml", lambda s: s["gd"].update(epochs=2999))
    assert params_changed(clean, *config) == BM_OUTPUTS
    jobs = jobs_run(snakemake(clean, "-n", *config))
    assert jobs["spiral_bm"] == BM_RUNS  # and what is built from them, nothing else
    assert not {"spiral_data", "spiral_arrangement", "spiral_convex", "spiral_fig3"} & set(jobs)


@pytest.mark.parametrize(
    ("module", "old", "new", "changed"),
    [
        ("core/gd.py", "b *= mu", "b *= 1.0 * mu", BM_OUTPUTS),  # GD: the BM jobs, not the solves
        ("mlp/gaps.py", '"{:g}".format', '"{:.6g}".format', GAP_OUTPUTS),  # the gap table and its Markdown
    ],
    ids=["training", "gaps"],
)
def test_a_code_change_reruns_only_the_jobs_that_import_it(clean, tmp_path, module, old, new, changed):
    """An edit to a copy of the package, first on PYTHONPATH (the real tree is never edited)."""
    package = tmp_path / "bmconvex"
    shutil.copytree(ROOT / "src" / "bmconvex", package)
    path = package / module
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))
    config = ["--configfile", "tiny.yaml"]
    assert params_changed(clean, *config) == set()
    assert params_changed(clean, *config, env={**os.environ, "PYTHONPATH": str(tmp_path)}) == changed


@pytest.fixture(scope="module")
def cnn_done(tmp_path_factory):
    """The tiny CNN DAG recorded as finished with ``--touch``, which stores the same metadata (params,
    code digests) as a real run: the outputs are placeholders, no network is trained here."""
    workdir = copy_workflow(tmp_path_factory.mktemp("cnn"))
    config = ["cnn", "--configfile", str(CNN_TINY)]
    for line in snakemake(workdir, "--summary", *config).stdout.splitlines()[1:]:
        path = workdir / line.split("\t")[0]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}")  # a valid (empty) record for the .json outputs
    assert snakemake(workdir, "--touch", "--forceall", *config).returncode == 0
    up_to_date = snakemake(workdir, "-n", *config)
    assert "Nothing to be done" in up_to_date.stdout + up_to_date.stderr
    return workdir


CONVEX = "results/cnn/fashion_mnist/convex"
STAGE3 = {f"results/cnn/fashion_mnist/m{m}/stage3.{ext}" for m in (1, 2) for ext in ("pt", "json")}


@pytest.mark.parametrize(
    ("key", "value", "changed"),
    [
        # the convex-form timings of Fig. 6 only, never a BM stage
        ("convex.max_batches", 3, {f"{CONVEX}/stage{s}.{ext}" for s in (1, 2, 3) for ext in ("pt", "json")}),
        # the lr of stage 3: stage 3 of each chain and its convex form, not stages 1, 2
        (
            "architecture.fashion_mnist.lr",
            [0.05, 0.05, 0.02],
            STAGE3 | {f"{CONVEX}/stage3.{ext}" for ext in ("pt", "json")},
        ),
    ],
    ids=["max_batches", "stage3_lr"],
)
def test_a_cnn_setting_reruns_only_the_jobs_that_use_it(cnn_done, key, value, changed):
    config = yaml.safe_load(CNN_TINY.read_text())
    *parents, last = key.split(".")
    node = config["cnn"]
    for part in parents:
        node = node[part]
    node[last] = value
    name = f"{key}.yaml"
    (cnn_done / name).write_text(yaml.safe_dump(config))
    assert params_changed(cnn_done, "cnn", "--configfile", name) == changed
