"""English, French and Italian quotes and reported speech with the real pipelines: speakers and modality.

The sentences are written for these tests; each names its speaker in one of the constructions wire copy uses
("…, it added", "« … », a déclaré X", "a-t-il affirmé", "selon X", "ha detto X", "secondo X").
"""

from __future__ import annotations

import pytest
from support import needs_pipelines

import newsgraph
from newsgraph.records import Article


def statements(lang: str, text: str) -> list[tuple[str, str, str | None]]:
    """(speaker name, modality, quote) of every statement newsgraph extracts from ``text``."""
    (result,) = newsgraph.extract([Article(id="t", text=text, lang=lang)])
    names = {entity.id: entity.name for entity in result.entities}
    found = []
    for event in result.events:
        if event.type == "statement":
            speaker = next(a.entity_id for a in event.arguments if a.role == "speaker")
            found.append((names.get(speaker or "", ""), event.modality, event.quote))
    return found


@pytest.mark.multilingual
@needs_pipelines
@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # English
        ("en", 'John Smith met reporters in London. "The talks were very constructive," he said.',
         ("John Smith", "asserted", "The talks were very constructive")),
        ("en", "Microsoft expects its profits to grow next year, it added.", ("Microsoft", "asserted", None)),
        ("en", "The company will close two factories in Ohio, Ford said in a statement.", ("Ford", "asserted", None)),
        ("en", "The company will close two plants, a spokesman for the Ford Motor Company said on Monday.",
         ("Ford Motor Company", "asserted", None)),
        ("en", "According to Barack Obama, the war against terrorism will take years.",
         ("Barack Obama", "asserted", None)),
        ("en", "Barack Obama told reporters that the sanctions would remain in place.",
         ("Barack Obama", "asserted", None)),
        # French
        ("fr", "Emmanuel Macron était à Berlin. « Nous devons agir ensemble », a-t-il affirmé.",
         ("Emmanuel Macron", "asserted", "Nous devons agir ensemble")),
        ("fr", "Le gouvernement va augmenter les impôts, a indiqué Jean Castex mardi.",
         ("Jean Castex", "asserted", None)),
        ("fr", "Selon Jean Castex, le gouvernement va augmenter les impôts.", ("Jean Castex", "asserted", None)),
        ("fr", "Jean Castex a déclaré mardi que le gouvernement allait augmenter les impôts.",
         ("Jean Castex", "asserted", None)),
        ("fr", "« Les négociations avancent bien », selon Angela Merkel.",
         ("Angela Merkel", "asserted", "Les négociations avancent bien")),
        # Italian (the pipeline has no tagger: speech verbs are known by their forms)
        ("it", "«Non accetteremo questa decisione», ha detto Mario Draghi.",
         ("Mario Draghi", "asserted", "Non accetteremo questa decisione")),
        ("it", "Il governo aumenterà le tasse, ha detto Giuseppe Conte martedì.", ("Giuseppe Conte", "asserted", None)),
        ("it", "Secondo Mario Draghi, il governo aumenterà le tasse.", ("Mario Draghi", "asserted", None)),
        ("it", "Matteo Renzi era a Roma. «Dobbiamo agire insieme», ha affermato.",
         ("Matteo Renzi", "asserted", "Dobbiamo agire insieme")),
    ],
)
def test_speaker_of_each_construction(lang: str, text: str, expected: tuple[str, str, str | None]) -> None:
    assert statements(lang, text) == [expected]


@pytest.mark.multilingual
@needs_pipelines
def test_a_statement_inside_another_source_is_reported_and_the_source_no_statement() -> None:
    text = ("According to the New York Times, Professor John Burrows, the chairman of the panel, said the flag "
            "had never been open to public choice.")
    assert statements("en", text) == [("John Burrows", "reported", None)]


@pytest.mark.multilingual
@needs_pipelines
def test_german_inverted_speech_verb_after_a_verbless_piece() -> None:
    """``…, erklärte X``: the speaker follows the verb; the states named in the reported words do not speak, and
    the statement itself is asserted (its words are reported)."""
    text = "Estland, Lettland und Litauen seien ohnehin in der EU, erklärte Außenminister Sebastian Kurz am Montag."
    assert statements("de", text) == [("Sebastian Kurz", "asserted", None)]
