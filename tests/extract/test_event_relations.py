"""Relations read from events: the PLOVER category of an event type decides the relation (opposes, supports)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from spacy.tokens import Doc

from conftest import names
from newsgraph.extraction import extract_events
from newsgraph.extraction.event_relations import event_relations
from newsgraph.extraction.lexicon import load_event_lexicon, load_relation_lexicon
from newsgraph.records import Event, EventArgument, Span

MakeDoc = Callable[..., Doc]


def _event(etype: str, modality: str = "asserted") -> Event:
    text = "Die Gewerkschaft kritisierte den Vorstand."
    return Event(
        id="ev-1", type=etype, trigger=Span(text="kritisierte", start=17, end=28, sentence=0), modality=modality,
        arguments=[EventArgument(role="agent", entity_id="a", text="Gewerkschaft", start=4, end=16),
                   EventArgument(role="target", entity_id="b", text="Vorstand", start=33, end=41)],
    )


def test_an_accusation_is_opposition_with_its_evidence() -> None:
    text = "Die Gewerkschaft kritisierte den Vorstand."
    found = event_relations([_event("accuse")], load_relation_lexicon(), load_event_lexicon().types, text=text)
    assert [(r.source, r.type, r.target, r.evidence.text, r.modality) for r in found] == [
        ("a", "opposes", "b", "Gewerkschaft kritisierte den Vorstand", "asserted")]


def test_aid_is_support_and_keeps_the_modality() -> None:
    found = event_relations([_event("aid", "intended")], load_relation_lexicon(), load_event_lexicon().types)
    assert [(r.type, r.modality) for r in found] == [("supports", "intended")]


def test_negated_and_unmapped_events_give_no_relation() -> None:
    types = load_event_lexicon().types
    assert event_relations([_event("accuse", "negated"), _event("meeting")], load_relation_lexicon(), types) == []


def test_a_town_attacked_is_no_opponent(make_doc: MakeDoc) -> None:
    doc = make_doc("Die Miliz griff Aleppo an und die Miliz warf der Regierung Lügen vor.",
                   ents=[("Miliz", "ORG"), ("Aleppo", "LOC"), ("Regierung", "ORG")],
                   verbs={"griff": "angreifen", "warf": "vorwerfen"})
    events = extract_events(doc)
    types = {entity.id: entity.type for entity in doc._.entities}
    found = event_relations(events, load_relation_lexicon(), load_event_lexicon().types, text=doc.text,
                            entity_types=types)
    n = names(doc)
    assert any(e.type == "attack" for e in events)  # the attack on the town is an event ...
    assert {(n[r.source], r.type, n[r.target]) for r in found} == {("Miliz", "opposes", "Regierung")}  # ... no opponent


@pytest.mark.parametrize("lang", ["en", "fr", "it"])
def test_every_language_reads_events_into_relations(lang: str) -> None:
    # the mapping names PLOVER categories, no words: a language's file need not repeat it
    assert load_relation_lexicon(lang=lang).event_relations == load_relation_lexicon().event_relations != {}
