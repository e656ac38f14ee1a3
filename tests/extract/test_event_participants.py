"""Participants of events with the real pipelines (sentences written for these tests): the agent of an English
or French passive (``by``/``par``) and the subject of a German light verb that holds a noun trigger
(``die Bestzeit aufstellen``, ``eine Umfrage veröffentlichen``)."""

from __future__ import annotations

import pytest

import newsgraph
from newsgraph.records import Article

from support import needs_pipelines


def roles(lang: str, text: str, trigger: str, *, fast: bool = False) -> set[tuple[str, str]]:
    """(role, entity name) pairs of the event whose trigger is ``trigger``."""
    (result,) = newsgraph.extract([Article(id="t", text=text, lang=lang)], fast=fast)
    names = {entity.id: entity.name for entity in result.entities}
    (event,) = [e for e in result.events if e.trigger.text == trigger]
    return {(a.role, names[a.entity_id]) for a in event.arguments if a.entity_id in names}


@pytest.mark.multilingual
@needs_pipelines
@pytest.mark.parametrize(
    ("lang", "text", "trigger", "agent"),
    [
        ("en", "The company was bought by Oracle in 2010.", "bought", "Oracle"),
        # (a name both NERs find whole: the encoder NER, French's default, tags "Fatah" of "Fatah-CR" only)
        ("fr", "Les deux fillettes ont été enlevées par Boko Haram.", "enlevées", "Boko Haram"),
        ("fr", "Les actions seront vendues par la Federal Deposit Insurance Corporation.", "vendues",
         "Federal Deposit Insurance Corporation"),
    ],
)
def test_passive_agent(lang: str, text: str, trigger: str, agent: str) -> None:
    assert ("agent", agent) in roles(lang, text, trigger)


@pytest.mark.parametrize(
    ("text", "trigger", "agent"),
    [
        ("Der Australier Daniel Ricciardo hat am Donnerstag die Tagesbestzeit aufgestellt.", "Tagesbestzeit",
         "Daniel Ricciardo"),
        ("Der Verband Bitkom hat am Montag eine Umfrage veröffentlicht.", "Umfrage", "Bitkom"),
    ],
)
@pytest.mark.parametrize("fast", [True, False])  # the CNN parse and the encoder pipeline's UD parse
def test_light_verb_subject(text: str, trigger: str, agent: str, fast: bool) -> None:
    # the name, whether or not the NER's span takes in the noun before it (``Verband Bitkom`` / ``Bitkom``)
    assert any(role == "agent" and name.endswith(agent) for role, name in roles("de", text, trigger, fast=fast))


def test_a_demonym_noun_before_a_name_is_not_the_subject_itself() -> None:
    # UD parse: ``Australier`` is the subject and the name its apposition; the name is who set the record
    found = roles("de", "Der Australier Daniel Ricciardo hat am Donnerstag die Tagesbestzeit aufgestellt.",
                  "Tagesbestzeit")
    assert ("agent", "Daniel Ricciardo") in found and ("agent", "Australier") not in found
    # a demonym subject without a name after it stays the agent
    assert ("agent", "Franzosen") in roles("de", "Die Franzosen haben am Montag eine Umfrage veröffentlicht.",
                                           "Umfrage")


@pytest.mark.parametrize(
    "text",
    [
        # a doubled space between the speech verb and the role noun
        "Außenminister Sebastian Kurz schließt die Botschaft in Riga. Die Botschaft sei zu teuer, erklärte  der Minister.",
        # the minister's name four sentences back
        "Außenminister Sebastian Kurz schließt die Botschaft in Riga. Das Haus wird verkauft. Das Personal wechselt "
        "nach Wien. Die Mieten sind hoch. Die Botschaft sei zu teuer, sagte der Minister.",
    ],
)
def test_role_noun_speaker(text: str) -> None:
    (result,) = newsgraph.extract([Article(id="t", text=text, lang="de")])
    names = {entity.id: entity.name for entity in result.entities}
    (statement,) = [e for e in result.events if e.type == "statement"]
    assert ("speaker", "Sebastian Kurz") in {(a.role, names.get(a.entity_id or "")) for a in statement.arguments}


@pytest.mark.multilingual
@needs_pipelines
@pytest.mark.parametrize(
    ("text", "trigger", "expected"),
    [
        ("The arrest of Ahmed al-Asir shocked Lebanon.", "arrest", ("target", "Ahmed al-Asir")),
        ("The takeover of Activision by Microsoft was approved.", "takeover", ("target", "Activision")),
    ],
)
def test_english_of_after_a_noun_trigger(text: str, trigger: str, expected: tuple[str, str]) -> None:
    assert expected in roles("en", text, trigger)


def test_office_noun_subject_refers_to_the_person_named() -> None:
    text = "Außenminister Sebastian Kurz war in Riga. Der Minister schließt die Botschaft in Riga."
    assert ("agent", "Sebastian Kurz") in roles("de", text, "schließt")



@pytest.mark.parametrize(
    ("text", "trigger", "expected"),
    [
        # the subject is a common noun with the name as its apposition; the owner of the rejected object is the target
        ("Die Firma Siemens wies die Vorwürfe von Greenpeace zurück.", "wies",
         {("agent", "Siemens"), ("target", "Greenpeace")}),
        # a "mit" PP of the praised object is no party to the praise
        ("Die SPÖ lobte die Verhandlungen mit der ÖVP.", "lobte", {("agent", "SPÖ")}),
    ],
)
def test_subject_apposition_and_object_attributes(text: str, trigger: str, expected: set[tuple[str, str]]) -> None:
    assert roles("de", text, trigger) == expected


def test_surname_speaker_and_active_subject_with_a_passive_label() -> None:
    """``sagt Gruberbauer`` after ``Staatssekretär Gruberbauer``: the recurring surname is the speaker; the
    office's subject stays the agent even where the parse labels it a passive subject."""
    text = "Staatssekretär Gruberbauer schlägt eine neue Lösung vor. Das sei zu teuer, sagt Gruberbauer."
    assert ("agent", "Gruberbauer") in roles("de", text, "schlägt")
    assert roles("de", text, "sagt") == {("speaker", "Gruberbauer")}


def test_a_second_subject_label_is_the_object() -> None:
    """The parse labels ``die ÖVP`` a second subject of ``kritisierte``: it is the criticised party."""
    text = "SPÖ-Chef Andreas Babler kritisierte die ÖVP scharf."
    assert roles("de", text, "kritisierte") == {("agent", "Andreas Babler"), ("target", "ÖVP")}


def test_a_speech_verb_that_names_an_event_adds_no_statement() -> None:
    """``kritisierte, dass ...`` is a criticism with what was said as its content, not also a statement."""
    (result,) = newsgraph.extract([Article(id="t", text="Die SPÖ kritisierte, dass die ÖVP die Reform blockiere.",
                                           lang="de")])
    assert [e.type for e in result.events] == ["criticism"]
    (criticism,) = result.events
    assert [a.text for a in criticism.arguments if a.role == "content"] == ["dass die ÖVP die Reform blockiere"]


def test_speaking_out_against_is_a_rejection_of_the_owner_of_what_it_opposes() -> None:
    """``sprach sich gegen die Reform der ÖVP aus``: the separable ``aussprechen`` with ``gegen`` is a rejection,
    and the owner of the opposed thing in the ``gegen`` PP is its target."""
    (result,) = newsgraph.extract([Article(id="t", text="Der Bürgermeister Hans Gruber sprach sich gegen die Reform "
                                                        "der ÖVP aus.", lang="de")])
    names = {entity.id: entity.name for entity in result.entities}
    (event,) = result.events
    assert event.type == "reject"
    assert {(a.role, names[a.entity_id]) for a in event.arguments if a.entity_id} == {
        ("agent", "Hans Gruber"), ("target", "ÖVP")}
