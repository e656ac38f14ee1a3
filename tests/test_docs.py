"""The README's examples run: its Python blocks execute in order on the seed folder, its ``newsgraph`` command
lines use real commands and options, and those whose inputs exist run (as sqlite-utils tests its docs)."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import shutil
from pathlib import Path

import pytest
from support import ROOT, requires_model
from typer.testing import CliRunner

import newsgraph
from newsgraph.cli import app

README = ROOT / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
runner = CliRunner()


def _blocks(language: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    return [body for lang, body in FENCE.findall(text) if lang == language]


def _command_lines() -> list[list[str]]:
    """Every ``newsgraph ...`` line of the README's shell blocks, as argv without ``newsgraph`` and comments."""
    lines = []
    for block in _blocks("bash") + _blocks(""):
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            for prefix in ("newsgraph ", ".venv/bin/newsgraph "):
                if line.startswith(prefix):
                    lines.append(shlex.split(line[len(prefix):].split(" | ")[0]))
    return lines


def _command(argv: list[str]) -> list[str]:
    """The command path of an argv: ``["models", "select"]``, ``["extract"]``."""
    return argv[:2] if argv[0] == "models" else argv[:1]


def _help(command: list[str]) -> str:
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, f"README: `newsgraph {' '.join(command)}` is not a command: {result.output}"
    return result.output


@pytest.mark.parametrize("argv", _command_lines(), ids=" ".join)
def test_readme_command_lines_use_real_options(argv: list[str]) -> None:
    shown = _help(_command(argv))
    for token in argv:
        if token.startswith("-") and token != "-":
            option = token.split("=")[0]
            assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", shown), f"{option} is not an option of {argv}"


@pytest.fixture(scope="module")
def docs_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the seed articles and the output the README's examples read (``newsgraph extract seeds/
    -o newsgraph-out --format parquet`` with Turtle too, and a baseline copy of it)."""
    folder = tmp_path_factory.mktemp("docs")
    shutil.copytree(ROOT / "seeds", folder / "seeds")
    with contextlib.chdir(folder):
        newsgraph.run([Path("seeds/")], Path("newsgraph-out"), lang="de",
                      formats=["graphml", "json", "parquet", "ttl", "jsonld"])
    shutil.copytree(folder / "newsgraph-out", folder / "baseline")
    return folder


@requires_model
def test_readme_python_blocks_run_in_order(docs_folder: Path) -> None:
    namespace: dict[str, object] = {}
    printed = []
    with contextlib.chdir(docs_folder):
        for block in _blocks("python"):
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(block, str(README), "exec"), namespace)  # noqa: S102 - the README's own examples
            printed.append(out.getvalue())
    everything = "\n".join(printed)
    # the library snippet prints the entities of the sentence and of the seed article
    assert "Angela Merkel" in everything and "John Kerry" in everything
    assert "Aussenminister USA" in everything  # the SPARQL query over graph.ttl
    assert "│ John Kerry" in everything  # the DuckDB query over the Parquet files


@requires_model
def test_readme_command_lines_run_where_their_inputs_exist(docs_folder: Path) -> None:
    ran = []
    with contextlib.chdir(docs_folder):
        for argv in _command_lines():
            paths = [token for token in argv[1:]
                     if not token.startswith("-") and ("/" in token or re.search(r"\.\w+$", token))]
            heavy = "--accurate" in argv  # the encoder route: its own extra and test (tests/encoder)
            if not heavy and (argv[0] in ("schema", "info") or (paths and all(Path(p).exists() for p in paths))):
                result = runner.invoke(app, argv)
                assert result.exit_code in (0, 1), f"newsgraph {' '.join(argv)}: {result.output}"
                ran.append(" ".join(argv))
    assert {"extract seeds/", "schema", "info", "view newsgraph-out/", "diff baseline/ newsgraph-out/"} <= set(ran)
