"""Event triggers, arguments, merging, ids and dates on hand-built Docs (positive and negative cases)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from spacy.tokens import Doc

from conftest import names
from newsgraph.extraction import event_id, extract_events
from newsgraph.records import Event

MakeDoc = Callable[..., Doc]


def roles(doc: Doc, event: Event) -> dict[str, set[str]]:
    """Role → names (or literal texts) of an event's arguments."""
    n = names(doc)
    found: dict[str, set[str]] = {}
    for arg in event.arguments:
        found.setdefault(arg.role, set()).add(n.get(arg.entity_id or "", arg.text))
    return found


def only(events: list[Event], event_type: str) -> Event:
    matching = [e for e in events if e.type == event_type]
    assert len(matching) == 1, [e.type for e in events]
    return matching[0]


def test_passive_airstrikes_continue_the_earlier_event(make_doc: MakeDoc) -> None:
    text = ("Zuvor hatten die USA mit Unterstützung Saudi-Arabiens Luftschläge gegen den IS ausgeführt. "
            "Am Montag und Dienstag wurden nahe der kurdischen Enklave Kobane 21 Angriffe geflogen.")
    doc = make_doc(text, ents=[("USA", "LOC"), ("Saudi-Arabiens", "LOC"), ("IS", "ORG"), ("Kobane", "LOC")],
                   aux=["hatten", "wurden"], verbs={"ausgeführt": "ausführen", "geflogen": "fliegen"},
                   adj=["kurdischen"])
    doc.user_data["newsgraph_date"] = "2014-10-15"
    events = extract_events(doc)
    strike = only(events, "airstrike")
    assert roles(doc, strike) == {
        "agent": {"USA"}, "participant": {"Saudi-Arabien"}, "target": {"IS"},
        "location": {"Kobane"}, "count": {"21"}, "time": {"Am Montag und Dienstag"},
    }
    assert strike.place is not None and names(doc)[strike.place] == "Kobane"
    assert (strike.time, strike.date, strike.modality) == ("Am Montag und Dienstag", "2014-10-13/2014-10-14", "asserted")


def test_noun_trigger_with_genitive_agent_and_location(make_doc: MakeDoc) -> None:
    doc = make_doc("Obama ist besorgt über den Vormarsch des IS in der nordsyrischen Stadt Kobane.",
                   ents=[("Obama", "PER"), ("IS", "ORG"), ("Kobane", "LOC")], aux=["ist"], adj=["nordsyrischen"])
    advance = only(extract_events(doc), "military_advance")
    assert roles(doc, advance) == {"agent": {"IS"}, "location": {"Kobane"}}
    assert advance.modality == "asserted"


def test_generic_trigger_without_participants_is_dropped(make_doc: MakeDoc) -> None:
    doc = make_doc("Vor Luftangriffen müsse man fragen.", ents=[], aux=["müsse"], verbs={"fragen": "fragen"})
    assert extract_events(doc) == []


def test_trigger_inside_a_name_is_ignored(make_doc: MakeDoc) -> None:
    doc = make_doc("Die Stiftung Treffen der Kulturen lädt ein.", ents=[("Stiftung Treffen der Kulturen", "ORG")],
                   verbs={"lädt": "laden"})
    assert extract_events(doc) == []


def test_meeting_participants_and_coreferent_definite_mention(make_doc: MakeDoc) -> None:
    text = ("US-Präsident Barack Obama sagte am Dienstag bei einem Treffen mit Militärchefs der Koalition gegen den IS, "
            "er sei besorgt. Das Treffen auf dem Militärstützpunkt Andrews wurde von Martin Dempsey geleitet.")
    doc = make_doc(text, ents=[("Barack Obama", "PER"), ("Koalition gegen den IS", "ORG"), ("IS", "ORG"),
                               ("Militärstützpunkt Andrews", "LOC"), ("Martin Dempsey", "PER")],
                   aux=["sei", "wurde"], verbs={"sagte": "sagen", "geleitet": "leiten"})
    meeting = only(extract_events(doc), "meeting")
    found = roles(doc, meeting)
    assert found["participant"] == {"Barack Obama", "Koalition gegen den IS", "Martin Dempsey"}
    assert found["location"] == {"Andrews"} and meeting.time == "am Dienstag"


def test_affiliations_join_symmetric_events(make_doc: MakeDoc) -> None:
    doc = make_doc("John Kerry und Sergej Lawrow verständigten sich am Dienstag. Die USA und Russland reden.",
                   ents=[("John Kerry", "PER"), ("Sergej Lawrow", "PER"), ("USA", "LOC"), ("Russland", "LOC")],
                   verbs={"verständigten": "verständigen", "reden": "reden"})
    ids = {name: entity_id for entity_id, name in names(doc).items()}
    plain = only(extract_events(doc), "agree_to_cooperate")
    assert roles(doc, plain)["participant"] == {"John Kerry", "Sergej Lawrow"}
    affiliations = {ids["John Kerry"]: [ids["USA"]], ids["Sergej Lawrow"]: [ids["Russland"]]}
    joined = only(extract_events(doc, affiliations=affiliations), "agree_to_cooperate")
    assert roles(doc, joined)["participant"] == {"John Kerry", "Sergej Lawrow", "USA", "Russland"}


def test_verb_trigger_conditions(make_doc: MakeDoc) -> None:
    doc = make_doc("Kerry verständigte die Presse.", ents=[("Kerry", "PER")], verbs={"verständigte": "verständigen"})
    assert extract_events(doc) == []  # "sich verständigen" only


@pytest.mark.parametrize(
    ("obj", "expected"),
    [("Waffen", ["arms_supply"]), ("Nachrichten", [])],
)
def test_supply_verb_is_typed_by_its_object(make_doc: MakeDoc, obj: str, expected: list[str]) -> None:
    doc = make_doc(f"Deutschland, das {obj} an die Kurden im Nordirak liefert, hilft.",
                   ents=[("Deutschland", "LOC"), ("Kurden", "MISC"), ("Nordirak", "LOC")],
                   verbs={"liefert": "liefern", "hilft": "helfen"})
    events = extract_events(doc)
    assert [e.type for e in events] == expected
    if expected:
        assert roles(doc, events[0]) == {"agent": {"Deutschland"}, "target": {"Kurden"}, "location": {"Nordirak"}}


def test_feared_massacre_takes_the_actor_of_its_condition(make_doc: MakeDoc) -> None:
    text = "Kobane wird von Kurden bewohnt. Es wird ein Massaker befürchtet, sollte der IS die Stadt einnehmen."
    doc = make_doc(text, ents=[("Kobane", "LOC"), ("Kurden", "MISC"), ("IS", "ORG")], aux=["wird"],
                   verbs={"bewohnt": "bewohnen", "befürchtet": "befürchten", "einnehmen": "einnehmen"})
    events = extract_events(doc)
    massacre = only(events, "massacre")
    assert massacre.modality == "feared"
    assert roles(doc, massacre) == {"agent": {"IS"}, "location": {"Kobane"}}
    seize = only(events, "seize_territory")
    assert seize.modality == "hypothetical" and roles(doc, seize)["target"] == {"Kobane"}


def test_infinitive_clause_takes_the_subject_of_its_governing_clause(make_doc: MakeDoc) -> None:
    doc = make_doc("Die russische Regierung lote Möglichkeiten aus, irakische Regierungstruppen zu bewaffnen und zu trainieren.",
                   ents=[], verbs={"lote": "loten", "bewaffnen": "bewaffnen", "trainieren": "trainieren"},
                   adj=["russische", "irakische"])
    event = only(extract_events(doc), "arm_and_train")
    assert roles(doc, event) == {"agent": {"Russland"}, "target": {"Irak"}}
    assert event.modality == "considered"


def test_killing_phrase_counts_and_inherits_the_situation_actor(make_doc: MakeDoc) -> None:
    doc = make_doc("Bei einem US-Luftangriff auf ein Lager in Libyen sind zwei Serben ums Leben gekommen.",
                   ents=[("Libyen", "LOC"), ("Serben", "MISC")], aux=["sind"], verbs={"gekommen": "kommen"})
    events = extract_events(doc)
    killing = only(events, "killing")
    found = roles(doc, killing)
    assert found["target"] == {"Serben"} and found["agent"] == {"USA"} and found["count"] == {"2"}


def test_event_ids_are_deterministic_and_unique() -> None:
    first = event_id("Text A", "airstrike", 3, 9)
    assert first == event_id("Text A", "airstrike", 3, 9)
    assert first != event_id("Text B", "airstrike", 3, 9) and first != event_id("Text A", "airstrike", 4, 9)
    assert first.startswith("ev-") and len(first) == 13


def test_dateline_anchors_relative_dates(make_doc: MakeDoc) -> None:
    doc = make_doc("Paris, 15. Oktober 2014 (sda) - Die USA griffen am Dienstag den IS an.",
                   ents=[("Paris", "LOC"), ("USA", "LOC"), ("IS", "ORG")], verbs={"griffen": "greifen"})
    event = only(extract_events(doc), "attack")
    assert (event.time, event.date) == ("am Dienstag", "2014-10-14")
    assert roles(doc, event)["agent"] == {"USA"}


def test_explicit_anchor_wins_and_unknown_date_stays_open(make_doc: MakeDoc) -> None:
    doc = make_doc("Die USA griffen gestern den IS an.", ents=[("USA", "LOC"), ("IS", "ORG")], verbs={"griffen": "greifen"})
    assert only(extract_events(doc), "attack").date is None
    assert only(extract_events(doc, anchor=date(2015, 2, 20)), "attack").date == "2015-02-19"


def test_pronoun_subject_and_object(make_doc: MakeDoc) -> None:
    doc = make_doc("Gerhard Kurzmann kandidiert. Man wähle ihn nicht.", ents=[("Gerhard Kurzmann", "PER")],
                   verbs={"kandidiert": "kandidieren", "wähle": "wählen"})
    vote = only(extract_events(doc), "vote_for")
    assert roles(doc, vote) == {"target": {"Gerhard Kurzmann"}} and vote.modality == "negated"
