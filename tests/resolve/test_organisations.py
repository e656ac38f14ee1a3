"""Organisations in the resolver: parties by country, state bodies with their state, aliases, nominative names.

The Docs are built by hand (a blank German pipeline, no NER): every name here is found by the gazetteer.
"""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from newsgraph.records import Entity
from newsgraph.resolve import resolve_entities
PART_OF = "part_of"  # the entity attribute the relations stage reads (newsgraph.resolve.states.PART_OF)


@pytest.fixture(scope="module")
def nlp() -> Language:
    """A blank German pipeline with a sentencizer (no trained model)."""
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    return nlp


def entities(nlp: Language, text: str, ents: list[tuple[str, str]] = ()) -> list[Entity]:  # type: ignore[assignment]
    doc = nlp(text)
    spans = []
    for surface, label in ents:
        start = text.index(surface)
        span = doc.char_span(start, start + len(surface), label)
        assert span is not None, f"{surface!r} does not fall on token boundaries"
        spans.append(span)
    doc.ents = spans
    return resolve_entities(doc)[1]


def by_name(found: list[Entity], name: str) -> Entity:
    matches = [e for e in found if e.name == name]
    assert len(matches) == 1, f"expected one entity {name!r}, got {[(e.name, e.id) for e in found]}"
    return matches[0]


@pytest.mark.parametrize(
    ("text", "party"),
    [
        ("In Wien beraten ÖVP und SPÖ. Die Grünen kritisieren die Regierung.", "ng:org:die-gruenen"),
        ("In Berlin beraten CDU und SPD. Die Grünen kritisieren die Regierung.", "ng:org:buendnis-90-die-gruenen"),
        ("In Bern wirbt die SVP. Die Grünen kritisieren die Regierung.", "ng:org:gruene-partei-der-schweiz"),
    ],
)
def test_party_name_shared_by_countries_follows_the_article(nlp: Language, text: str, party: str) -> None:
    greens = [e for e in entities(nlp, text) if "Grün" in e.name]
    assert [e.id for e in greens] == [party]


def test_party_named_in_full_elsewhere_in_the_article_wins(nlp: Language) -> None:
    text = "Bündnis 90/Die Grünen legen zu. In Wien sagt die ÖVP nichts. Die Grünen jubeln."
    greens = [e for e in entities(nlp, text) if "Grün" in e.name]
    assert [e.id for e in greens] == ["ng:org:buendnis-90-die-gruenen"]


def test_ministry_belongs_to_the_state_of_the_article(nlp: Language) -> None:
    found = entities(nlp, "Die ÖVP in Wien streitet. Das Innenministerium prüft den Fall.")
    ministry = by_name(found, "Innenministerium")
    assert ministry.type == "ORG"
    assert ministry.attributes == {PART_OF: "Q40"}  # Austria
    assert ministry.id == "ng:org:innenministerium-oesterreich"


def test_ministry_takes_the_state_its_adjective_names(nlp: Language) -> None:
    text = "In Wien sprach die ÖVP. Das russische Außenministerium protestierte. Das Außenministerium in Wien schwieg."
    ministries = sorted((e.attributes[PART_OF], [m.text for m in e.mentions])
                        for e in entities(nlp, text) if e.name == "Außenministerium")
    # Russia's is named by its adjective; the bare mention falls to the only state the adjectives name
    assert ministries == [("Q159", ["Außenministerium", "Außenministerium"])]


def test_inflected_state_body_is_found(nlp: Language) -> None:
    found = entities(nlp, "Die SPD in Berlin. Ein Sprecher des Innenministeriums sagte das.")
    ministry = by_name(found, "Innenministerium")
    assert ministry.attributes == {PART_OF: "Q183"}  # Germany
    assert [m.text for m in ministry.mentions] == ["Innenministeriums"]


@pytest.mark.parametrize(
    ("text", "name", "aliases"),
    [
        ("Die Deutsche Presse-Agentur meldet das. Laut dpa ist es wahr.", "Deutsche Presse-Agentur",
         ["Deutsche Presse-Agentur", "dpa"]),
        ("Die Vereinten Nationen tagen. Die UNO und die United Nations sind eins.", "Vereinte Nationen",
         ["UNO", "United Nations", "Vereinten Nationen"]),
        ("Der IWF warnt. Auch der IMF sieht Risiken.", "IWF", ["IMF", "IWF"]),
    ],
)
def test_aliases_name_one_organisation(nlp: Language, text: str, name: str, aliases: list[str]) -> None:
    found = [e for e in entities(nlp, text) if e.type == "ORG"]
    assert [(e.name, e.aliases) for e in found] == [(name, aliases)]


@pytest.mark.parametrize(
    ("text", "ents", "name"),
    [
        ("Der Chef der Deutschen Bank trat zurück.", [("Deutschen Bank", "ORG")], "Deutsche Bank"),
        ("Die EU verhängt Sanktionen. Die EU-Staaten stimmen zu.", [("EU", "ORG")], "EU"),
        ("Die ÖVP stimmt zu.", [], "ÖVP"),
    ],
)
def test_known_organisation_named_by_the_articles_nominative(
    nlp: Language, text: str, ents: list[tuple[str, str]], name: str
) -> None:
    assert [e.name for e in entities(nlp, text, ents) if e.type == "ORG"] == [name]


def test_ministry_with_a_double_remit_is_one_organisation(nlp: Language) -> None:
    found = entities(nlp, "Das Wissenschafts- und Wirtschaftsministerium prüft den Fall.")
    assert [(e.name, e.type) for e in found] == [("Wissenschafts- und Wirtschaftsministerium", "ORG")]


def test_party_is_named_by_its_acronym(nlp: Language) -> None:
    found = entities(nlp, "Die Freiheitlichen jubeln. FPÖ-Chef Strache sprach, die FPÖ legte zu.")
    assert [e.name for e in found if e.type == "ORG"] == ["FPÖ"]
