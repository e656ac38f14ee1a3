"""The package's import graph: no cycle among newsgraph's modules, and no runtime module importing training code.

The graph is read from the source (AST), module-level and function-level imports apart, so it needs no model and
runs in a fraction of a second. Rerun it by hand with ``python tests/test_import_graph.py``: it prints every
cycle and every runtime -> training edge.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "newsgraph"
TRAINING = "newsgraph.training"  # all build-time code: corpora building, fine-tuning, packaging, distillation
# The one door from runtime into training: the `newsgraph models …` commands import it inside the command function.
TRAINING_DOOR = "newsgraph.cli.models"

Edge = tuple[str, str, int, bool]  # importer, imported, line, at module level


def module_files() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its ``__init__``)."""
    modules = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _targets(node: ast.Import | ast.ImportFrom, importer: str, is_package: bool, modules: set[str]) -> Iterator[str]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name
        return
    base = node.module or ""
    if node.level:  # relative import
        anchor = importer.split(".")[: len(importer.split(".")) - node.level + (1 if is_package else 0)]
        base = ".".join([*anchor, *([base] if base else [])])
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        yield submodule if submodule in modules else base


def _type_checking_only(tree: ast.Module) -> set[int]:
    """ids of the import nodes under ``if TYPE_CHECKING:``: they never run."""
    return {id(node) for block in ast.walk(tree) if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
            for stmt in block.body for node in ast.walk(stmt) if isinstance(node, (ast.Import, ast.ImportFrom))}


def _module_level_nodes(tree: ast.Module) -> set[int]:
    """ids of the import nodes that run on import: outside functions and classes' methods."""
    found: set[int] = set()

    def visit(body: list[ast.stmt]) -> None:
        for stmt in body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                found.add(id(stmt))
            elif isinstance(stmt, (ast.If, ast.Try, ast.With, ast.ClassDef)):
                for block in (getattr(stmt, "body", []), getattr(stmt, "orelse", []), getattr(stmt, "finalbody", []),
                              *(handler.body for handler in getattr(stmt, "handlers", []))):
                    visit(block)

    visit(tree.body)
    return found


def import_edges() -> list[Edge]:
    """Every import of a newsgraph module by a newsgraph module, with its line and whether it runs on import."""
    files = module_files()
    names = set(files)
    edges: list[Edge] = []
    for importer, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top, never = _module_level_nodes(tree), _type_checking_only(tree)
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)) or id(node) in never:
                continue
            for target in _targets(node, importer, is_package, names):
                if target in names and target != importer:
                    edges.append((importer, target, node.lineno, id(node) in top))
    return edges


def find_cycles(edges: list[Edge]) -> list[list[str]]:
    """The import cycles (one per strongly connected component of more than one module), each as a path."""
    graph: dict[str, set[str]] = {}
    for importer, target, _, _ in edges:
        graph.setdefault(importer, set()).add(target)
        graph.setdefault(target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            connect(node)
    return components


def is_training(module: str) -> bool:
    return module == TRAINING or module.startswith(TRAINING + ".")


def runtime_to_training(edges: list[Edge]) -> list[Edge]:
    """Imports of training code by runtime modules, except the function-level ones of the models commands."""
    return [edge for edge in edges if not is_training(edge[0]) and is_training(edge[1])
            and not (edge[0] == TRAINING_DOOR and not edge[3])]


def test_no_import_cycle_at_module_level() -> None:
    cycles = find_cycles([edge for edge in import_edges() if edge[3]])
    assert cycles == []


def test_no_import_cycle_counting_function_level_imports() -> None:
    # records -> view -> export -> graph -> records was one (records' _repr_html_ imported the view)
    assert find_cycles(import_edges()) == []


def test_no_runtime_module_imports_training_code() -> None:
    assert runtime_to_training(import_edges()) == []


def test_the_models_commands_import_training_only_inside_the_command() -> None:
    door = [edge for edge in import_edges() if edge[0] == TRAINING_DOOR and is_training(edge[1])]
    assert door and not any(at_module_level for *_, at_module_level in door)


def test_importing_every_runtime_module_loads_no_training_module() -> None:
    runtime = [name for name in module_files() if not is_training(name)]
    code = ("import sys\n" + "".join(f"import {name}\n" for name in runtime)
            + "print('\\n'.join(sorted(m for m in sys.modules if m.startswith('newsgraph.training'))))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": str(SRC)}).stdout.split()
    assert loaded == []


if __name__ == "__main__":
    all_edges = import_edges()
    for level, chosen in (("module-level", [e for e in all_edges if e[3]]), ("all", all_edges)):
        print(f"cycles ({level} imports):", find_cycles(chosen) or "none")
    for importer, target, line, top in runtime_to_training(all_edges):
        print(f"runtime -> training: {importer}:{line} imports {target} ({'module' if top else 'function'} level)")
