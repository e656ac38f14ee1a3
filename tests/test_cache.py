"""The result cache: keys, the pipeline version, the SQLite file, and incremental / resumed runs."""

from __future__ import annotations

import json
import sqlite3
import zlib
from pathlib import Path

import pytest
import spacy

import newsgraph
from newsgraph.cache import CACHE_FILE, KEEP_VERSIONS, ResultCache, article_key, pipeline_version
from newsgraph.config import Settings
from newsgraph.errors import CacheError
from newsgraph.pipeline import RunStats
from newsgraph.records import Article, ArticleResult, Entity

TEXTS = [f"Kerry traf in Paris Angela Merkel zum {n}. Mal." for n in range(1, 12)]


def _result(article_id: str, *, error: str | None = None) -> ArticleResult:
    return ArticleResult(article=Article(id=article_id, text="Kerry in Paris."), error=error,
                         entities=[] if error else [Entity(id="Q90", name="Paris", type="GPE", mention_count=1)])


def test_article_key_covers_text_and_metadata() -> None:
    article = Article(id="a", text="Kerry in Paris.")
    assert article_key(article) == article_key(Article(id="a", text="Kerry in Paris."))
    changed = [article.model_copy(update=update) for update in
               ({"text": "Kerry in Berlin."}, {"id": "b"}, {"date": "2024-01-01"}, {"line": 3})]
    assert len({article_key(article), *map(article_key, changed)}) == 5


@pytest.mark.parametrize("update", [{"lang": "de"}, {"accurate": True}, {"languages": ["de"]}])
def test_pipeline_version_changes_with_what_decides_results(use_stand_in: Path, update: dict[str, object]) -> None:
    assert pipeline_version(Settings()) != pipeline_version(Settings(**update))


@pytest.mark.parametrize("update", [{"workers": 2}, {"engine": "dask"}, {"batch_size": 3}, {"formats": ["gexf"]},
                                    {"result_cache": False}, {"on_error": "fail"}])
def test_pipeline_version_ignores_how_and_where(use_stand_in: Path, update: dict[str, object]) -> None:
    assert pipeline_version(Settings()) == pipeline_version(Settings(**update))


def test_pipeline_version_changes_with_the_model(use_stand_in: Path) -> None:
    before = pipeline_version(Settings())
    meta = use_stand_in / "de_newsgraph" / "meta.json"
    original = meta.read_text(encoding="utf-8")
    try:
        meta.write_text(json.dumps({**json.loads(original), "version": "0.0.2"}), encoding="utf-8")
        assert pipeline_version(Settings()) != before
    finally:
        meta.write_text(original, encoding="utf-8")


def test_pipeline_version_changes_with_the_accurate_model(use_stand_in: Path, tmp_path: Path) -> None:
    package = tmp_path / "de_e5_ner"
    package.mkdir()
    info = package / "newsgraph_ner_package.json"
    info.write_text(json.dumps({"format": "newsgraph.EncoderNerDelta.v1", "step": 1}), encoding="utf-8")
    settings = Settings(accurate=True, accurate_model=package)
    before = pipeline_version(settings)
    info.write_text(json.dumps({"format": "newsgraph.EncoderNerDelta.v1", "step": 2}), encoding="utf-8")
    assert pipeline_version(settings) != before
    off = settings.model_copy(update={"accurate": False})
    before = pipeline_version(off)
    info.write_text(json.dumps({"format": "newsgraph.EncoderNerDelta.v1", "step": 3}), encoding="utf-8")
    assert pipeline_version(off) == before  # the CNN run does not depend on it


def test_round_trip_keeps_only_successful_results(tmp_path: Path) -> None:
    path = tmp_path / "out" / CACHE_FILE
    ok, failed = _result("a"), _result("b", error="NLP failed")
    with ResultCache(path, version="v1") as cache:
        cache.put([("ka", ok), ("kb", failed)])
        cache.commit()
    with ResultCache(path, version="v1") as cache:
        found = cache.get(["ka", "kb", "kc"])
        assert len(cache) == 1
    assert list(found) == ["ka"] and found["ka"].model_dump_json() == ok.model_dump_json()


def test_uncommitted_results_are_not_kept(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE
    cache = ResultCache(path, version="v1")
    cache.put([("ka", _result("a"))])
    cache.commit()
    cache.put([("kb", _result("b"))])
    # what a killed process leaves: the second batch was never committed
    cache._db.close()
    with ResultCache(path, version="v1") as reopened:
        assert set(reopened.get(["ka", "kb"])) == {"ka"}


def test_results_are_only_served_to_the_pipeline_version_that_made_them(tmp_path: Path) -> None:
    # two runs of other settings writing one file at the same time (the issue's concurrent --model run)
    path = tmp_path / CACHE_FILE
    made_by = {"A": _result("by-a"), "B": _result("by-b")}
    a, b = ResultCache(path, version="A"), ResultCache(path, version="B")
    a.put([("k", made_by["A"])])
    a.commit()
    b.put([("k", made_by["B"])])
    b.commit()
    a.put([("k2", made_by["A"])])
    a.commit()
    assert a.get(["k", "k2"])["k"].article.id == "by-a" and b.get(["k", "k2"]).keys() == {"k"}
    a.close()
    b.close()
    for version in ("A", "B", "A"):  # and later runs, in any order
        with ResultCache(path, version=version) as cache:
            assert cache.get(["k"])["k"].model_dump_json() == made_by[version].model_dump_json()
    with ResultCache(path, version="C") as cache:
        assert len(cache) == 0 and cache.get(["k", "k2"]) == {}


def test_the_most_recently_used_versions_are_kept(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE
    for version in ("v1", "v2", "v3"):
        with ResultCache(path, version=version) as cache:
            cache.put([("ka", _result(version))])
    with ResultCache(path, version="v1"):
        pass  # v1 used again: v2 is now the least recently used
    with ResultCache(path, version="v4") as cache:
        cache.put([("ka", _result("v4"))])
    kept = {version: len(ResultCache(path, version=version)) for version in ("v1", "v3", "v4")}
    assert kept == {"v1": 1, "v3": 1, "v4": 1}
    with sqlite3.connect(path) as db:  # v2's rows are gone from the file, not only hidden
        assert sorted(db.execute("SELECT DISTINCT pipeline FROM results")) == [("v1",), ("v3",), ("v4",)]
    assert KEEP_VERSIONS == 3


def test_a_cache_of_the_old_format_is_rebuilt_not_read(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE
    with sqlite3.connect(path) as db:  # format 1: one pipeline version for the whole file
        db.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.executemany("INSERT INTO meta VALUES (?, ?)", [("format", "1"), ("pipeline", "v1")])
        db.execute("CREATE TABLE results (key TEXT PRIMARY KEY, result BLOB NOT NULL)")
        db.execute("INSERT INTO results VALUES ('ka', ?)",
                   (zlib.compress(_result("maybe-of-another-pipeline").model_dump_json().encode()),))
    with ResultCache(path, version="v1") as cache:
        assert cache.get(["ka"]) == {}
        cache.put([("ka", _result("a"))])
    with ResultCache(path, version="v1") as cache:
        assert cache.get(["ka"])["ka"].article.id == "a"


def test_the_issues_concurrent_runs_of_two_models_on_one_cache(use_stand_in: Path, tmp_path: Path) -> None:
    """A default run and a --model run at the same time on one cache file: each later run gets its own."""
    other_model = tmp_path / "other"
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "ORG", "pattern": "Paris"}])  # type: ignore[attr-defined]
    nlp.meta["name"] = "other"
    nlp.to_disk(other_model)
    path = tmp_path / CACHE_FILE
    # the default run opens the file last: the old layout then took the other model's results for its own
    options: dict[str, dict[str, object]] = {"model": {"model": other_model}, "default": {}}
    clean = {name: [r.model_dump_json() for r in newsgraph.extract(TEXTS, lang="de", batch_size=2, **opts)]
             for name, opts in options.items()}
    assert clean["default"] != clean["model"]
    runs = {name: newsgraph.extract(TEXTS, lang="de", batch_size=2, cache=path, **opts)
            for name, opts in options.items()}
    for _ in TEXTS:  # interleaved batch by batch
        for run in runs.values():
            next(run)
    for run in runs.values():
        run.close()  # type: ignore[attr-defined]
    for name in ("default", "model", "default"):
        stats = RunStats()
        again = [r.model_dump_json() for r in newsgraph.extract(TEXTS, lang="de", batch_size=2, cache=path,
                                                                   stats=stats, **options[name])]
        assert again == clean[name], name
        assert stats.from_cache == len(TEXTS)


def test_a_damaged_entry_counts_as_missing(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE
    with ResultCache(path, version="v1") as cache:
        cache.put([("ka", _result("a")), ("kb", _result("b"))])
    with sqlite3.connect(path) as db:
        db.execute("UPDATE results SET result = ? WHERE key = 'kb'", (b"not zlib",))
    with ResultCache(path, version="v1") as cache:
        assert set(cache.get(["ka", "kb"])) == {"ka"}


def test_a_file_of_another_name_that_is_not_a_cache_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "mine.sqlite"
    path.write_bytes(b"this is not an SQLite database, just some bytes " * 20)
    with pytest.raises(CacheError, match="--no-cache"):
        ResultCache(path, version="v1")
    assert path.read_bytes() == b"this is not an SQLite database, just some bytes " * 20


@pytest.mark.parametrize("damage", ["not sqlite", "truncated"])
def test_a_damaged_newsgraph_cache_is_started_afresh(tmp_path: Path, damage: str) -> None:
    path = tmp_path / CACHE_FILE
    with ResultCache(path, version="v1") as cache:
        cache.put([(f"k{n}", _result(f"a{n}")) for n in range(200)])
    data = path.read_bytes()
    path.write_bytes(b"this is not an SQLite database " * 20 if damage == "not sqlite" else data[: len(data) // 2])
    with pytest.warns(RuntimeWarning, match="the result cache was damaged"):
        cache = ResultCache(path, version="v1")
    with cache:
        assert cache.rebuilt and len(cache) == 0
        cache.put([("ka", _result("a"))])
    with ResultCache(path, version="v1") as cache:
        assert cache.rebuilt is None and set(cache.get(["ka", "k1"])) == {"ka"}


def test_a_rerun_takes_every_article_from_the_cache(use_stand_in: Path, tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE
    first, second = RunStats(), RunStats()
    fresh = list(newsgraph.extract(TEXTS, lang="de", batch_size=4, cache=path, stats=first))
    again = list(newsgraph.extract(TEXTS, lang="de", batch_size=4, cache=path, stats=second))
    assert (first.processed, first.from_cache) == (len(TEXTS), 0)
    assert (second.processed, second.from_cache) == (0, len(TEXTS))
    assert [r.model_dump_json() for r in again] == [r.model_dump_json() for r in fresh]


def test_only_new_and_changed_articles_are_processed(use_stand_in: Path, tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE
    list(newsgraph.extract(TEXTS, lang="de", cache=path))
    stats = RunStats()
    edited = [*TEXTS[:5], "Siemens baut in Berlin.", *TEXTS[6:], "Merkel fliegt nach Russland."]
    results = list(newsgraph.extract(edited, lang="de", cache=path, stats=stats))
    assert (stats.processed, stats.from_cache) == (2, len(TEXTS) - 1)
    assert [r.article.text for r in results] == edited


def test_failed_articles_are_retried(use_stand_in: Path, tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE
    articles = [Article(id="x", text="Hello London.", lang="xx"), Article(id="y", text="Kerry in Paris.", lang="de")]
    list(newsgraph.extract(articles, lang="auto", cache=path))
    stats = RunStats()
    results = list(newsgraph.extract(articles, lang="auto", cache=path, stats=stats))
    assert results[0].error and results[1].ok
    assert (stats.processed, stats.from_cache) == (1, 1)


def test_an_interrupted_run_resumes_without_losing_or_repeating_articles(use_stand_in: Path, tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE
    clean = [r.model_dump_json() for r in newsgraph.extract(TEXTS, lang="de", batch_size=3)]
    interrupted = newsgraph.extract(TEXTS, lang="de", batch_size=3, cache=path)
    for _ in range(5):  # two batches and a part of the third
        next(interrupted)
    interrupted.close()  # type: ignore[attr-defined]
    stats = RunStats()
    resumed = [r.model_dump_json() for r in newsgraph.extract(TEXTS, lang="de", batch_size=3, cache=path, stats=stats)]
    assert resumed == clean
    assert stats.from_cache == 6 and stats.processed == len(TEXTS) - 6


def test_no_cache_path_means_no_cache_file(use_stand_in: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    stats = RunStats()
    list(newsgraph.extract(TEXTS[:2], lang="de", stats=stats))
    list(newsgraph.extract(TEXTS[:2], lang="de", stats=stats))
    assert stats.processed == 4 and stats.from_cache == 0
    assert not list(tmp_path.iterdir())
