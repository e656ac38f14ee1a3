"""The result cache: keys, the pipeline version, the SQLite file, and incremental / resumed runs."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

import newsgraph
from newsgraph.cache import CACHE_FILE, ResultCache, article_key, pipeline_version
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


def test_another_pipeline_version_empties_the_cache(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE
    with ResultCache(path, version="v1") as cache:
        cache.put([("ka", _result("a"))])
    with ResultCache(path, version="v2") as cache:
        assert len(cache) == 0 and cache.get(["ka"]) == {}


def test_a_damaged_entry_counts_as_missing(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE
    with ResultCache(path, version="v1") as cache:
        cache.put([("ka", _result("a")), ("kb", _result("b"))])
    with sqlite3.connect(path) as db:
        db.execute("UPDATE results SET result = ? WHERE key = 'kb'", (b"not zlib",))
    with ResultCache(path, version="v1") as cache:
        assert set(cache.get(["ka", "kb"])) == {"ka"}


def test_a_file_that_is_not_a_cache_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE
    path.write_bytes(b"this is not an SQLite database, just some bytes " * 20)
    with pytest.raises(CacheError, match="--no-cache"):
        ResultCache(path, version="v1")


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
