"""Conda environments: the spiral rules run without PyTorch; the post-deploy step finds the checkout."""

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from workflow_helpers import ROOT

from bmconvex.core.provenance import imported_modules, module_file

ENVS = ROOT / "envs"
BLOCK_TORCH = """import sys


class NoTorch:  # as in an environment without PyTorch: importing it fails
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "torch":
            raise ModuleNotFoundError(f"No module named {name!r}")


sys.meta_path.insert(0, NoTorch())
"""


def conda_envs(rules_file: Path) -> dict[str, str]:
    """rule name -> its conda: file, read from a rules file."""
    found, rule = {}, None
    for line in rules_file.read_text().splitlines():
        if m := re.match(r"rule (\w+):", line):
            rule = m.group(1)
        elif rule and (m := re.match(r'\s+"\.\./envs/([\w.]+)"', line)) and found.get(rule) is None:
            found[rule] = m.group(1)
    return found


def package_modules(script: Path) -> set[str]:
    """Every bmconvex module a script imports, directly or through other bmconvex modules."""
    todo, seen = sorted(imported_modules(script)), set()
    while todo:
        name = todo.pop()
        if name not in seen and module_file(name):
            seen.add(name)
            todo += sorted(imported_modules(module_file(name)))
    return seen


def test_spiral_rules_use_the_environment_without_torch():
    spec = yaml.safe_load((ENVS / "spiral.yaml").read_text())["dependencies"]
    names = [d for d in spec if isinstance(d, str)] + spec[-1]["pip"]
    assert not any("torch" in name for name in names)
    envs = {**conda_envs(ROOT / "rules" / "spiral.smk"), **conda_envs(ROOT / "rules" / "report.smk")}
    assert set(envs) >= {"spiral_bm", "spiral_convex", "spiral_gaps", "spiral_report_tables"}
    assert set(envs.values()) == {"spiral.yaml"}
    assert set(conda_envs(ROOT / "rules" / "cnn.smk").values()) == {"bmconvex.yaml"}


def test_no_spiral_job_imports_torch():
    """Import everything each spiral script imports, with torch made unimportable."""
    scripts = sorted((ROOT / "scripts").glob("spiral_*.py")) + [ROOT / "scripts" / "report_tables.py"]
    modules = sorted(set().union(*(package_modules(s) for s in scripts)))
    assert "bmconvex.mlp.experiment" in modules and "bmconvex.solvers" in modules
    code = BLOCK_TORCH + "".join(f"import {m}\n" for m in modules) + "assert 'torch' not in sys.modules\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]


def test_post_deploy_installs_the_checkout_from_any_working_directory(tmp_path):
    """The script as Snakemake runs it (`bash <its path>`), from an unrelated folder; pip only reports."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # `python` is this interpreter
    env = {**os.environ, "PATH": path, "PIP_DRY_RUN": "1", "PIP_NO_INDEX": "1"}
    for name in ("spiral.post-deploy.sh", "bmconvex.post-deploy.sh"):
        result = subprocess.run(["bash", str(ENVS / name)], cwd=tmp_path, capture_output=True, text=True, env=env)
        assert result.returncode == 0, result.stderr[-2000:]
        assert "Would install bmconvex-" in result.stdout
