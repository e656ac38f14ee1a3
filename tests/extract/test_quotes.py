"""Quotes and reported speech: speakers, statements and the reported modality (positive and negative cases)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from conftest import build_doc, names, resolve
from newsgraph.extraction import extract_events, load_cues
from newsgraph.extraction.context import DocContext
from newsgraph.extraction.quotes import find_quotes
from newsgraph.records import Event

MakeDoc = Callable[..., Doc]
ENTS = [("John Kerry", "PER"), ("Kerry", "PER"), ("Ankara", "LOC"), ("Barack Obama", "PER"), ("IS", "ORG"),
        ("USA", "LOC")]
VERBS = {"sagte": "sagen", "fügte": "fügen", "erkennen": "erkennen", "erlaubt": "erlauben", "sprach": "sprechen",
         "kämpfen": "kämpfen", "dauern": "dauern", "nutzen": "nutzen", "besiegen": "besiegen"}
AUX = ["habe", "werde", "kann"]


def statements(doc: Doc) -> list[tuple[str, str, str | None]]:
    n = names(doc)
    found = []
    for event in extract_events(doc):
        if event.type == "statement":
            speaker = next(a.entity_id for a in event.arguments if a.role == "speaker")
            found.append((n[speaker or ""], event.modality, event.quote))
    return found


@pytest.mark.parametrize(
    "text",
    [
        "John Kerry sprach. «Wir beide erkennen die Notwendigkeit», fügte Kerry hinzu.",
        "John Kerry sprach. „Wir beide erkennen die Notwendigkeit“, sagte er.",
        "John Kerry sprach. Kerry: «Wir beide erkennen die Notwendigkeit».",
        'John Kerry sprach. "Wir beide erkennen die Notwendigkeit", so Kerry.',
    ],
)
def test_direct_quote_speakers(make_doc: MakeDoc, text: str) -> None:
    doc = make_doc(text, ents=ENTS, verbs=VERBS, aux=AUX)
    assert statements(doc) == [("John Kerry", "asserted", "Wir beide erkennen die Notwendigkeit")]


def test_quote_without_speaker_is_no_statement(make_doc: MakeDoc) -> None:
    doc = make_doc("«Wir beide erkennen die Notwendigkeit», hiess es.", ents=ENTS, verbs=VERBS | {"hiess": "heissen"})
    assert statements(doc) == []


def test_short_runs_in_quote_marks_are_not_quotes(make_doc: MakeDoc) -> None:
    doc = make_doc("Es gebe «keinerlei Unstimmigkeiten» mit der Regierung.", ents=[], verbs={"gebe": "geben"})
    assert find_quotes(DocContext(doc, load_cues())) == []


def test_reported_speech_before_the_speech_verb(make_doc: MakeDoc) -> None:
    doc = make_doc("Ankara habe «mit Sicherheit die Nutzung bestimmter Einrichtungen erlaubt», sagte Kerry.",
                   ents=ENTS, verbs=VERBS, aux=AUX)
    events = extract_events(doc)
    permission = next(e for e in events if e.type == "permission")
    assert permission.modality == "reported"
    # The resolver reads "Ankara habe ... erlaubt" as the capital speaking for its state.
    assert {(a.role, names(doc)[a.entity_id or ""]) for a in permission.arguments} == {("agent", "Türkei"),
                                                                                      ("source", "Kerry")}
    statement = next(e for e in events if e.type == "statement")
    assert statement.modality == "asserted"  # the article states that Kerry said it (ANNOTATION.md); its content is reported
    assert statement.quote == "mit Sicherheit die Nutzung bestimmter Einrichtungen erlaubt"


def test_reported_speech_after_the_speech_verb_needs_subjunctive(make_doc: MakeDoc) -> None:
    doc = make_doc("Barack Obama sagte am Dienstag, der Kampf gegen den IS werde lange dauern.",
                   ents=ENTS, verbs=VERBS, aux=AUX)
    assert statements(doc) == [("Barack Obama", "asserted", None)]
    doc = make_doc("Barack Obama sagte am Dienstag nichts, die USA kämpfen weiter.", ents=ENTS, verbs=VERBS, aux=AUX)
    assert statements(doc) == []


def test_nach_den_worten_marks_reported_with_source(make_doc: MakeDoc) -> None:
    doc = make_doc("John Kerry sprach. Nach den Worten des Kerry kann die USA den IS angreifen.",
                   ents=ENTS, verbs=VERBS | {"angreifen": "angreifen"}, aux=AUX)
    attack = next(e for e in extract_events(doc) if e.type == "attack")
    assert attack.modality == "reported"
    assert any(a.role == "source" and names(doc)[a.entity_id or ""] == "John Kerry" for a in attack.arguments)


def test_events_inside_a_direct_quote_are_reported_by_the_speaker(make_doc: MakeDoc) -> None:
    doc = make_doc("«Die USA greifen den IS heute an», sagte Kerry.", ents=ENTS, verbs=VERBS | {"greifen": "greifen"})
    attack: Event = next(e for e in extract_events(doc) if e.type == "attack")
    assert attack.modality == "reported"
    assert {a.role for a in attack.arguments} >= {"agent", "target", "source"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # quote marks stripped (as in 10kGNAD): a name, a colon, then the words, in one clause
        ("John Kerry sprach. Kerry: Wir beide erkennen die Notwendigkeit.",
         [("John Kerry", "asserted", "Wir beide erkennen die Notwendigkeit")]),
        # a one-word answer after a name and colon is no statement
        ("John Kerry sprach. Kerry: Definitiv.", []),
    ],
)
def test_name_colon_without_quote_marks(make_doc: MakeDoc, text: str,
                                        expected: list[tuple[str, str, str | None]]) -> None:
    doc = make_doc(text, ents=ENTS, verbs=VERBS, aux=AUX)
    assert statements(doc) == expected


@pytest.mark.parametrize("parser_splits_at_colon", [False, True])
def test_words_after_speech_verb_and_colon_are_the_statement(nlp: Language, parser_splits_at_colon: bool) -> None:
    doc = build_doc(nlp, "John Kerry erklärte: Wir beide erkennen die Notwendigkeit.", ents=ENTS,
                    verbs=VERBS | {"erklärte": "erklären"}, aux=AUX)
    if parser_splits_at_colon:  # as a trained parser sometimes does; a colon does not end a German sentence
        doc[4].is_sent_start = True
    resolve(doc)
    assert len(list(doc.sents)) == (2 if parser_splits_at_colon else 1)
    assert statements(doc) == [("John Kerry", "asserted", "Wir beide erkennen die Notwendigkeit.")]


@pytest.mark.parametrize(
    ("tail", "speakers"),
    [(" mit Blick auf den Konzern.", ["John Kerry"]), (", der lange schwieg.", ["John Kerry"]),
     (" und Obama sagte nichts.", [])],
)
def test_so_attribution_may_end_in_a_verbless_phrase(make_doc: MakeDoc, tail: str, speakers: list[str]) -> None:
    doc = make_doc("John Kerry sprach. Wir beide erkennen die Notwendigkeit, so Kerry" + tail,
                   ents=ENTS, verbs=VERBS | {"schwieg": "schweigen"}, aux=AUX)
    assert [speaker for speaker, _, _ in statements(doc)] == speakers
