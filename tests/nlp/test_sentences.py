"""Sure sentence starts: after a line break or a stand-alone full stop before a capitalised word."""

from __future__ import annotations

import pytest
import spacy

from newsgraph.nlp.sentences import sentence_starts


@pytest.fixture(scope="module")
def nlp() -> spacy.Language:
    return spacy.blank("de")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Die USA lehnen dies ab. Dr. Müller kam.", ["Dr."]),
        ("Er kam am 3. Oktober. Sie nicht.", ["Sie"]),
        ("Das ist gut. «Wir kommen», sagte er.", ["«"]),
        ("«Ja.» Er ging. Dann kam sie.", ["Er", "Dann"]),
        ("Besorgter Obama\nUS-Präsident Barack Obama sagte", ["US-Präsident"]),
        ("Er kam.\n\nDann ging er.", ["Dann"]),
        ("Er sagte: «nein». und dann", []),
        ("Was? wirklich nicht.", []),
    ],
)
def test_sentence_starts(nlp: spacy.Language, text: str, expected: list[str]) -> None:
    doc = nlp(text)
    assert [doc[i].text for i in sentence_starts(doc)] == expected


def test_component_marks_starts_and_leaves_the_rest_open(nlp: spacy.Language) -> None:
    import newsgraph.nlp.sentences  # noqa: F401

    pipe = spacy.blank("de")
    pipe.add_pipe("newsgraph_sentence_hints")
    doc = pipe("Eins ist hier. Zwei ist da.")
    assert doc[4].is_sent_start is True
    assert doc[1].is_sent_start is None  # not forbidden: the parser still decides


def test_no_whitespace_only_sentences_after_a_sentencizer() -> None:
    import newsgraph.nlp.sentences  # noqa: F401

    pipe = spacy.blank("de")
    pipe.add_pipe("sentencizer")
    pipe.add_pipe("newsgraph_sentence_hints")
    doc = pipe("Er kam nicht.\n\nKerry reist nach Paris.")
    assert [s.text.strip() for s in doc.sents] == ["Er kam nicht.", "Kerry reist nach Paris."]
