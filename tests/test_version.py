"""The version is written once: pyproject.toml takes it from ``newsgraph.__version__``."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import newsgraph

ROOT = Path(__file__).resolve().parents[1]


def test_pyproject_reads_the_version_from_the_package() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "newsgraph.__version__"}
    # setuptools reads a literal assignment from the source; anything computed would make it import newsgraph
    tree = ast.parse((ROOT / "src" / "newsgraph" / "__init__.py").read_text(encoding="utf-8"))
    values = [node.value for node in tree.body if isinstance(node, ast.Assign)
              and any(isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets)]
    assert len(values) == 1 and isinstance(values[0], ast.Constant)
    assert values[0].value == newsgraph.__version__
