"""DocContext sharing: relations and events reuse one context per Doc, never a stale one."""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc

from newsgraph.extraction.context import doc_context
from newsgraph.extraction.lexicon import load_cues, load_event_lexicon, load_relation_lexicon

TEXT = "US-Aussenminister John Kerry traf in Paris seinen Kollegen."
ENTS = [("John Kerry", "PER"), ("Paris", "LOC")]


def test_relations_and_events_share_the_cues() -> None:
    assert load_relation_lexicon().cues is load_event_lexicon().cues is load_cues()


def test_context_is_reused_for_the_same_doc(make_doc: Callable[..., Doc]) -> None:
    doc = make_doc(TEXT, ents=ENTS)
    assert doc_context(doc, load_cues()) is doc_context(doc, load_cues())


def test_context_is_rebuilt_for_another_doc_or_new_mentions(make_doc: Callable[..., Doc]) -> None:
    doc = make_doc(TEXT, ents=ENTS)
    first = doc_context(doc, load_cues())
    other = make_doc(TEXT, ents=ENTS)
    assert doc_context(other, load_cues()).doc is other
    doc._.mentions = [m for m in doc._.mentions if m.text != "Paris"]
    rebuilt = doc_context(doc, load_cues())
    assert rebuilt is not first
    assert [r.entity_id for r in rebuilt.mentions] == [m.entity_id for m in doc._.mentions]
