"""A CLI that explains itself: literal help text, readable option types, progress, --quiet and --json."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from newsgraph.cli import app
from newsgraph.cli.common import readable_type
from newsgraph.cli.extract import _progress
from newsgraph.ingest.count import count_articles
from newsgraph.records import Article, ArticleResult
from newsgraph.runner import RunSummary

runner = CliRunner()
WIDE = {"COLUMNS": "200", "TERMINAL_WIDTH": "200"}


def _commands() -> list[list[str]]:
    commands = [[command.name or ""] for command in app.registered_commands]
    models = next(group for group in app.registered_groups if group.name == "models")
    assert models.typer_instance is not None
    commands += [["models", command.name or command.callback.__name__.replace("_", "-")]  # type: ignore[union-attr]
                 for command in models.typer_instance.registered_commands]
    return commands


def test_extract_help_shows_the_pip_extras_literally() -> None:
    result = runner.invoke(app, ["extract", "--help"], env=WIDE)
    assert result.exit_code == 0
    assert 'pip install "newsgraph[accurate]"' in result.output
    assert 'pip install "newsgraph[dask]"' in result.output


@pytest.mark.parametrize("command", _commands(), ids=" ".join)
def test_help_shows_readable_option_types(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"], env=WIDE)
    assert result.exit_code == 0, result.output
    for typer_label in ("<bool>", "<str>", "<list[str]>", "<int>", "<path>", "<int range>"):
        assert typer_label not in result.output


def test_extract_help_types() -> None:
    lines = runner.invoke(app, ["extract", "--help"], env=WIDE).output.splitlines()
    row = {line.split()[1]: line for line in lines if line.startswith("│ --")}
    assert "PATH" in row["--out"] and "TEXT..." in row["--set"] and "INTEGER" in row["--workers"]
    assert "No progress bar" in row["--quiet"] and not any(t in row["--quiet"] for t in ("BOOL", "TEXT"))


@pytest.mark.parametrize("label,readable", [("<str>", "TEXT"), ("<list[str]>", "TEXT..."), ("<bool>", ""),
                                            ("<int range>", "INTEGER"), ("<path>", "PATH"), ("<a|b>", "a|b")])
def test_readable_type(label: str, readable: str) -> None:
    assert readable_type(label) == readable


def _result(n: int) -> ArticleResult:
    return ArticleResult(article=Article(id=f"a{n}", text="x"))


def test_progress_shows_done_of_total_rate_and_eta() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=120)
    summary = RunSummary(out=Path("out"))
    with _progress(console, summary, 5) as advance:
        for n in range(2):
            summary.articles += 1
            advance(_result(n))
    shown = buffer.getvalue()  # the last frame, drawn when the bar stops
    assert "2/5" in shown and "articles/s" in shown and "ETA" in shown


def test_progress_is_off_when_quiet() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=120)
    summary = RunSummary(out=Path("out"))
    with _progress(console, summary, 5, show=False) as advance:
        summary.articles += 1
        advance(_result(0))
    assert "1/5" not in buffer.getvalue()


def test_count_articles_counts_files_lines_and_items(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Text", encoding="utf-8")
    (corpus / "b.jsonl").write_text('{"text": "1"}\n\n{"text": "2"}\n{"text": "3"}\n', encoding="utf-8")
    (corpus / "c.json").write_text('[{"text": "1"}, {"text": "2"}]', encoding="utf-8")
    (corpus / "notes.csv").write_text("not read", encoding="utf-8")
    out = corpus / "out"
    out.mkdir()
    (out / "newsgraph-manifest.json").write_text("{}", encoding="utf-8")
    (out / "x.txt").write_text("in the output folder: never read", encoding="utf-8")

    assert count_articles([corpus], exclude=[out]) == 6
    assert count_articles([corpus, "ein Text", corpus / "a.txt"], exclude=[out]) == 7  # a file is read once
    assert count_articles([Path("-")]) is None
    (corpus / "crawl.warc.gz").write_bytes(b"")
    assert count_articles([corpus]) is None


def test_json_prints_the_run_summary_on_stdout(use_stand_in: Path, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Kerry flog nach Paris.", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["extract", str(tmp_path / "a.txt"), "-o", str(out), "--lang", "de", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["articles"] == 1 and summary["failed"] == 0 and summary["out"] == str(out)
    assert summary["entities_by_type"] == {"GPE": 1, "PER": 1} or summary["entities"] >= 2
    assert str(out / "articles.jsonl") in summary["paths"]
    assert set(summary) == {"out", "articles", "failed", "failures", "from_cache", "processed", "skipped_folders",
                            "entities", "entities_by_type", "relations", "events", "words", "seconds", "paths",
                            "diff", "load_seconds", "processing_seconds", "words_per_second",
                            "processing_words_per_second", "articles_per_second", "workers"}
    assert "newsgraph extract" not in result.output  # no table


def test_quiet_prints_no_table_but_still_the_failures(use_stand_in: Path, tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02binary")
    result = runner.invoke(app, ["extract", str(tmp_path / "bad.txt"), "-o", str(tmp_path / "out"), "--lang", "de",
                                 "--quiet"])
    assert result.exit_code == 1
    assert "bad.txt" in result.output and "words/s" not in result.output


def test_a_format_whose_extra_is_missing_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsgraph.graph import formats

    monkeypatch.setattr(formats.importlib.util, "find_spec", lambda name: None)
    (tmp_path / "a.txt").write_text("Kerry flog nach Paris.", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out"), "--format", "ttl"])
    assert result.exit_code == 2
    output = " ".join(result.output.split())  # the console wraps long lines
    assert 'pip install "newsgraph[rdf]"' in output and "(E018)" in output
    assert not (tmp_path / "out").exists()
