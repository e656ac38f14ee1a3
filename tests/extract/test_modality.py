"""Modality of events: every value with a positive case, and cues that must not fire."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from spacy.tokens import Doc

from newsgraph.extraction import extract_events, load_cues
from newsgraph.extraction.context import DocContext
from newsgraph.extraction.modality import is_subjunctive_i

MakeDoc = Callable[..., Doc]
ENTS = [("USA", "LOC"), ("IS", "ORG"), ("Kerry", "PER"), ("Kobane", "LOC")]
VERBS = {"griffen": "greifen", "greifen": "greifen", "angreifen": "angreifen", "prüfen": "prüfen",
         "befürchtet": "befürchten", "einnehmen": "einnehmen", "sagte": "sagen", "planen": "planen",
         "erlaubt": "erlauben", "eingenommen": "einnehmen", "warnte": "warnen"}
AUX = ["wollen", "habe", "hat", "sollte", "würden", "wird"]


@pytest.mark.parametrize(
    ("text", "event_type", "expected"),
    [
        ("Die USA griffen den IS an.", "attack", "asserted"),
        ("Die USA griffen den IS nicht an.", "attack", "negated"),
        ("Die USA wollen den IS angreifen.", "attack", "intended"),
        ("Die USA planen, den IS anzugreifen.", "attack", "intended"),
        ("Die USA prüfen, den IS anzugreifen.", "attack", "considered"),
        ("Kerry warnte vor einem Angriff des IS.", "attack", "feared"),
        ("Es wird ein Angriff des IS befürchtet.", "attack", "feared"),
        ("Es wird befürchtet, sollte der IS Kobane einnehmen.", "seize_territory", "hypothetical"),
        ("Die USA würden den IS angreifen.", "attack", "hypothetical"),
        ("Die USA habe den IS angegriffen, sagte Kerry.", "attack", "reported"),
        ("Der IS hat Kobane eingenommen.", "seize_territory", "asserted"),
        ("Es gab keinen Angriff des IS.", "attack", "negated"),
    ],
)
def test_modality(make_doc: MakeDoc, text: str, event_type: str, expected: str) -> None:
    doc = make_doc(text, ents=ENTS, verbs=VERBS | {"angegriffen": "angreifen", "anzugreifen": "angreifen",
                                                   "gab": "geben"}, aux=AUX)
    events = [e for e in extract_events(doc) if e.type == event_type]
    assert [e.modality for e in events] == [expected]


def test_worried_about_is_not_feared(make_doc: MakeDoc) -> None:
    doc = make_doc("Kerry ist besorgt über den Vormarsch des IS.", ents=ENTS, aux=["ist"])
    assert [e.modality for e in extract_events(doc)] == ["asserted"]


def test_not_only_is_not_negation(make_doc: MakeDoc) -> None:
    doc = make_doc("Die USA griffen nicht nur den IS an.", ents=ENTS, verbs=VERBS)
    assert [e.modality for e in extract_events(doc)] == ["asserted"]


@pytest.mark.parametrize(
    ("word", "lemma", "morph", "expected"),
    [
        ("habe", "haben", "", True),
        ("seien", "sein", "", True),
        ("lote", "loten", "", True),  # stem + e, from the lemma
        ("beitrete", "beitreten", "", True),
        ("gebe", "geben", "Mood=Sub", True),
        ("sagte", "sagen", "", False),  # past tense, not Konjunktiv I
        ("arbeitete", "arbeiten", "", False),
        ("hätte", "haben", "Mood=Sub", False),  # Konjunktiv II
    ],
)
def test_subjunctive_i(make_doc: MakeDoc, word: str, lemma: str, morph: str, expected: bool) -> None:
    doc = make_doc(f"Kerry {word} gestern.", ents=ENTS, verbs={word: lemma}, morphs={word: morph} if morph else None)
    assert is_subjunctive_i(DocContext(doc, load_cues()), 1) is expected


def test_first_person_present_is_not_subjunctive(make_doc: MakeDoc) -> None:
    doc = make_doc("Ich sage gestern.", ents=[], verbs={"sage": "sagen"})
    assert not is_subjunctive_i(DocContext(doc, load_cues()), 1)
