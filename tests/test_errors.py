"""The catalogue of coded messages (newsgraph.errors.Errors): raised errors carry their code, texts stay as they were."""

from __future__ import annotations

import ast
import pickle
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import newsgraph
from newsgraph.cli import app
from newsgraph.config import parse_overrides
from newsgraph.errors import ConfigError, Errors, InputError, InputPathError, Message, NewsgraphError
from newsgraph.graph.export import check_formats
from newsgraph.ingest.read import article_from_text, check_sources

PACKAGE = Path(newsgraph.__file__).parent
RUNTIME = ["config.py", "ingest/read.py", "ingest/langid.py", "pipeline.py", "graph/export.py", "cache.py", "engines.py",
           "nlp/loading.py", "tools/diff.py"]  # nlp/limits.py builds record messages (no raise): E5xx


def test_every_catalogue_entry_is_a_message_that_knows_its_code() -> None:
    codes = [name for name in vars(Errors) if re.fullmatch(r"E\d{3}", name)]
    assert len(codes) > 40
    for code in codes:
        message = getattr(Errors, code)
        assert isinstance(message, Message) and message.code == code
    assert Errors.E003.format(pair="x").code == "E003"  # filling in the fields keeps the code


def test_raised_errors_carry_their_code_and_keep_their_text() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_overrides(["batch_size"])
    assert caught.value.code == "E003"
    assert str(caught.value) == "--set 'batch_size': use --set key=value, e.g. --set batch_size=32"
    with pytest.raises(ConfigError) as caught:
        check_formats(["pdf"])
    assert caught.value.code == "E007"
    assert str(caught.value) == "formats: unknown output format(s) 'pdf'; use any of jsonl, graphml, json, gexf, parquet, ttl, jsonld."
    with pytest.raises(InputError) as text_error:
        article_from_text("   ")
    assert (text_error.value.code, str(text_error.value)) == ("E104", "<input>: text is empty")
    assert pickle.loads(pickle.dumps(caught.value)).code == "E007"  # errors cross process boundaries (engines)


def test_input_path_errors_have_a_code(tmp_path: Path) -> None:
    with pytest.raises(InputPathError) as caught:
        check_sources([tmp_path / "missing.txt"])
    assert caught.value.code == "E101"
    assert str(caught.value) == (f"{tmp_path / 'missing.txt'}: no such file or folder. Check the spelling: inputs are "
                                 "files, folders, glob patterns, or - for stdin. Nothing was read or written.")


def _inline_messages(path: Path) -> list[int]:
    """Lines where an error is raised (or returned) with a message written in place instead of from Errors."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id.endswith("Error")
                and node.func.id != "ValueError" and node.args
                and isinstance(node.args[0], (ast.JoinedStr, ast.Constant, ast.BinOp))):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("module", RUNTIME)
def test_runtime_modules_take_their_messages_from_the_catalogue(module: str) -> None:
    assert _inline_messages(PACKAGE / module) == []


def test_the_cli_prints_the_code_after_the_message(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["extract", str(tmp_path), "-o", str(tmp_path / "o"), "--set", "batch_size"])
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == ("error: --set 'batch_size': use --set key=value, e.g. --set "
                                               "batch_size=32 (E003)")


def test_an_uncoded_error_prints_without_a_code() -> None:
    assert NewsgraphError("plain").code is None
