"""The ``newsgraph_sentence_hints`` component: sure sentence starts for the parser to respect.

The parser, trained on few multi-sentence documents, sometimes runs two sentences together. A few
unambiguous cues are marked as sentence starts before it runs; everything else stays the parser's
decision (tokens are never marked as *not* starting a sentence). Abbreviations and ordinals
(``Dr.``, ``3.``) are single tokens in the German tokenizer, so a lone full stop is a real one.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

FACTORY_NAME = "newsgraph_sentence_hints"
SENTENCE_END = frozenset({".", "!", "?", "…"})
CLOSING_QUOTES = frozenset({"»", "«", "“", "”", "\"", "›", "‹", "'", ")"})
OPENING_QUOTES = frozenset({"«", "»", "„", "\"", "‹", "›", "("})


def _starts_sentence(doc: Doc, i: int) -> bool:
    token = doc[i]
    if token.text in OPENING_QUOTES and i + 1 < len(doc):
        token = doc[i + 1]
    return token.text[:1].isupper() or token.text[:1].isdigit()


def sentence_starts(doc: Doc) -> list[int]:
    """Indices of tokens that surely start a sentence: after a stand-alone ``.``/``!``/``?`` (then
    any closing quotes and white space) when a capitalised word or an opening quote follows, and
    after a line break that ends a line without final punctuation (a headline)."""
    starts = []
    for i in range(1, len(doc)):
        prev = doc[i - 1]
        if prev.text in SENTENCE_END:
            j = i
            while j < len(doc) and (doc[j].is_space or doc[j].text in CLOSING_QUOTES and not _opens_after(doc, j)):
                j += 1
            if j < len(doc) and _starts_sentence(doc, j):
                starts.append(j)
        elif prev.is_space and "\n" in prev.text and not doc[i].is_space and i >= 2:
            before = doc[i - 2]
            if before.text not in SENTENCE_END and before.text not in CLOSING_QUOTES:
                starts.append(i)
    return sorted(set(starts))


def _opens_after(doc: Doc, j: int) -> bool:
    """A quote mark directly after a full stop and before a capitalised word opens a new quote
    (``. «Wir``) only when a space precedes it."""
    return bool(doc[j - 1].whitespace_) and j + 1 < len(doc) and doc[j + 1].text[:1].isupper()


class SentenceHints:
    """Marks :func:`sentence_starts` on the Doc before the parser runs."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        for i in sentence_starts(doc):
            doc[i].is_sent_start = True
        # a line break that an earlier segmenter made a sentence of its own joins the sentence before
        for i, token in enumerate(doc):
            if i > 0 and token.is_space and token.is_sent_start:
                token.is_sent_start = False
                if i + 1 < len(doc):
                    doc[i + 1].is_sent_start = True
        return doc


@Language.factory(FACTORY_NAME, assigns=["token.is_sent_start"])
def make_sentence_hints(nlp: Language, name: str) -> SentenceHints:
    """Create the sentence-hints component (place it before the parser)."""
    return SentenceHints(nlp, name)
