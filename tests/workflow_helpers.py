"""Running the real workflow from a fresh copy, as a user's clone would."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "workflow" / "schemas"  # one JSON schema per config section
WORKFLOW_FILES = ["Snakefile", "config.yaml", "rules", "scripts", "workflow", "envs", "profiles"]


def copy_workflow(dest: Path) -> Path:
    for name in WORKFLOW_FILES:
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dest / name)
    return dest


def command(*args: str) -> list[str]:
    """A plain `snakemake` as the README says (it finds profiles/default by itself), on 2 cores."""
    return [sys.executable, "-m", "snakemake", "--cores", "2", *args]


def snakemake(workdir: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(command(*args), cwd=workdir, capture_output=True, text=True, env=env)


def jobs_run(result: subprocess.CompletedProcess) -> dict[str, int]:
    """The 'Job stats' table of a run: rule name -> number of jobs."""
    text = result.stdout + result.stderr
    if "Job stats:" not in text:
        return {}
    table = text.split("Job stats:")[1].split("total")[0]
    rows = [line.split() for line in table.splitlines()[3:]]
    return {row[0]: int(row[1]) for row in rows if len(row) == 2 and row[1].isdigit()}


def params_changed(workdir: Path, *args: str, env: dict | None = None) -> set[str]:
    """Outputs whose recorded params (settings and code digests) differ from now: ``--summary``."""
    result = snakemake(workdir, "--summary", *args, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [line.split("\t") for line in result.stdout.splitlines()[1:]]
    return {row[0] for row in rows if len(row) > 4 and row[4] == "params changed"}


def finished_outputs(log: str) -> list[str]:
    """Outputs of the jobs a run's log reports 'Finished' (printed once Snakemake has recorded them)."""
    outputs, output = {}, []
    for line in log.splitlines():
        if line.startswith("    output: "):
            output = line.removeprefix("    output: ").split(", ")
        elif line.startswith("    jobid: "):
            outputs[line.removeprefix("    jobid: ")], output = output, []
    return [path for jobid in re.findall(r"Finished jobid: (\d+)", log) for path in outputs.get(jobid, [])]
