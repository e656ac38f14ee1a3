"""The encoder syntax component: one well-formed tree per sentence, the pipeline's sentence starts kept."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
import spacy
from spacy.tokens import Doc

from newsgraph.encoder.syntax_component import EncoderSyntax
from newsgraph.encoder.syntax_heads import META_FILE, WEIGHTS_FILE, SyntaxHeads
from newsgraph.errors import ModelError
from support import is_tree, random_syntax_heads


class RandomFeaturizer:
    """Stands in for the encoder: random ``[layers, words, dim]`` features, remembering what it was asked."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.rng = np.random.default_rng(0)

    def encode_words(self, sentences: Sequence[Sequence[str]]) -> list[np.ndarray]:
        self.calls.extend(list(s) for s in sentences)
        return [self.rng.normal(size=(3, len(s), 7)).astype(np.float32) for s in sentences]


@pytest.fixture()
def heads_dir(tmp_path: Path) -> Path:
    params, meta = random_syntax_heads(lstm=4)
    np.savez(tmp_path / WEIGHTS_FILE, **{k: v.astype(np.float16) for k, v in params.items()})
    (tmp_path / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    return tmp_path


def _doc_with_sentences() -> Doc:
    nlp = spacy.blank("de")
    words = ["Merkel", "kam", ".", "\n\n", "Sie", "sprach", "lange", "in", "Berlin", ".", " ", "Gut", "."]
    starts = [True, False, False, False, True, False, False, False, False, False, False, True, False]
    return Doc(nlp.vocab, words=words, sent_starts=starts)


def sentence_heads(sent: object) -> list[int]:
    words = [t for t in sent if not t.is_space]  # type: ignore[attr-defined]
    position = {t.i: k + 1 for k, t in enumerate(words)}
    return [0 if t.head.i == t.i else position[t.head.i] for t in words]


def test_component_writes_one_tree_per_sentence_and_keeps_sentence_starts(heads_dir: Path) -> None:
    featurizer = RandomFeaturizer()
    component = EncoderSyntax(spacy.blank("de"), "syntax", heads_dir=str(heads_dir), model_dir="", batch_size=2,
                              featurizer=featurizer)
    doc = _doc_with_sentences()
    before = [t.is_sent_start for t in doc]
    component(doc)
    assert featurizer.calls == [["Merkel", "kam", "."], ["Sie", "sprach", "lange", "in", "Berlin", "."], ["Gut", "."]]
    assert [t.is_sent_start for t in doc] == before
    sents = list(doc.sents)
    assert len(sents) == 3
    for sent in sents:
        assert is_tree(sentence_heads(sent))
        assert all(t.head.i in range(sent.start, sent.end) for t in sent)
        assert sum(1 for t in sent if t.head.i == t.i) == 1
    words = [t for t in doc if not t.is_space]
    assert {t.tag_ for t in words} <= {"NN", "VVFIN", "$."} and all(t.tag_ for t in words)
    assert all(t.pos_ in {"NOUN", "VERB", "PUNCT"} for t in words)
    assert all(t.dep_ == "ROOT" for t in doc if t.head.i == t.i)
    assert all(t.dep_ == "dep" for t in doc if t.is_space)
    # an empty predicted analysis is the empty morphology ("_"), not a missing one: spaCy's scorer counts it
    assert all(t.morph.key != 0 for t in words)


def test_component_parses_a_doc_without_sentences_as_one_tree(heads_dir: Path) -> None:
    component = EncoderSyntax(spacy.blank("de"), "syntax", heads_dir=str(heads_dir), model_dir="", batch_size=2,
                              featurizer=RandomFeaturizer())
    docs = list(component.pipe([spacy.blank("de")("Das ist gut und das auch ."), spacy.blank("de")("")]))
    assert is_tree(sentence_heads(docs[0][:]))
    assert len(docs[1]) == 0


def test_heads_load_reports_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="cannot read the syntax heads"):
        SyntaxHeads.load(tmp_path / "nowhere")


def test_shipped_heads_load_and_parse() -> None:
    folder = Path(__file__).resolve().parents[2] / "models/de_e5_syntax"
    heads = SyntaxHeads.load(folder)
    assert heads.layers == list(range(13)) and heads.has_lstm
    pred = heads.predict(np.random.default_rng(0).normal(size=(13, 12, 384)).astype(np.float32))
    assert is_tree(pred.heads)
    assert sum(1 for d in pred.deps if d == "ROOT") == 1
