"""The one wrapper the rule stages (resolver and extractors) put over a Doc: token attributes read once.

:class:`DocTokens` holds what both stages ask for many times per token — texts, trailing spaces,
folded lower forms, punctuation and whitespace flags, sentence numbers — as plain lists, read with one
``Doc.to_array`` call (no Token objects). Each stage extends it with its own indexes:
:class:`newsgraph.resolve.candidates.DocView` (alias tables, quote marks) and
:class:`newsgraph.extraction.context.DocContext` (mentions, clauses, tags and lemmas).

It lives in ``resolve/`` beside :mod:`~newsgraph.resolve.normalize` (whose ``fold_lower`` it uses) because
the resolver is the lowest rule layer: ``nlp/`` and ``extraction/`` already import ``resolve/``, so a
wrapper in ``nlp/`` imported by the resolver would close an import cycle.

Nothing is cached on the Doc: a wrapper describes the Doc as it is when it is built (sentence
boundaries can still be set afterwards on a hand-built Doc), and each stage builds its own.
"""

from __future__ import annotations

from spacy.attrs import IS_PUNCT, IS_SPACE, ORTH, SPACY
from spacy.tokens import Doc

from newsgraph.resolve.normalize import fold_lower


def sentence_index(doc: Doc) -> list[int]:
    """Sentence number of every token (all zeros when the Doc has no sentence boundaries)."""
    return _sentences(doc)[0]


def _sentences(doc: Doc) -> tuple[list[int], list[int]]:
    """Sentence number and sentence start of every token (all zeros without sentence boundaries)."""
    number_of = [0] * len(doc)
    start_of = [0] * len(doc)
    if doc.has_annotation("SENT_START"):
        for number, sent in enumerate(doc.sents):
            for i in range(sent.start, sent.end):
                number_of[i] = number
                start_of[i] = sent.start
    return number_of, start_of


def first_unflagged(flags: list[bool], start: int, cache: dict[int, int]) -> int:
    """The first index from ``start`` on whose flag is false (``len(flags)`` when there is none), kept in
    ``cache`` per start: the rules ask for the first word of the same sentence or piece over and over."""
    first = cache.get(start)
    if first is None:
        first = start
        while first < len(flags) and flags[first]:
            first += 1
        cache[start] = first
    return first


class DocTokens:
    """A Doc's token attributes as lists, for rules that test the same tokens over and over.

    Args:
        doc: The Doc; it is read, never changed.

    Attributes:
        doc: The Doc.
        texts: Token texts, as in the Doc.
        spaces: Trailing whitespace of each token (``" "`` or ``""``).
        lowers: Folded lowercase texts.
        sentence: Sentence number of each token (all zeros when the Doc has no sentence boundaries).
        sentence_start: Index of the first token of each token's sentence.

    Example:
        >>> import spacy
        >>> tokens = DocTokens(spacy.blank("de")("Der Außenminister sprach."))
        >>> tokens.lower(1), tokens.is_punct(3), tokens.lower(9)
        ('aussenminister', True, '')
    """

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        strings = doc.vocab.strings
        rows = doc.to_array([ORTH, SPACY, IS_PUNCT, IS_SPACE]).tolist() if len(doc) else []
        self.texts: list[str] = [strings[row[0]] for row in rows]
        self.spaces: list[str] = [" " if row[1] else "" for row in rows]
        self._is_punct: list[bool] = [bool(row[2]) for row in rows]
        self._is_space: list[bool] = [bool(row[3]) for row in rows]
        self._lowers: list[str] = [fold_lower(text) for text in self.texts]
        self.lowers: list[str] = self._lowers
        """Folded lowercase texts (for loops over indices known to be inside the Doc; see :meth:`lower`)."""
        self.sentence, self.sentence_start = _sentences(doc)
        # doc.text builds a Token object per token on every call: the rules slice it often
        self.text: str = "".join(map(str.__add__, self.texts, self.spaces))

    def lower(self, i: int) -> str:
        """Folded lowercase text of token ``i`` ('' outside the Doc)."""
        return self._lowers[i] if 0 <= i < len(self._lowers) else ""

    def is_punct(self, i: int) -> bool:
        """True for a punctuation token."""
        return self._is_punct[i]

    def is_space(self, i: int) -> bool:
        """True for a whitespace token."""
        return self._is_space[i]
