"""Training has one command line: `newsgraph models …` (and `make`), no free-standing `python -m` scripts."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsgraph.cli import app
from newsgraph.cli.models import finetune_ner_cli, models_app
from newsgraph.training.encoder_finetune import FinetuneSettings

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "newsgraph"
COMMANDS = sorted(command.name or "" for command in models_app.registered_commands)


def test_no_module_is_a_script_with_its_own_command_line() -> None:
    scripts = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        main_guard = any(isinstance(node, ast.If) and "__main__" in ast.unparse(node.test) for node in tree.body)
        if main_guard or "argparse" in imports or "sys.argv" in ast.unparse(tree):
            scripts.append(str(path.relative_to(PACKAGE)))
    assert scripts == []


@pytest.mark.parametrize("doc", ["Makefile", "README.md", "models/MODEL_CARD.md"])
def test_docs_call_the_models_commands_not_python_m(doc: str) -> None:
    text = (ROOT / doc).read_text(encoding="utf-8")
    assert re.findall(r"python -m\s+newsgraph\.[\w.]+", text) == []


def test_the_training_commands_exist_with_help() -> None:
    assert {"corpora", "assemble", "select", "italian-corpora", "italian-assemble", "ner-source", "finetune-ner",
            "distill", "package-teacher"} <= set(COMMANDS)
    for command in models_app.registered_commands:
        assert (command.callback.__doc__ or "").strip(), command.name
        result = CliRunner().invoke(app, ["models", command.name or "", "--help"])
        assert result.exit_code == 0, result.output


def test_finetune_ner_defaults_are_the_settings_defaults() -> None:
    # typer needs literal defaults; the command must not drift from FinetuneSettings (train/dev: None = its own)
    options = {name: param.default.default for name, param in
               inspect.signature(finetune_ner_cli).parameters.items()}
    for setting in dataclasses.fields(FinetuneSettings):
        if setting.name in ("out", "train", "dev"):
            continue
        assert options[setting.name] == setting.default, setting.name


def test_a_training_command_fails_with_an_error_line_not_a_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["models", "select", str(tmp_path / "missing"), "--build", str(tmp_path)])
    assert result.exit_code == 2 and result.output.startswith("error: ")
