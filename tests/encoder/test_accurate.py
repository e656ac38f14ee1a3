"""Accurate mode: the ``newsgraph_encoder_ner`` component, ``load_pipeline(accurate=True)`` and ``extract --accurate``.

The fine-tuned model is a tiny randomly initialised ``BertForTokenClassification`` over the BIO tags, built inside
the test with a local WordPiece vocabulary, and the spaCy pipeline is a small stand-in with a ``ner`` and a
``gazetteer_ruler``; so nothing is downloaded and the assertions are about the wiring (valid spans, batching,
determinism, which component runs, the errors), never about a random model's accuracy.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

transformers = pytest.importorskip("transformers")

import spacy  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

import newsgraph  # noqa: E402
from newsgraph.cli import app  # noqa: E402
from newsgraph.encoder.component import FACTORY_NAME  # noqa: E402
from newsgraph.encoder.tags import LABELS, TAGS  # noqa: E402
from newsgraph.errors import ModelError  # noqa: E402
from newsgraph.nlp.loading import accurate_model_dir, load_pipeline  # noqa: E402
from support import save_tiny_bert  # noqa: E402

TEXTS = [
    "Angela Merkel traf am Montag in Paris den Chef der Siemens AG. «Wir helfen», sagte sie in Bern.",
    "Olaf Scholz sprach in Berlin  mit der UNO.\n\nDer Euro steigt.",
    "   ",
    "",
]


def make_tagger(folder: Path, tags: tuple[str, ...] = TAGS) -> Path:
    """A tiny random BERT token classifier over ``tags``, saved with its tokenizer as finetune's ``best/``."""
    return save_tiny_bert(folder, tags=tags)


@pytest.fixture(scope="module")
def tagger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tagger(tmp_path_factory.mktemp("accurate") / "run" / "best")


@pytest.fixture(scope="module")
def models_with_ner(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models folder whose ``de_newsgraph`` has the shipped pipeline's NER layout: ``ner``, ``gazetteer_ruler``."""
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    ner = nlp.add_pipe("ner")
    for label in LABELS:
        ner.add_label(label)  # type: ignore[attr-defined]
    ruler = nlp.add_pipe("entity_ruler", name="gazetteer_ruler", config={"overwrite_ents": True})
    nlp.initialize()  # clears the ruler: its patterns go in after
    ruler.add_patterns([{"label": "LOC", "pattern": "Bern"}])  # type: ignore[attr-defined]
    nlp.meta["name"] = "standin"
    root = tmp_path_factory.mktemp("models")
    nlp.to_disk(root / "de_newsgraph")
    return root


@pytest.fixture()
def use_models_with_ner(models_with_ner: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("NEWSGRAPH_MODELS", str(models_with_ner))
    yield models_with_ner


def entities(doc: spacy.tokens.Doc) -> list[tuple[int, int, str]]:
    return [(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents]


def check_spans(doc: spacy.tokens.Doc) -> None:
    for ent in doc.ents:
        assert ent.label_ in LABELS
        assert 0 <= ent.start < ent.end <= len(doc)
        assert doc.text[ent.start_char : ent.end_char] == ent.text
        assert not ent[0].is_space and not ent[-1].is_space


def test_component_sets_valid_entities_single_and_batched(tagger: Path) -> None:
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe(FACTORY_NAME, config={"model_dir": str(tagger), "batch_size": 2})
    single = [nlp(text) for text in TEXTS]
    batched = list(nlp.pipe(TEXTS, batch_size=3))
    again = list(nlp.pipe(TEXTS))
    for doc in [*single, *batched]:
        check_spans(doc)
    assert [entities(d) for d in single] == [entities(d) for d in batched] == [entities(d) for d in again]
    # a random classifier over 9 tags marks something in the long texts, else this test checks nothing
    assert any(doc.ents for doc in single)


def test_component_cuts_words_past_max_length(tagger: Path) -> None:
    nlp = spacy.blank("de")
    nlp.add_pipe(FACTORY_NAME, config={"model_dir": str(tagger), "max_length": 8})
    doc = nlp(" ".join(["Angela Merkel traf Olaf Scholz in Berlin und Paris"] * 4))
    check_spans(doc)
    assert all(ent.end <= 6 for ent in doc.ents)  # 8 sub-words with [CLS]/[SEP]: at most 6 words tagged


def test_component_rejects_a_folder_without_the_bio_head(tmp_path: Path) -> None:
    folder = make_tagger(tmp_path / "plain", tags=("NEG", "POS"))
    with pytest.raises(ModelError, match="BIO tags"):
        spacy.blank("de").add_pipe(FACTORY_NAME, config={"model_dir": str(folder)})


def test_load_pipeline_accurate_replaces_ner(use_models_with_ner: Path, tagger: Path) -> None:
    nlp = load_pipeline("de", accurate=True, accurate_model=tagger.parent)  # the run folder finds best/
    assert FACTORY_NAME in nlp.pipe_names and "ner" not in nlp.pipe_names
    assert nlp.pipe_names.index(FACTORY_NAME) < nlp.pipe_names.index("gazetteer_ruler")
    assert load_pipeline("de", accurate=True, accurate_model=tagger) is nlp  # cached, same folder
    assert "ner" in load_pipeline("de", fast=True).pipe_names  # the cache keeps the two modes apart
    doc = nlp("Angela Merkel sagte in Bern etwas.")
    assert "Bern" in [ent.text for ent in doc.ents]  # the gazetteer still runs after the encoder


def test_accurate_model_dir_names_both_commands(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as error:
        accurate_model_dir(tmp_path / "nothing")
    message = str(error.value)
    assert "newsgraph models build-encoder" in message
    assert f"newsgraph models finetune-ner --out {tmp_path / 'nothing'}" in message


def test_default_accurate_model_is_under_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSGRAPH_CACHE", str(tmp_path))
    monkeypatch.setenv("NEWSGRAPH_MODELS", str(tmp_path / "models"))  # no shipped package there
    with pytest.raises(ModelError, match=f"--out {tmp_path / 'ner' / 'de-e5-small'}"):
        accurate_model_dir()
    make_tagger(tmp_path / "ner" / "de-e5-small" / "best")
    assert accurate_model_dir() == tmp_path / "ner" / "de-e5-small" / "best"


def test_extract_api_fails_fast_without_the_model(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="build-encoder"):
        newsgraph.extract(["Angela Merkel besuchte Paris."], lang="de", accurate=True, accurate_model=tmp_path)


def test_extract_cli_accurate(use_models_with_ner: Path, tagger: Path, tmp_path: Path) -> None:
    article = tmp_path / "artikel.txt"
    article.write_text(TEXTS[0], encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["extract", str(article), "--accurate", "--set", f"accurate_model={tagger}",
                                      "--lang", "de", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == 1 and records[0]["error"] is None
    assert records[0]["model"].endswith("+newsgraph_encoder_ner")
    text = records[0]["article"]["text"]
    for mention in records[0]["mentions"]:
        assert text[mention["start"] : mention["end"]] == mention["text"]


def test_extract_cli_accurate_without_the_model_exits_2(tmp_path: Path) -> None:
    article = tmp_path / "artikel.txt"
    article.write_text(TEXTS[0], encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["extract", str(article), "--accurate", "--set",
                                      f"accurate_model={tmp_path / 'missing'}", "-o", str(out), "-q"])
    assert result.exit_code == 2, result.output
    output = " ".join(result.output.split())  # rich wraps long lines
    assert "newsgraph models build-encoder" in output
    assert "newsgraph models finetune-ner --out" in output
    assert not (out / "articles.jsonl").exists()
