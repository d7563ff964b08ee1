"""Which package code a job runs, as a digest: a param that re-runs the job when that code changes.

Snakemake's ``code`` trigger sees only a rule's own script. A job's results also depend on every
``bmconvex`` module the script imports, directly or not: :func:`code_digest` follows those imports
(statically, with :mod:`ast`) from the script and hashes the code it reaches, so an edit to the
mathematics marks exactly the jobs that import it out of date. The hash is of the syntax tree
without docstrings: a comment, a docstring or a reformatting re-runs nothing.
"""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]


def module_file(name: str) -> Path | None:
    """The file of module ``bmconvex.x.y`` (a package's ``__init__.py``), None outside the package."""
    parts = name.split(".")
    if parts[0] != "bmconvex":
        return None
    base = PACKAGE.joinpath(*parts[1:])
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def imported_modules(path: Path) -> set[str]:
    """The bmconvex modules a file imports (``from bmconvex.a import b`` counts a and a.b)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.startswith("bmconvex")}


def code(path: Path) -> bytes:
    """The syntax tree of a module without its docstrings, as bytes."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            if isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
                node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree).encode()


def code_digest(script: Path) -> str:
    """sha256 over the code of every bmconvex module that ``script`` imports, directly or not."""
    todo, files = sorted(imported_modules(script)), {}
    while todo:
        name = todo.pop()
        parents = [".".join(name.split(".")[:k]) for k in range(1, name.count(".") + 1)]
        for module in [name, *parents]:
            path = module_file(module)
            if path is not None and module not in files:
                files[module] = path
                todo.extend(sorted(imported_modules(path)))
    digest = hashlib.sha256()
    for module in sorted(files):
        digest.update(module.encode() + b"\0" + code(files[module]))
    return digest.hexdigest()[:16]
