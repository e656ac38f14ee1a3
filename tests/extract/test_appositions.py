"""Relations stated inside noun phrases: role nouns, appositions, copula, membership and origin phrases,
places in apposition and organisations of a state (hand-built Docs, one construction per test)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from spacy.tokens import Doc

from conftest import names
from newsgraph.extraction import extract_relations
from newsgraph.records import Relation
from newsgraph.resolve import role_links

MakeDoc = Callable[..., Doc]


def relations(doc: Doc) -> list[tuple[str, str, str, str]]:
    """(source name, type, target name, evidence text) of every relation of ``doc``."""
    n = names(doc)
    found: list[Relation] = extract_relations(doc, links=role_links(doc))
    return [(n[r.source], r.type, n[r.target], r.evidence.text) for r in found]


@pytest.mark.parametrize(
    ("text", "ents", "expected"),
    [
        # a party's leader named with the party as a hyphen prefix
        ("Die NEOS tagen. NEOS-Chefin Beate Meinl-Reisinger sprach.",
         [("NEOS", "ORG"), ("Beate Meinl-Reisinger", "PER")],
         ("Beate Meinl-Reisinger", "leads", "NEOS", "NEOS-Chefin Beate Meinl-Reisinger")),
        # a sport club's player
        ("Sturm gewann. Sturm-Verteidiger Gregory Wüthrich traf.",
         [("Sturm", "ORG"), ("Gregory Wüthrich", "PER")],
         ("Gregory Wüthrich", "member_of", "Sturm", "Sturm-Verteidiger Gregory Wüthrich")),
    ],
)
def test_role_noun_with_an_organisation_prefix(make_doc: MakeDoc, text: str, ents: list[tuple[str, str]],
                                               expected: tuple[str, str, str, str]) -> None:
    doc = make_doc(text, ents=ents, verbs={"tagen": "tagen", "sprach": "sprechen", "gewann": "gewinnen",
                                           "traf": "treffen"})
    assert expected in relations(doc)


def test_role_in_a_genitive_after_the_name(make_doc: MakeDoc) -> None:
    doc = make_doc("Gestern sagte Anna Berger, Sprecherin des Verkehrsministeriums, nichts.",
                   ents=[("Anna Berger", "PER"), ("Verkehrsministeriums", "ORG")], verbs={"sagte": "sagen"})
    assert relations(doc) == [("Anna Berger", "holds_role_in", "Verkehrsministerium",
                               "Anna Berger, Sprecherin des Verkehrsministeriums")]


def test_role_in_a_genitive_before_the_name(make_doc: MakeDoc) -> None:
    doc = make_doc("Der Chef der Voestalpine, Herbert Eibensteiner, warnte.",
                   ents=[("Voestalpine", "ORG"), ("Herbert Eibensteiner", "PER")], verbs={"warnte": "warnen"})
    assert ("Herbert Eibensteiner", "leads", "Voestalpine", "Chef der Voestalpine, Herbert Eibensteiner") \
        in relations(doc)


def test_role_in_a_prepositional_phrase(make_doc: MakeDoc) -> None:
    doc = make_doc("Der Trainer von Altach, Klaus Schmidt, lobte das Team.",
                   ents=[("Altach", "ORG"), ("Klaus Schmidt", "PER")], verbs={"lobte": "loben"})
    assert ("Klaus Schmidt", "holds_role_in", "Altach", "Trainer von Altach, Klaus Schmidt") in relations(doc)


def test_role_stated_by_a_copula(make_doc: MakeDoc) -> None:
    doc = make_doc("Maria Huber ist Vorsitzende der Arbeiterkammer. Eva Wolf ist Kundin der Arbeiterkammer.",
                   ents=[("Maria Huber", "PER"), ("Eva Wolf", "PER"), ("Arbeiterkammer", "ORG")], aux=["ist"])
    # a role noun says it; a customer holds no role
    assert relations(doc) == [("Maria Huber", "leads", "Arbeiterkammer", "Maria Huber ist Vorsitzende der Arbeiterkammer")]


@pytest.mark.parametrize("phrase", ["von der", "für die"])
def test_member_of_a_party_named_after_the_person(make_doc: MakeDoc, phrase: str) -> None:
    doc = make_doc(f"Es kandidiert Irmgard Griss {phrase} Liste Fritz.",
                   ents=[("Irmgard Griss", "PER"), ("Liste Fritz", "ORG")], verbs={"kandidiert": "kandidieren"})
    assert relations(doc) == [("Irmgard Griss", "member_of", "Liste Fritz", f"Irmgard Griss {phrase} Liste Fritz")]


def test_origin_after_the_name(make_doc: MakeDoc) -> None:
    doc = make_doc("Den Lauf gewann Lisa Hauser aus Kärnten.", ents=[("Lisa Hauser", "PER"), ("Kärnten", "LOC")],
                   verbs={"gewann": "gewinnen"})
    assert relations(doc) == [("Lisa Hauser", "originates_from", "Kärnten", "Lisa Hauser aus Kärnten")]


def test_origin_from_a_demonym_noun(make_doc: MakeDoc) -> None:
    doc = make_doc("In Kanada siegte der Norweger Henrik Kristoffersen vor Norwegen.",
                   ents=[("Kanada", "LOC"), ("Henrik Kristoffersen", "PER"), ("Norwegen", "LOC")],
                   verbs={"siegte": "siegen"})
    assert ("Henrik Kristoffersen", "originates_from", "Norwegen", "Norweger Henrik Kristoffersen") in relations(doc)


def test_origin_from_a_state_prefix_on_a_person_noun(make_doc: MakeDoc) -> None:
    doc = make_doc("Frankreich jubelt: der Frankreich-Schauspieler Jean Reno kommt.",
                   ents=[("Frankreich", "LOC"), ("Jean Reno", "PER")], verbs={"jubelt": "jubeln", "kommt": "kommen"})
    found = relations(doc)
    assert ("Jean Reno", "originates_from", "Frankreich", "Frankreich-Schauspieler Jean Reno") in found
    assert not [r for r in found if r[1] == "holds_role_in"]


def test_place_in_apposition_with_a_classifier_and_a_state(make_doc: MakeDoc) -> None:
    doc = make_doc("Das Spiel fand in Malmö, der drittgrößten Stadt Schwedens, statt.",
                   ents=[("Malmö", "LOC"), ("Schwedens", "LOC")], verbs={"fand": "finden"},
                   adj=["drittgrößten"])
    assert relations(doc) == [("Malmö", "located_in", "Schweden", "Malmö, der drittgrößten Stadt Schwedens")]


def test_place_after_a_state_prefixed_classifier(make_doc: MakeDoc) -> None:
    doc = make_doc("Die USA trauern. In der US-Küstenstadt Boston fiel Schnee.",
                   ents=[("USA", "LOC"), ("Boston", "LOC")], verbs={"trauern": "trauern", "fiel": "fallen"})
    assert ("Boston", "located_in", "USA", "US-Küstenstadt Boston") in relations(doc)


def test_organisation_named_after_a_place(make_doc: MakeDoc) -> None:
    doc = make_doc("Das Landesgericht Innsbruck urteilte. Innsbruck ist klein.",
                   ents=[("Landesgericht Innsbruck", "ORG"), ("Innsbruck", "LOC")], verbs={"urteilte": "urteilen"},
                   aux=["ist"])
    assert ("Landesgericht Innsbruck", "located_in", "Innsbruck", "Landesgericht Innsbruck") in relations(doc)


def test_ministry_with_a_state_adjective_is_part_of_the_state(make_doc: MakeDoc) -> None:
    doc = make_doc("Schweden plant. Das schwedische Gesundheitsministerium widersprach.",
                   ents=[("Schweden", "LOC"), ("Gesundheitsministerium", "ORG")],
                   verbs={"plant": "planen", "widersprach": "widersprechen"}, adj=["schwedische"])
    assert ("Gesundheitsministerium", "part_of", "Schweden", "schwedische Gesundheitsministerium") in relations(doc)


def test_critic_in_apposition_opposes(make_doc: MakeDoc) -> None:
    doc = make_doc("Peter Pilz, ein Kritiker der Regierungspartei ÖVP, klagte.",
                   ents=[("Peter Pilz", "PER"), ("ÖVP", "ORG")], verbs={"klagte": "klagen"})
    assert [r[:3] for r in relations(doc)] == [("Peter Pilz", "opposes", "ÖVP")]


def test_state_adjective_role_with_a_place_before_the_name(make_doc: MakeDoc) -> None:
    doc = make_doc("Der ungarische Botschafter in Wien, Andor Nagy, sprach.",
                   ents=[("Wien", "LOC"), ("Andor Nagy", "PER")], verbs={"sprach": "sprechen"}, adj=["ungarische"])
    # the resolver only links a role right before the name; the place and the comma stand between them here
    found = [r for r in relations(doc) if r[0] == "Andor Nagy"]
    assert found == [("Andor Nagy", "holds_role_in", "Ungarn", "ungarische Botschafter in Wien, Andor Nagy")]


def test_role_in_a_dash_apposition(make_doc: MakeDoc) -> None:
    doc = make_doc("Karl Popper – damals Ehrenpräsident des Alpenvereins – schrieb.",
                   ents=[("Karl Popper", "PER"), ("Alpenvereins", "ORG")], verbs={"schrieb": "schreiben"})
    assert [r[:3] for r in relations(doc)] == [("Karl Popper", "holds_role_in", "Alpenverein")]


def test_group_noun_before_a_name(make_doc: MakeDoc) -> None:
    doc = make_doc("Die Schiiten protestieren, der Schiit Ali Hamdan floh.",
                   ents=[("Schiiten", "NORP"), ("Schiit", "NORP"), ("Ali Hamdan", "PER")],
                   verbs={"protestieren": "protestieren", "floh": "fliehen"})
    assert [r[:3] for r in relations(doc)] == [("Ali Hamdan", "member_of", "Schiiten")]


def test_party_role_without_a_party_takes_the_one_party_of_the_sentence(make_doc: MakeDoc) -> None:
    doc = make_doc("Die NEOS danken Klubobfrau Beate Meinl-Reisinger. Die NEOS und die SPÖ loben Klubobfrau Eva Wolf.",
                   ents=[("NEOS", "ORG"), ("SPÖ", "ORG"), ("Beate Meinl-Reisinger", "PER"), ("Eva Wolf", "PER")],
                   verbs={"danken": "danken", "loben": "loben"})
    # with two parties in the sentence the role stays without one
    assert [r[:3] for r in relations(doc)] == [("Beate Meinl-Reisinger", "leads", "NEOS")]


def test_state_role_takes_the_one_state_of_the_sentences_before(make_doc: MakeDoc) -> None:
    doc = make_doc("Schweden baut Straßen. Das kündigte Verkehrsminister Andreas Carlson an.",
                   ents=[("Schweden", "LOC"), ("Andreas Carlson", "PER")], verbs={"baut": "bauen", "kündigte": "ankündigen"})
    relation = next(r for r in extract_relations(doc, links=role_links(doc)) if r.type == "holds_role_in")
    assert (names(doc)[relation.target], relation.attributes["affiliation_source"]) == ("Schweden", "context")


def test_organisation_in_brackets_after_a_person_is_their_club_or_party(make_doc: MakeDoc) -> None:
    doc = make_doc("Das Tor schoss Deni Alar (Rapid) kurz vor der Pause.",
                   ents=[("Deni Alar", "PER"), ("Rapid", "ORG")], verbs={"schoss": "schießen"})
    assert ("Deni Alar", "member_of", "Rapid", "Deni Alar (Rapid") in relations(doc)


def test_place_comma_state(make_doc: MakeDoc) -> None:
    ents = [("Linz", "LOC"), ("Österreich", "LOC"), ("Italien", "LOC")]
    verbs = {"findet": "finden", "reisten": "reisen"}
    doc = make_doc("Die Messe findet in Linz, Österreich statt.", ents=ents, verbs=verbs)
    assert relations(doc) == [("Linz", "located_in", "Österreich", "Linz, Österreich")]
    # a list of places is no place in its state
    assert relations(make_doc("Sie reisten nach Linz, Österreich und Italien.", ents=ents, verbs=verbs)) == []


def test_english_lowercase_role_noun_in_apposition() -> None:
    import spacy
    from spacy.tokens import Doc as SpacyDoc

    from conftest import resolve
    from newsgraph.extraction.lexicon import load_relation_lexicon

    words = ["Fuad", "Basya", ",", "spokesman", "for", "the", "Indonesian", "Navy", ",", "said", "it", "."]
    pos = ["PROPN", "PROPN", "PUNCT", "NOUN", "ADP", "DET", "PROPN", "PROPN", "PUNCT", "VERB", "PRON", "PUNCT"]
    doc = SpacyDoc(spacy.blank("en").vocab, words=words, pos=pos, lemmas=[w.lower() for w in words],
                   sent_starts=[i == 0 for i in range(len(words))])
    doc.ents = [doc.char_span(0, 10, "PER"), doc.char_span(doc[6].idx, doc[7].idx + 4, "ORG")]
    resolve(doc)
    n = names(doc)
    found = extract_relations(doc, load_relation_lexicon("v2", "en"), links=role_links(doc))
    assert [(n[r.source], r.type, n[r.target]) for r in found] == [("Fuad Basya", "holds_role_in", "Indonesian Navy")]


def test_party_noun_before_a_name_is_membership(make_doc: MakeDoc) -> None:
    doc = make_doc("Die FPÖ jubelt. In der Stichwahl trifft der Freiheitliche Norbert Hofer auf Irmgard Griss.",
                   ents=[("FPÖ", "ORG"), ("Norbert Hofer", "PER"), ("Irmgard Griss", "PER")],
                   verbs={"jubelt": "jubeln", "trifft": "treffen"})
    assert [r[:3] for r in relations(doc) if r[1] == "member_of"] == [
        ("Norbert Hofer", "member_of", "FPÖ")]
