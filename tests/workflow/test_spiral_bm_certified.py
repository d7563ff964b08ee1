"""`spiral.convex.solver: BM_CERTIFIED`: the spiral experiment's p* jobs solved by the certified BM solver."""

import json

import pytest
import yaml
from workflow_helpers import ROOT, copy_workflow, snakemake

pytestmark = pytest.mark.integration
RECORDS = [f"results/spiral/convex/n{n}_beta{beta}_seed0.json" for n in (6, 30) for beta in ("0.001", "0.1")]


def test_p_star_jobs_certified_by_bm(tmp_path):
    workdir = copy_workflow(tmp_path)
    config = yaml.safe_load((ROOT / "tests" / "configs" / "tiny.yaml").read_text())
    config["spiral"]["convex"]["solver"] = "BM_CERTIFIED"
    (workdir / "bm.yaml").write_text(yaml.safe_dump(config))
    result = snakemake(workdir, *RECORDS, "--configfile", "bm.yaml")
    assert result.returncode == 0, result.stderr[-3000:]
    for path in RECORDS:
        record = json.loads((workdir / path).read_text())
        assert record["solver"] == "BM_CERTIFIED" and record["status"] == "optimal"
        assert -1e-12 <= record["certified_gap"] <= config["spiral"]["convex"]["tolerance"]  # round-off at p*
        assert record["p_star_lower_bound"] <= record["p_star"] * (1 + 1e-12)
