"""The chained stages: sources in, one ArticleResult per article out, failures isolated."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc

import newsgraph
from newsgraph.errors import ConfigError, InputPathError, NewsgraphError
from newsgraph.nlp.loading import load_pipeline
from newsgraph.pipeline import RunStats
from newsgraph.records import Article


def test_extract_texts_and_files_in_input_order(use_stand_in: Path, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Angela Merkel flog nach Paris.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Siemens baut in Berlin.", encoding="utf-8")
    results = list(newsgraph.extract(["John Kerry traf in Paris ein.", tmp_path], lang="de"))
    assert [r.article.text[:5] for r in results] == ["John ", "Angel", "Sieme"]
    assert all(r.ok for r in results)
    names = [{e.name for e in r.entities} for r in results]
    assert "Paris" in names[0] and "Angela Merkel" in names[1] and "Siemens" in names[2]


def test_mention_offsets_slice_back_into_the_article(use_stand_in: Path) -> None:
    text = "In Berlin sagte Kerry am Montag nichts.\n\nKerry reist nach Paris."
    (result,) = newsgraph.extract(text, lang="de")
    assert result.mentions
    for mention in result.mentions:
        assert text[mention.start:mention.end] == mention.text
    sentences = {m.text: m.sentence for m in result.mentions}
    assert sentences["Berlin"] == 0 and sentences["Paris"] == 1


def test_bad_inputs_become_error_records_and_good_ones_survive(use_stand_in: Path, tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Kerry in Paris.", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "bad.jsonl").write_text('{"text": "Kerry in Berlin."}\n{not json\n', encoding="utf-8")
    results = list(newsgraph.extract([tmp_path], lang="de"))
    errors = [r for r in results if r.error]
    good = [r for r in results if r.ok]
    assert len(good) == 2 and len(errors) == 2
    assert any("bad.jsonl:2" in (r.error or "") for r in errors)
    assert any("empty.txt" in (r.error or "") for r in errors)


def test_unsupported_language_is_a_per_article_error(use_stand_in: Path) -> None:
    results = list(newsgraph.extract([Article(id="x", text="Hello London.", lang="xx"),
                                         "Kerry ist am Montag in Paris mit dem Aussenminister zusammengetroffen."]))
    assert results[0].error and "no pipeline for language 'xx'" in results[0].error
    assert results[1].ok


def test_a_run_language_without_pipeline_fails_before_reading(tmp_path: Path) -> None:
    never_read = tmp_path / "missing.txt"  # reading it would give an error record, not the ConfigError
    with pytest.raises(ConfigError, match="lang 'xx': no pipeline for this language; supported: de, en, fr, it"):
        newsgraph.extract([never_read], lang="xx")


def test_on_error_fail_raises(use_stand_in: Path) -> None:
    with pytest.raises(NewsgraphError, match="empty"):
        list(newsgraph.extract(["Kerry in Paris.", "   "], lang="de", on_error="fail"))


@Language.component("test_explode_on_boom")
def _explode(doc: Doc) -> Doc:
    if "BOOM" in doc.text:
        raise RuntimeError("component failed")
    return doc


def test_a_failing_article_does_not_take_its_batch_down(use_stand_in: Path) -> None:
    nlp = load_pipeline("de")
    nlp.add_pipe("test_explode_on_boom", first=True)
    try:
        results = list(newsgraph.extract(["Kerry in Paris.", "BOOM in Berlin.", "Merkel."], lang="de"))
    finally:
        nlp.remove_pipe("test_explode_on_boom")
    assert [r.ok for r in results] == [True, False, True]
    assert "RuntimeError: component failed" in (results[1].error or "")


def test_language_detection_picks_the_pipeline(use_stand_in: Path) -> None:
    (de, en) = newsgraph.extract([
        "Der Bundesrat hat am Mittwoch in Bern die neue Verordnung verabschiedet und veröffentlicht.",
        "The federal council adopted the new regulation in Bern on Wednesday and published it.",
    ])
    assert de.article.lang == "de" and de.ok
    # each language goes to its own pipeline (issue 8): English to spaCy's
    assert en.article.lang == "en" and en.ok and en.model and en.model.startswith("en_")


def test_a_file_named_twice_is_read_once(use_stand_in: Path, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Kerry flog nach Paris.", encoding="utf-8")
    results = list(newsgraph.extract([tmp_path, tmp_path / "a.txt", "Kerry in Berlin."], lang="de"))
    assert [r.article.text for r in results] == ["Kerry flog nach Paris.", "Kerry in Berlin."]


# --- one bad input never costs the others (issue 18): an unexpected exception in any stage -------------


def _failing_on(marker: str, real):  # type: ignore[no-untyped-def]
    """``real``, except that it raises RuntimeError when its first argument's text holds ``marker``."""
    def fake(first, *args, **kwargs):  # type: ignore[no-untyped-def]
        text = first if isinstance(first, str) else getattr(first, "text", "")
        if marker in text:
            raise RuntimeError(f"stage bug on {marker}")
        return real(first, *args, **kwargs)
    return fake


@pytest.mark.parametrize(
    ("module", "name", "stage"),
    [
        ("newsgraph.ingest.read", "_split_title", "unexpected error while reading"),
        ("newsgraph.pipeline", "detect_language", "language detection failed"),
        ("newsgraph.pipeline", "doc_to_result", "NLP failed on this article"),
    ],
    ids=["read", "detect", "convert"],
)
def test_an_unexpected_exception_in_a_stage_fails_that_input_only(
    use_stand_in: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str, name: str, stage: str
) -> None:
    import importlib

    target = importlib.import_module(module)
    monkeypatch.setattr(target, name, _failing_on("BOOM", getattr(target, name)))
    texts = ["Kerry ist am Montag in Paris eingetroffen.", "Der BOOM kam am Dienstag nach Berlin.",
             "Angela Merkel hat am Mittwoch Siemens besucht."]
    for n, text in enumerate(texts):
        (tmp_path / f"{n}.txt").write_text(text, encoding="utf-8")
    results = list(newsgraph.extract([tmp_path], languages=["de"]))
    assert [r.ok for r in results] == [True, False, True]
    failed = results[1]
    assert failed.article.path == str(tmp_path / "1.txt")
    assert stage in (failed.error or "") and "RuntimeError: stage bug on BOOM" in (failed.error or "")
    assert {e.name for e in results[2].entities} >= {"Angela Merkel", "Siemens"}


def test_a_pipeline_that_breaks_on_loading_fails_its_language_only(
    use_stand_in: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsgraph.pipeline as pipeline

    real = pipeline.load_pipeline

    def load(lang: str, **kwargs: object) -> Language:
        if lang == "en":
            raise ValueError("broken model files")
        return real(lang, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "load_pipeline", load)
    results = list(newsgraph.extract([Article(id="e", text="Kerry flew to Paris.", lang="en"),
                                      Article(id="d", text="Kerry flog nach Paris.", lang="de")]))
    assert results[0].error == "the 'en' pipeline failed to load: ValueError: broken model files"
    assert results[1].ok


def test_interrupts_are_not_turned_into_error_records(use_stand_in: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import newsgraph.pipeline as pipeline

    def interrupted(*args: object, **kwargs: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "detect_language", interrupted)
    with pytest.raises(KeyboardInterrupt):
        list(newsgraph.extract(["Kerry flog am Montag nach Paris."]))


# --- inputs that cannot be used stop the run before anything is read ---------------------------------


def test_a_missing_input_path_is_raised_on_the_call(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Kerry in Paris.", encoding="utf-8")
    with pytest.raises(InputPathError, match=r"seedz: no such file or folder; .*\*\.md: pattern matched no files"):
        newsgraph.extract([tmp_path / "good.txt", tmp_path / "seedz", tmp_path / "*.md"], lang="de")


def test_a_bad_languages_setting_is_raised_on_the_call() -> None:
    with pytest.raises(ConfigError, match="languages: 'xx' is not a language code"):
        newsgraph.extract(["Kerry in Paris."], languages=["de", "xx"])


def test_the_output_folder_is_not_read_and_is_reported(use_stand_in: Path, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Kerry flog nach Paris.", encoding="utf-8")
    out = tmp_path / "newsgraph-out"
    out.mkdir()
    (out / "articles.jsonl").write_text('{"text": "Ein Ergebnis, das wie ein Artikel aussieht."}\n', encoding="utf-8")
    stats = RunStats()
    results = list(newsgraph.extract([tmp_path], lang="de", out=out, stats=stats))
    assert [r.article.path for r in results] == [str(tmp_path / "a.txt")]
    assert [(s.path, s.reason) for s in stats.skipped_folders] == [(str(out), "the output folder of this run")]
    with pytest.raises(InputPathError, match="is a file newsgraph writes in the output folder of this run"):
        newsgraph.extract([out / "articles.jsonl"], lang="de", out=out)


def test_an_entity_named_only_in_the_headline_is_found(use_stand_in: Path, tmp_path: Path) -> None:
    """A plain-text file's heading line becomes the title; its names are analysed with the body's and merge."""
    (tmp_path / "a.txt").write_text("Kerry reist nach Genf\n\nKerry sprach am Montag in Paris.\n",
                                    encoding="utf-8")
    (result,) = newsgraph.extract([tmp_path / "a.txt"], lang="de")
    assert result.article.title == "Kerry reist nach Genf"
    names = {e.name: e for e in result.entities}
    assert "Genf" in names
    assert {m.part for m in names["Kerry"].mentions} == {"text", "title"}  # one entity for headline and body


def test_headline_spans_point_into_the_title_and_body_spans_stay_put(use_stand_in: Path) -> None:
    body = "In Berlin sagte Kerry am Montag nichts.\n\nKerry reist nach Paris."
    with_title = Article(id="a", text=body, title="Kerry in Genf", lang="de")
    (result,) = newsgraph.extract([with_title])
    (plain,) = newsgraph.extract([Article(id="b", text=body, lang="de")])
    title_mentions = [m for m in result.mentions if m.part == "title"]
    assert {(m.text, m.start, m.end, m.sentence) for m in title_mentions} == {("Kerry", 0, 5, 0), ("Genf", 9, 13, 0)}
    body_mentions = [m for m in result.mentions if m.part == "text"]
    assert [(m.text, m.start, m.end, m.sentence) for m in body_mentions] == [
        (m.text, m.start, m.end, m.sentence) for m in plain.mentions]
    for mention in result.mentions:
        assert result.article.part_text(mention.part)[mention.start:mention.end] == mention.text
    assert '"part"' not in plain.to_json()  # records of the body look as they always did
