"""Relation patterns on hand-built Docs: each family with a positive and a negative case."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from spacy.tokens import Doc

from conftest import names
from newsgraph.extraction import extract_relations
from newsgraph.resolve import role_links

MakeDoc = Callable[..., Doc]


def triples(doc: Doc) -> set[tuple[str, str, str]]:
    """(source name, type, target name) of every relation of ``doc``."""
    n = names(doc)
    return {(n[r.source], r.type, n[r.target]) for r in extract_relations(doc, links=role_links(doc))}


def test_apposition_role_with_prefix(make_doc: MakeDoc) -> None:
    doc = make_doc("US-Aussenminister John Kerry sprach in Paris.", ents=[("John Kerry", "PER"), ("Paris", "LOC")],
                   verbs={"sprach": "sprechen"})
    relations = extract_relations(doc, links=role_links(doc))
    assert [(r.type, r.attributes["role"]) for r in relations] == [("holds_role_in", "Aussenminister")]
    evidence = relations[0].evidence
    assert evidence.text == "US-Aussenminister John Kerry"
    assert doc.text[evidence.start : evidence.end] == evidence.text and evidence.sentence == 0


def test_colleague_takes_the_role_of_the_person_it_refers_to(make_doc: MakeDoc) -> None:
    doc = make_doc(
        "US-Aussenminister John Kerry und sein russischer Kollege Sergej Lawrow trafen sich.",
        ents=[("John Kerry", "PER"), ("Sergej Lawrow", "PER")], verbs={"trafen": "treffen"}, adj=["russischer"],
    )
    lawrow = next(r for r in extract_relations(doc, links=role_links(doc)) if names(doc)[r.source] == "Sergej Lawrow")
    assert (names(doc)[lawrow.target], lawrow.attributes["role"]) == ("Russland", "Aussenminister")
    assert lawrow.attributes["role_source"] == "colleague"


def test_state_role_without_affiliation_takes_the_state_of_the_sentence(make_doc: MakeDoc) -> None:
    doc = make_doc("In Syrien kämpft Machthaber Baschar al-Assad um die Macht.",
                   ents=[("Syrien", "LOC"), ("Baschar al-Assad", "PER")], verbs={"kämpft": "kämpfen"})
    relation = next(r for r in extract_relations(doc, links=role_links(doc)) if r.type == "holds_role_in")
    assert names(doc)[relation.target] == "Syrien"
    assert relation.attributes["affiliation_source"] == "context"


def test_role_without_any_state_gives_no_relation(make_doc: MakeDoc) -> None:
    doc = make_doc("Sprecher Peter Cook sagte nichts.", ents=[("Peter Cook", "PER")], verbs={"sagte": "sagen"})
    assert not [r for r in extract_relations(doc, links=role_links(doc)) if r.type == "holds_role_in"]


@pytest.mark.parametrize(
    ("text", "ents", "expected"),
    [
        ("Das Zentralkommando in Tampa (Florida) meldete Angriffe.",
         [("Zentralkommando", "ORG"), ("Tampa", "LOC"), ("Florida", "LOC")],
         {("Tampa", "located_in", "Florida"), ("Zentralkommando", "located_in", "Tampa")}),
        ("Der IS rückt in der nordsyrischen Stadt Kobane vor.", [("IS", "ORG"), ("Kobane", "LOC")],
         {("Kobane", "located_in", "Syrien")}),
        ("Deutschland liefert Waffen an die Kurden im Nordirak.",
         [("Deutschland", "LOC"), ("Kurden", "MISC"), ("Nordirak", "LOC")], {("Kurden", "located_in", "Nordirak")}),
    ],
)
def test_located_in(make_doc: MakeDoc, text: str, ents: list[tuple[str, str]], expected: set[tuple[str, str, str]]) -> None:
    doc = make_doc(text, ents=ents, verbs={"meldete": "melden", "rückt": "rücken", "liefert": "liefern"},
                   adj=["nordsyrischen"])
    found = {t for t in triples(doc) if t[1] == "located_in"}
    assert found == expected


@pytest.mark.parametrize(
    "text",
    [
        "Der Minister John Kerry sprach in Paris.",  # a person is not located_in where they speak
        "Die Luftangriffe gegen den IS in Syrien gehen weiter.",  # the target of an attack
        "Die Stadt Kobane liegt an der türkischen Grenze.",  # near a border is not in the state
    ],
)
def test_located_in_negatives(make_doc: MakeDoc, text: str) -> None:
    doc = make_doc(text, ents=[("John Kerry", "PER"), ("Paris", "LOC"), ("IS", "ORG"), ("Syrien", "LOC"),
                               ("Kobane", "LOC")],
                   verbs={"sprach": "sprechen", "gehen": "gehen", "liegt": "liegen"}, adj=["türkischen"])
    assert not [t for t in triples(doc) if t[1] == "located_in"]


def test_ally_of_copula_and_negative(make_doc: MakeDoc) -> None:
    doc = make_doc("Assad ist ein Verbündeter Russlands.", ents=[("Assad", "PER"), ("Russlands", "LOC")], aux=["ist"])
    assert triples(doc) == {("Assad", "ally_of", "Russland")}
    doc = make_doc("Assad ist ein Gast Russlands.", ents=[("Assad", "PER"), ("Russlands", "LOC")], aux=["ist"])
    assert not triples(doc)


def test_ally_of_apposition(make_doc: MakeDoc) -> None:
    doc = make_doc("Assad, ein enger Verbündeter Russlands, bleibt.", ents=[("Assad", "PER"), ("Russlands", "LOC")],
                   verbs={"bleibt": "bleiben"}, adj=["enger"])
    assert ("Assad", "ally_of", "Russland") in triples(doc)


def test_controls_with_genitive_objects_and_negative(make_doc: MakeDoc) -> None:
    doc = make_doc("Der IS hat rund ein Drittel des Irak und Syriens unter seine Kontrolle gebracht.",
                   ents=[("IS", "ORG"), ("Irak", "LOC"), ("Syriens", "LOC")], aux=["hat"], verbs={"gebracht": "bringen"})
    assert triples(doc) == {("IS", "controls", "Irak"), ("IS", "controls", "Syrien")}
    doc = make_doc("Der IS hat rund ein Drittel des Irak und Syriens verloren.",
                   ents=[("IS", "ORG"), ("Irak", "LOC"), ("Syriens", "LOC")], aux=["hat"], verbs={"verloren": "verlieren"})
    assert not triples(doc)


def test_supplies_from_a_relative_clause(make_doc: MakeDoc) -> None:
    doc = make_doc("Beteiligt ist Deutschland, das Waffen an die Kurden liefert.",
                   ents=[("Deutschland", "LOC"), ("Kurden", "MISC")], aux=["ist"], verbs={"liefert": "liefern"})
    relation = next(r for r in extract_relations(doc, links=role_links(doc)) if r.type == "supplies")
    assert (names(doc)[relation.source], names(doc)[relation.target]) == ("Deutschland", "Kurden")
    assert relation.attributes["item"] == "Waffen"
    assert relation.evidence.text == "Deutschland, das Waffen an die Kurden liefert"


def test_supplies_needs_a_supply_object(make_doc: MakeDoc) -> None:
    doc = make_doc("Deutschland liefert Nachrichten an die Kurden.", ents=[("Deutschland", "LOC"), ("Kurden", "MISC")],
                   verbs={"liefert": "liefern"})
    assert not [t for t in triples(doc) if t[1] == "supplies"]


def test_cooperation_of_coordinated_subjects_is_intended(make_doc: MakeDoc) -> None:
    doc = make_doc("Die USA und Russland wollen enger zusammenarbeiten.", ents=[("USA", "LOC"), ("Russland", "LOC")],
                   aux=["wollen"], verbs={"zusammenarbeiten": "zusammenarbeiten"})
    relations = extract_relations(doc, links=role_links(doc))
    assert [(names(doc)[r.source], r.type, names(doc)[r.target], r.modality) for r in relations] == [
        ("USA", "cooperates_with", "Russland", "intended")
    ]


def test_single_actor_does_not_cooperate_with_itself(make_doc: MakeDoc) -> None:
    doc = make_doc("Die USA wollen zusammenarbeiten.", ents=[("USA", "LOC")], aux=["wollen"],
                   verbs={"zusammenarbeiten": "zusammenarbeiten"})
    assert not triples(doc)


def test_fights_and_background_modality(make_doc: MakeDoc) -> None:
    doc = make_doc("Die USA wollen im Kampf gegen den IS enger zusammenarbeiten.", ents=[("USA", "LOC"), ("IS", "ORG")],
                   aux=["wollen"], verbs={"zusammenarbeiten": "zusammenarbeiten"})
    fights = [r for r in extract_relations(doc, links=role_links(doc)) if r.type == "fights"]
    assert [(names(doc)[r.source], names(doc)[r.target], r.modality) for r in fights] == [
        ("USA", "IS", "asserted")
    ]


def test_fight_noun_without_enemy_gives_nothing(make_doc: MakeDoc) -> None:
    doc = make_doc("Der Kampf der USA dauert an.", ents=[("USA", "LOC")], verbs={"dauert": "dauern"})
    assert not triples(doc)


def test_member_of_coalition_through_participation(make_doc: MakeDoc) -> None:
    text = ("Obama traf die internationale Koalition gegen den IS. Grossbritannien, Frankreich und Kanada "
            "beteiligen sich am Luftkrieg der USA gegen den IS.")
    doc = make_doc(text, ents=[("Obama", "PER"), ("internationale Koalition gegen den IS", "ORG"), ("IS", "ORG"),
                               ("Grossbritannien", "LOC"), ("Frankreich", "LOC"), ("Kanada", "LOC"), ("USA", "LOC")],
                   verbs={"traf": "treffen", "beteiligen": "beteiligen"})
    members = {t[0] for t in triples(doc) if t[1] == "member_of"}
    assert members == {"Grossbritannien", "Frankreich", "Kanada"}


def test_member_of_negative_without_coalition(make_doc: MakeDoc) -> None:
    doc = make_doc("Kanada beteiligt sich am Luftkrieg gegen den IS.", ents=[("Kanada", "LOC"), ("IS", "ORG")],
                   verbs={"beteiligt": "beteiligen"})
    assert not [t for t in triples(doc) if t[1] == "member_of"]


def test_part_of_from_a_prefix(make_doc: MakeDoc) -> None:
    doc = make_doc("Die USA greifen an. Das US-Zentralkommando meldete Angriffe.",
                   ents=[("USA", "LOC"), ("US-Zentralkommando", "ORG")], verbs={"meldete": "melden", "greifen": "greifen"})
    assert ("US-Zentralkommando", "part_of", "USA") in triples(doc)


def test_part_of_negative_for_a_non_state_prefix(make_doc: MakeDoc) -> None:
    doc = make_doc("Das Nato-Hauptquartier meldete Angriffe.", ents=[("Nato-Hauptquartier", "ORG")],
                   verbs={"meldete": "melden"})
    assert not triples(doc)


def test_supports_and_reported_modality(make_doc: MakeDoc) -> None:
    doc = make_doc("Die USA habe mit Unterstützung Saudi-Arabiens angegriffen, sagte Kerry.",
                   ents=[("USA", "LOC"), ("Saudi-Arabiens", "LOC"), ("Kerry", "PER")], aux=["habe"],
                   verbs={"angegriffen": "angreifen", "sagte": "sagen"})
    relation = next(r for r in extract_relations(doc, links=role_links(doc)) if r.type == "supports")
    assert (names(doc)[relation.source], names(doc)[relation.target]) == ("Saudi-Arabien", "USA")
    assert relation.modality == "reported" and names(doc)[relation.attributes["source"]] == "Kerry"


def test_relations_are_deduplicated(make_doc: MakeDoc) -> None:
    doc = make_doc("Tampa (Florida) ist warm. Tampa (Florida) ist schön.", ents=[("Tampa", "LOC"), ("Florida", "LOC")],
                   aux=["ist"])
    assert len(extract_relations(doc, links=role_links(doc))) == 1


def test_party_in_brackets(make_doc: MakeDoc) -> None:
    doc = make_doc("Da waren Josef Krainer und Waltraud Klasnic (beide ÖVP) und Franz Voves (SPÖ).",
                   ents=[("Josef Krainer", "PER"), ("Waltraud Klasnic", "PER"), ("ÖVP", "ORG"), ("Franz Voves", "PER"),
                         ("SPÖ", "ORG")], aux=["waren"])
    assert triples(doc) == {("Josef Krainer", "member_of", "ÖVP"), ("Waltraud Klasnic", "member_of", "ÖVP"),
                            ("Franz Voves", "member_of", "SPÖ")}


def test_bracketed_place_after_a_person_is_no_party(make_doc: MakeDoc) -> None:
    doc = make_doc("Es sprach Franz Voves (Graz).", ents=[("Franz Voves", "PER"), ("Graz", "LOC")],
                   verbs={"sprach": "sprechen"})
    assert not triples(doc)


@pytest.mark.parametrize(
    ("text", "ents", "expected"),
    [
        ("Russland liefert Gas. Der Tausch mit der russischen Gazprom ist heikel.",
         [("Russland", "LOC"), ("Gazprom", "ORG")], {("Gazprom", "located_in", "Russland")}),
        ("Österreich verkauft. Die OMV gehört der staatlichen österreichischen Holding Öbib.",
         [("Österreich", "LOC"), ("OMV", "ORG"), ("Öbib", "ORG")], {("Öbib", "part_of", "Österreich")}),
        ("Die OMV gehört der Holding Öbib.", [("OMV", "ORG"), ("Öbib", "ORG")], set()),
    ],
)
def test_organisations_of_a_state(make_doc: MakeDoc, text: str, ents: list[tuple[str, str]],
                                  expected: set[tuple[str, str, str]]) -> None:
    doc = make_doc(text, ents=ents, verbs={"liefert": "liefern", "verkauft": "verkaufen", "gehört": "gehören"},
                   aux=["ist"], adj=["russischen", "staatlichen", "österreichischen"])
    assert {t for t in triples(doc) if t[1] in ("located_in", "part_of")} == expected


def test_capital_noun_and_evidence_stays_in_its_sentence(make_doc: MakeDoc) -> None:
    doc = make_doc("Tunesien trauert. Der Anschlag traf das Museum in der Hauptstadt Tunis.",
                   ents=[("Tunesien", "LOC"), ("Tunis", "LOC")], verbs={"trauert": "trauern", "traf": "treffen"})
    [relation] = extract_relations(doc, links=role_links(doc))
    assert (names(doc)[relation.source], relation.type, names(doc)[relation.target]) == ("Tunis", "located_in", "Tunesien")
    assert relation.evidence.text == "Hauptstadt Tunis" and relation.evidence.sentence == 1


def test_state_that_speaks_about_a_person_is_not_their_state(make_doc: MakeDoc) -> None:
    doc = make_doc("Russland verlange, Präsident Baschar al-Assad müsse bleiben.",
                   ents=[("Russland", "LOC"), ("Baschar al-Assad", "PER")], verbs={"verlange": "verlangen",
                                                                                 "bleiben": "bleiben"}, aux=["müsse"])
    assert not [t for t in triples(doc) if t[1] == "holds_role_in"]


def test_a_state_in_a_later_persons_role_is_not_the_first_persons(make_doc: MakeDoc) -> None:
    doc = make_doc("Kanzler Werner Faymann (SPÖ) und seine deutsche Amtskollegin Angela Merkel trafen sich.",
                   ents=[("Werner Faymann", "PER"), ("SPÖ", "ORG"), ("Angela Merkel", "PER")],
                   verbs={"trafen": "treffen"}, adj=["deutsche"])
    roles = {(s, t) for s, kind, t in triples(doc) if kind == "holds_role_in"}
    assert ("Angela Merkel", "Deutschland") in roles
    assert ("Werner Faymann", "Deutschland") not in roles


def test_a_state_in_an_earlier_role_sets_the_scene(make_doc: MakeDoc) -> None:
    doc = make_doc("Der türkische Präsident Recep Erdogan hat Ministerpräsident Ahmet Davutoglu entlassen.",
                   ents=[("Recep Erdogan", "PER"), ("Ahmet Davutoglu", "PER")], verbs={"entlassen": "entlassen"},
                   aux=["hat"], adj=["türkische"])
    assert ("Ahmet Davutoglu", "holds_role_in", "Türkei") in triples(doc)


def test_an_area_without_a_government_is_no_affiliation(make_doc: MakeDoc) -> None:
    doc = make_doc("Kanzlerin Angela Merkel verteidigte ein offenes Europa.",
                   ents=[("Angela Merkel", "PER"), ("Europa", "LOC")], verbs={"verteidigte": "verteidigen"})
    assert not [t for t in triples(doc) if t[1] == "holds_role_in"]


@pytest.mark.parametrize(
    "text, ents, expected",
    [
        # the body's state is only implied: Austria is the state the article names most (Wien counts for it)
        ("Österreich spart. In Wien schließt das Innenministerium drei Stellen.",
         [("Österreich", "LOC"), ("Wien", "LOC"), ("Innenministerium", "ORG")],
         {("Innenministerium", "part_of", "Österreich")}),
        # the state named in the body's sentence is the evidence's
        ("Die ÖVP tagt. Das Innenministerium nannte Österreich sicher.",
         [("ÖVP", "ORG"), ("Österreich", "LOC"), ("Innenministerium", "ORG")],
         {("Innenministerium", "part_of", "Österreich")}),
    ],
)
def test_state_body_is_part_of_its_state(make_doc: MakeDoc, text: str, ents: list[tuple[str, str]],
                                         expected: set[tuple[str, str, str]]) -> None:
    doc = make_doc(text, ents=ents, verbs={"spart": "sparen", "schließt": "schließen", "tagt": "tagen",
                                           "nannte": "nennen"})
    assert {t for t in triples(doc) if t[1] == "part_of"} == expected



def test_member_by_copula_and_in(make_doc: MakeDoc) -> None:
    ents = [("Schweden", "LOC"), ("Finnland", "LOC"), ("EU", "ORG"), ("Nato", "ORG"), ("Kurz", "PER")]
    doc = make_doc("Schweden und Finnland sind in der EU und Nato. Kurz traf in der EU Kollegen.", ents=ents,
                   aux=["sind"], verbs={"traf": "treffen"})
    # a full verb ("traf in der EU") says where something happened, not who belongs
    assert {t for t in triples(doc) if t[1] == "member_of"} == {
        ("Schweden", "member_of", "EU"), ("Finnland", "member_of", "EU"),
        ("Schweden", "member_of", "NATO"), ("Finnland", "member_of", "NATO")}


def test_subsidiary_named_with_a_prefix(make_doc: MakeDoc) -> None:
    doc = make_doc("Der Volkswagen-Konzern wächst. Die Volkswagen-Tochter Audi meldete Gewinne.",
                   ents=[("Volkswagen-Konzern", "ORG"), ("Audi", "ORG")], verbs={"wächst": "wachsen", "meldete": "melden"})
    assert {t for t in triples(doc) if t[1] == "part_of"} == {("Audi", "part_of", "Volkswagen-Konzern")}
