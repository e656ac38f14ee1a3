"""The registered components: they run in a blank pipeline on hand-built Docs and in the shipped order."""

from __future__ import annotations

import spacy
from spacy.language import Language

import newsgraph.nlp.components  # noqa: F401  (registers the factories)
from conftest import build_doc, names
from newsgraph.nlp.loading import NEWSGRAPH_COMPONENTS


def pipeline() -> Language:
    nlp = spacy.blank("de")
    for name in NEWSGRAPH_COMPONENTS:
        nlp.add_pipe(name)
    return nlp


def test_components_follow_the_resolver() -> None:
    assert NEWSGRAPH_COMPONENTS.index("newsgraph_relations") > NEWSGRAPH_COMPONENTS.index("newsgraph_resolver")
    assert NEWSGRAPH_COMPONENTS.index("newsgraph_events") > NEWSGRAPH_COMPONENTS.index("newsgraph_relations")
    analysis = pipeline().analyze_pipes(pretty=False)
    assert analysis["problems"]["newsgraph_relations"] == [] and analysis["problems"]["newsgraph_events"] == []


def test_components_set_relations_and_events() -> None:
    nlp = pipeline()
    doc = build_doc(nlp, "US-Aussenminister John Kerry und sein russischer Kollege Sergej Lawrow trafen sich am Dienstag.",
                    ents=[("John Kerry", "PER"), ("Sergej Lawrow", "PER")], verbs={"trafen": "treffen"},
                    adj=["russischer"])
    doc.user_data["newsgraph_date"] = "2014-10-15"
    doc = nlp(doc)
    n = names(doc)
    assert {(n[r.source], r.type, n[r.target]) for r in doc._.relations} == {
        ("John Kerry", "holds_role_in", "USA"), ("Sergej Lawrow", "holds_role_in", "Russland"),
    }
    [meeting] = doc._.events
    assert meeting.type == "meeting" and meeting.date == "2014-10-14"
    participants = {n[a.entity_id] for a in meeting.arguments if a.role == "participant" and a.entity_id}
    assert participants == {"John Kerry", "Sergej Lawrow", "USA", "Russland"}


def test_components_without_entities_set_empty_lists() -> None:
    nlp = spacy.blank("de")
    nlp.add_pipe("newsgraph_relations")
    nlp.add_pipe("newsgraph_events")
    doc = nlp("Die USA griffen an.")
    assert doc._.relations == [] and doc._.events == []


def test_config_names_versioned_lexicons() -> None:
    config = pipeline().config
    assert config["components"]["newsgraph_events"]["lexicon"]["@misc"] == "newsgraph.EventLexicon.v1"
    assert config["components"]["newsgraph_relations"]["lexicon"]["@misc"] == "newsgraph.RelationLexicon.v1"
