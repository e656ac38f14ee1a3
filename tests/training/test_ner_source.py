"""Rebuilding a listening NER from one with its own tok2vec, on a tiny NER trained inside the test."""

from __future__ import annotations

from pathlib import Path

import numpy
import pytest
import spacy
from spacy.language import Language
from spacy.training import Example

from newsgraph.training.ner_source import shared_ner_pipeline
from support import tiny_training_config

TEXTS = ["Angela Merkel besuchte Paris .", "Die UNO tagt in Genf .", "Merkel traf Macron in Berlin ."]
GOLD = [
    ["B-PER", "L-PER", "O", "U-LOC", "O"],
    ["O", "U-ORG", "O", "O", "U-LOC", "O"],
    ["U-PER", "O", "U-PER", "O", "U-LOC", "O"],
]


@pytest.fixture(scope="module")
def own_tok2vec_ner() -> Language:
    """ner.cfg at a tiny width, trained a little, then given its own tok2vec copy as assembly does."""
    nlp = spacy.util.load_model_from_config(tiny_training_config("ner.cfg"), auto_fill=True)
    examples = [Example.from_dict(nlp.make_doc(text), {"entities": tags}) for text, tags in zip(TEXTS, GOLD)]
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(30):
        nlp.update(examples, sgd=optimizer)
    nlp.replace_listeners("tok2vec", "ner", ["model.tok2vec"])
    return nlp


def _params(model) -> list[numpy.ndarray]:  # type: ignore[no-untyped-def]
    return [numpy.asarray(node.get_param(name)) for node in model.walk() for name in node.param_names]


def test_rebuilt_ner_listens_to_a_tok2vec_holding_its_weights(own_tok2vec_ner: Language) -> None:
    shared = shared_ner_pipeline(own_tok2vec_ner)
    assert shared.pipe_names == ["tok2vec", "ner"]
    assert shared.get_pipe("tok2vec").listening_components == ["ner"]  # type: ignore[attr-defined]
    layers = {node.name for node in shared.get_pipe("ner").model.walk()}  # type: ignore[attr-defined]
    assert "tok2vec-listener" in layers and "hashembed" not in layers
    assert shared.get_pipe("ner").labels == own_tok2vec_ner.get_pipe("ner").labels  # type: ignore[attr-defined]
    original = _params(own_tok2vec_ner.get_pipe("ner").model)  # type: ignore[attr-defined]
    rebuilt = _params(shared.get_pipe("tok2vec").model) + _params(shared.get_pipe("ner").model)  # type: ignore[attr-defined]
    assert sorted(a.tobytes() for a in original) == sorted(a.tobytes() for a in rebuilt)


def test_rebuilt_ner_predicts_exactly_what_the_original_did(own_tok2vec_ner: Language, tmp_path: Path) -> None:
    shared_ner_pipeline(own_tok2vec_ner).to_disk(tmp_path / "shared")
    shared = spacy.load(tmp_path / "shared")
    assert own_tok2vec_ner(TEXTS[0]).ents  # the tiny NER has learnt something to compare
    for text in TEXTS + ["Macron besuchte Genf .", "Paris und Berlin ."]:
        original = own_tok2vec_ner(text)
        rebuilt = shared(text)
        assert [(e.start, e.end, e.label_) for e in rebuilt.ents] == [(e.start, e.end, e.label_) for e in original.ents]
        assert [t.ent_iob_ for t in rebuilt] == [t.ent_iob_ for t in original]


def test_a_ner_that_already_listens_is_refused(own_tok2vec_ner: Language) -> None:
    with pytest.raises(ValueError, match="already listens"):
        shared_ner_pipeline(shared_ner_pipeline(own_tok2vec_ner))
