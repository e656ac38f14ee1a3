"""newsgraph.run as a notebook calls it: one call does what `newsgraph extract` does and returns a summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import newsgraph
from newsgraph.errors import ConfigError


def _inputs(tmp_path: Path, **texts: str) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    for name, text in texts.items():
        (src / f"{name}.txt").write_text(text, encoding="utf-8")
    return src


def test_run_writes_the_output_and_returns_the_summary(use_stand_in: Path, tmp_path: Path) -> None:
    src = _inputs(tmp_path, a="Kerry flog nach Paris.", b="Siemens baut in Berlin.", c="")
    out = tmp_path / "out"
    summary = newsgraph.run([src], out, lang="de", html=True)
    assert isinstance(summary, newsgraph.RunSummary)
    assert (summary.out, summary.articles, summary.failed, summary.processed, summary.from_cache) == (out, 3, 1, 2, 0)
    assert len(summary.failures) == 1 and summary.failures[0].startswith(f"{src / 'c.txt'}: ")
    assert summary.words == 8 and summary.seconds > 0
    assert summary.entities_by_type == {"GPE": 2, "ORG": 1, "PER": 1} and summary.entities == 4
    assert {p.name for p in summary.paths} == {"articles.jsonl", "entities.jsonl", "graph.graphml", "graph.json",
                                               "graph.html"}
    assert all(p.exists() for p in summary.paths) and (out / "newsgraph-cache.sqlite").exists()
    assert len((out / "articles.jsonl").read_text(encoding="utf-8").splitlines()) == 3
    assert summary.diff is None
    again = newsgraph.run([src], out, lang="de")  # the cache is reused
    assert (again.from_cache, again.processed) == (2, 0)


def test_run_calls_on_result_after_counting(use_stand_in: Path, tmp_path: Path) -> None:
    src = _inputs(tmp_path, a="Kerry flog nach Paris.", b="Siemens baut in Berlin.")
    seen: list[tuple[str, int]] = []
    summary = newsgraph.RunSummary(out=tmp_path / "out")
    newsgraph.run([src], tmp_path / "out", lang="de", result_cache=False, summary=summary,
                  on_result=lambda result: seen.append((Path(result.article.path or "").name, summary.articles)))
    assert seen == [("a.txt", 1), ("b.txt", 2)]
    assert not (tmp_path / "out" / "newsgraph-cache.sqlite").exists()


def test_run_compares_with_a_baseline(use_stand_in: Path, tmp_path: Path) -> None:
    src = _inputs(tmp_path, a="Kerry flog nach Paris.")
    newsgraph.run([src], tmp_path / "old", lang="de")
    (src / "b.txt").write_text("Siemens baut in Berlin.", encoding="utf-8")
    summary = newsgraph.run([src], tmp_path / "new", lang="de", baseline=tmp_path / "old")
    assert summary.diff is not None and summary.diff.differs
    assert {e.name for e in summary.diff.entities_added} == {"Siemens", "Berlin"}
    same = newsgraph.run([src], tmp_path / "new2", lang="de", baseline=tmp_path / "new")
    assert same.diff is not None and not same.diff.differs


def test_run_refuses_a_missing_baseline_before_writing(use_stand_in: Path, tmp_path: Path) -> None:
    src = _inputs(tmp_path, a="Kerry flog nach Paris.")
    with pytest.raises(ConfigError, match="does not exist"):
        newsgraph.run([src], tmp_path / "out", lang="de", baseline=tmp_path / "nowhere")
    assert not (tmp_path / "out").exists()


def test_run_on_error_fail_writes_up_to_the_first_error(use_stand_in: Path, tmp_path: Path) -> None:
    src = _inputs(tmp_path, a="Kerry flog nach Paris.", b="", c="Siemens baut in Berlin.")
    out = tmp_path / "out"
    summary = newsgraph.run([src], out, lang="de", on_error="fail")
    assert (summary.articles, summary.failed) == (2, 1)
    records = [json.loads(line) for line in (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [bool(r["error"]) for r in records] == [False, True]


def _summary_json(out: Path, *args: str) -> dict[str, object]:
    from typer.testing import CliRunner

    from newsgraph.cli import app

    result = CliRunner().invoke(app, ["extract", *args, "-o", str(out), "--lang", "de", "--json", "-q",
                                      "--set", "batch_size=2"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


def test_the_summary_figures_agree_with_the_records_and_the_cache(use_stand_in: Path, tmp_path: Path) -> None:
    from newsgraph.nlp.loading import _load_cached

    src = _inputs(tmp_path, a="Kerry flog nach Paris.", b="Siemens baut in Berlin.", c="Merkel traf Kerry dort.")
    out = tmp_path / "out"
    _load_cached.cache_clear()  # the run loads the pipeline itself, so loading takes time
    first = _summary_json(out, str(src))
    records = [json.loads(line) for line in (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    assert first["words"] == sum(len(r["article"]["text"].split()) for r in records) == 12
    assert (first["articles"], first["processed"], first["from_cache"], first["workers"]) == (3, 3, 0, 1)
    seconds, load = first["seconds"], first["load_seconds"]
    assert isinstance(seconds, float) and isinstance(load, float)
    assert 0 < load < seconds
    assert first["processing_seconds"] == pytest.approx(seconds - load, abs=0.002)
    # the summary rounds seconds to 1 ms: a rate times its (rounded) seconds gives the count back within that
    for rate, spent, count in ((first["words_per_second"], seconds, 12),
                               (first["processing_words_per_second"], seconds - load, 12),
                               (first["articles_per_second"], seconds, 3)):
        assert isinstance(rate, float)
        assert rate * spent == pytest.approx(count, rel=0.01, abs=rate * 0.0015)

    (src / "d.txt").write_text("Siemens baut wieder in Paris.", encoding="utf-8")
    second = _summary_json(out, str(src))  # the pipeline is loaded already: no loading time
    assert (second["articles"], second["processed"], second["from_cache"], second["workers"]) == (4, 1, 3, 1)
    assert second["words"] == 17 and second["load_seconds"] == 0.0
    third = _summary_json(out, str(src))  # everything from the cache: no worker ran a batch
    assert (third["processed"], third["from_cache"], third["workers"], third["load_seconds"]) == (0, 4, 0, 0.0)


def test_the_summary_counts_the_worker_processes_and_their_loading(use_stand_in: Path, tmp_path: Path) -> None:
    src = _inputs(tmp_path, **{f"t{n}": f"Kerry flog zum {n}. Mal nach Paris." for n in range(8)})
    summary = newsgraph.run([src], tmp_path / "out", lang="de", fast=True, workers=2, batch_size=1,
                            result_cache=False)
    # each worker process loads the pipeline on its first batch (which of the two ran how many is not fixed)
    assert 1 <= summary.workers <= 2 and summary.processed == 8 and summary.failed == 0
    assert 0 < summary.load_seconds < summary.seconds
    assert summary.processing_seconds == pytest.approx(summary.seconds - summary.load_seconds)
