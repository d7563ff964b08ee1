"""The citation files agree with the paper, the package and each other."""

import re

import yaml
from workflow_helpers import ROOT

TITLE = "Scaling Convex Neural Networks with Burer-Monteiro Factorization"
AUTHORS = ["Sahiner", "Ergen", "Ozturkler", "Pauly", "Mardani", "Pilanci"]


def test_citation_cff_cites_the_paper_and_the_workflow():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    pyproject = (ROOT / "pyproject.toml").read_text()
    project = dict(re.findall(r'^(version|license) = "([^"]+)"$', pyproject, re.M))
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "software"
    assert cff["version"] == project["version"] and cff["license"] == project["license"] == "MIT"
    paper = cff["preferred-citation"]
    assert paper["title"] == TITLE and paper["year"] == 2024 and "ICLR" in paper["collection-title"]
    assert [a["family-names"] for a in paper["authors"]] == AUTHORS


def test_readme_bibtex_and_license_match():
    readme = (ROOT / "README.md").read_text()
    bibtex = re.search(r"```bibtex\n(.*?)```", readme, re.S).group(1)
    assert "@inproceedings{sahiner2024scaling" in bibtex and "@software{bmconvex_workflow" in bibtex
    assert all(name in bibtex for name in AUTHORS)
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
