"""The README is an entry page and every link of the docs leads somewhere.

Each Markdown file of the README and `docs/` is read as GitHub renders it: a relative link or image
must name a file of the checkout, and a `#fragment` must name a heading of the file it points to
(GitHub's slug: lower case, punctuation dropped, spaces to hyphens).
"""

import re

import pytest
from workflow_helpers import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"```.*?```", re.S)
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)


def slug(heading: str) -> str:
    """GitHub's anchor of a Markdown heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path) -> set[str]:
    text = FENCE.sub("", path.read_text())
    return {slug(m) for m in re.findall(r"^#+\s+(.*)$", text, re.M)}


def links(path) -> list[str]:
    return [t for t in LINK.findall(CODE.sub("", path.read_text())) if not re.match(r"[a-z]+:", t)]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(doc):
    broken = []
    for target in links(doc):
        path, _, fragment = target.partition("#")
        dest = (doc.parent / path).resolve() if path else doc
        if not dest.exists():
            broken.append(f"{target}: no file {dest.relative_to(ROOT) if dest.is_relative_to(ROOT) else dest}")
        elif fragment and dest.suffix == ".md" and fragment not in anchors(dest):
            broken.append(f"{target}: no heading #{fragment} in {dest.relative_to(ROOT)}")
    assert not broken, f"{doc.relative_to(ROOT)}: " + "; ".join(broken)


def test_the_readme_is_an_entry_page():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 200
    quick_start = re.search(r"## Quick start\n.*?```bash\n(.*?)```", readme, re.S).group(1)
    assert [line.split("#")[0].strip() for line in quick_start.strip().splitlines()] == ["make reproduce", "make test"]
    linked = {t.split("#")[0] for t in links(ROOT / "README.md")}
    experiments = [p.parent.name for p in (ROOT / "docs").glob("*/README.md") if p.parent.parent.name == "docs"]
    missing = [e for e in experiments if f"docs/{e}/README.md" not in linked]
    assert not missing, f"the README links no page for docs/{missing}"


def test_the_link_check_finds_a_broken_link(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Title `x`\n\n```\n# not a heading\n```\n[ok](#title-x) [gone](missing.md) `[no](code.md)`\n")
    assert links(page) == ["#title-x", "missing.md"]
    assert anchors(page) == {"title-x"} and slug("Running on a SLURM cluster") == "running-on-a-slurm-cluster"
