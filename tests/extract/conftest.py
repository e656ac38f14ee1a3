"""Hand-built Docs for the relation and event tests: no trained model, every annotation given or derived
from a few explicit rules, so each test states exactly what the components see."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from newsgraph.extraction.lexicon import load_cues
from newsgraph.nlp import loading
from newsgraph.nlp.extensions import register_extensions
from newsgraph.resolve import Resolution, resolve_doc

_DETERMINERS = {"der", "die", "das", "des", "dem", "den", "ein", "eine", "einen", "einem", "einer", "eines",
                "sein", "seine", "seinen", "kein", "keine", "keinen"}
_SENTENCE_END = {".", "!", "?"}


@pytest.fixture(autouse=True)
def _shipped_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests that run real pipelines use the shipped ones, whatever $NEWSGRAPH_MODELS says."""
    monkeypatch.delenv(loading.MODELS_ENV, raising=False)


@pytest.fixture(scope="session")
def nlp() -> Language:
    """A blank German pipeline (tokenizer only)."""
    return spacy.blank("de")


def build_doc(
    nlp: Language,
    text: str,
    *,
    ents: Sequence[tuple[str, str]] = (),
    verbs: Mapping[str, str] | None = None,
    aux: Sequence[str] = (),
    adj: Sequence[str] = (),
    morphs: Mapping[str, str] | None = None,
    deps: Mapping[int, tuple[int, str]] | None = None,
) -> Doc:
    """A Doc made with ``Doc(words=..., pos=..., lemmas=..., morphs=..., sent_starts=...)``.

    Args:
        nlp: Pipeline whose tokenizer splits the text.
        text: The text.
        ents: ``(surface, label)`` pairs; every occurrence of the surface becomes an entity span.
        verbs: Verb form → lemma (tagged VERB).
        aux: Auxiliary forms (tagged AUX, lemma = form).
        adj: Adjective forms (tagged ADJ).
        morphs: Token text → morphological features (``Mood=Sub``).
        deps: Token index → (head index, label); the Doc gets a parse only when given.
    """
    verbs = dict(verbs or {})
    morphs = dict(morphs or {})
    cues = load_cues()
    tokens = nlp.make_doc(text)
    words = [t.text for t in tokens]
    spaces = [bool(t.whitespace_) for t in tokens]
    pos, lemmas = [], []
    for i, word in enumerate(words):
        low = word.lower()
        if word in verbs:
            pos.append("VERB"), lemmas.append(verbs[word])
        elif word in aux:
            pos.append("AUX"), lemmas.append(low)
        elif word in adj:
            pos.append("ADJ"), lemmas.append(low)
        elif not any(c.isalnum() for c in word):
            pos.append("PUNCT"), lemmas.append(word)
        elif word.isdigit() or low in cues.number_words and low not in _DETERMINERS:
            pos.append("NUM"), lemmas.append(word)
        elif low in _DETERMINERS:
            pos.append("DET"), lemmas.append(low)
        elif low in cues.prepositions:
            pos.append("ADP"), lemmas.append(low)
        elif word[:1].isupper():
            pos.append("PROPN" if any(word in e for e, _ in ents) else "NOUN"), lemmas.append(word)
        else:
            pos.append("ADV"), lemmas.append(low)
    sent_starts = [i == 0 or words[i - 1] in _SENTENCE_END for i in range(len(words))]
    kwargs: dict[str, object] = {}
    if deps:
        kwargs["heads"] = [deps.get(i, (i, "dep"))[0] for i in range(len(words))]
        kwargs["deps"] = [deps.get(i, (i, "dep"))[1] for i in range(len(words))]
    else:
        kwargs["sent_starts"] = sent_starts
    doc = Doc(nlp.vocab, words=words, spaces=spaces, pos=pos, lemmas=lemmas,
              morphs=[morphs.get(w, "") for w in words], **kwargs)
    spans = []
    for surface, label in ents:
        start = 0
        while (found := text.find(surface, start)) >= 0:
            span = doc.char_span(found, found + len(surface), label=label)
            if span is not None and not any(s.start < span.end and span.start < s.end for s in spans):
                spans.append(span)
            start = found + len(surface)
    doc.ents = sorted(spans, key=lambda s: s.start)
    return doc


def resolve(doc: Doc) -> Resolution:
    """Run the resolver on ``doc`` and store its mentions and entities on the Doc."""
    register_extensions()
    resolution = resolve_doc(doc)
    doc._.mentions = resolution.mentions
    doc._.entities = resolution.entities
    return resolution


@pytest.fixture()
def make_doc(nlp: Language) -> Callable[..., Doc]:
    """``make_doc(text, ents=..., verbs=...)``: a hand-built, resolved Doc."""

    def _make(text: str, **kwargs: object) -> Doc:
        doc = build_doc(nlp, text, **kwargs)  # type: ignore[arg-type]
        resolve(doc)
        return doc

    return _make


def names(doc: Doc) -> dict[str, str]:
    """Entity id → canonical name."""
    return {entity.id: entity.name for entity in doc._.entities}
