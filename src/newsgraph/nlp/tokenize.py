"""Tokenisation with bounded work per article: spaCy's tokenizer, fed whitespace-free runs of bounded length.

spaCy's tokenizer splits a whitespace-free run by peeling prefixes and suffixes off it one at a time, and
every step searches (and copies) the rest of the run again: time grows with the square of the run's
length. Runs of opening punctuation (``„„„…``, ``«««…``, ``(((…``) make this real: 10,000 ``«`` take
about 12 s, 100,000 ``„`` several minutes, and the same holds for ``spacy.blank("de")``.

No real news token is anywhere near :data:`MAX_RUN` characters (the longest whitespace-free run in
the 1,028 10kGNAD articles is 140 characters, a list of place names glued together), so a run longer
than that is garbage or hostile: it is cut into pieces of at most ``MAX_RUN`` characters (preferably
right after a non-alphanumeric character), each piece is tokenised on its own, and the pieces are
joined without inserting whitespace. The Doc's text is always exactly the input, and a text without
such a run is tokenised by the plain tokenizer in one call, so normal articles give identical Docs.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

MAX_RUN = 250
"""Longest whitespace-free run handed to the tokenizer in one piece (characters)."""

_LONG_RUN = re.compile(r"(?<!\S)\S{%d,}" % (MAX_RUN + 1))


def _cut_points(text: str, start: int, end: int, max_run: int) -> list[int]:
    """Where to cut the run ``text[start:end]``: a cut after a non-alphanumeric character in the
    second half of each window, else at the window's end; the run's end is the last point."""
    cuts = []
    while end - start > max_run:
        limit = start + max_run
        cut = limit
        while cut > start + max_run // 2 and text[cut - 1].isalnum():
            cut -= 1
        if text[cut - 1].isalnum():
            cut = limit  # one long word: cut it where the window ends
        cuts.append(cut)
        start = cut
    cuts.append(end)
    return cuts


def split_long_runs(text: str, *, max_run: int = MAX_RUN) -> list[str]:
    """The text in consecutive parts that join back to it exactly: normal stretches whole, and each
    whitespace-free run longer than ``max_run`` in pieces of at most ``max_run`` characters.

    A run's last piece takes one following space with it, so the token before the space keeps its
    trailing whitespace, as in the plain tokenisation.

    Args:
        text: The article text.
        max_run: Longest whitespace-free piece.

    Returns:
        The parts (``"".join(parts) == text``); ``[text]`` when there is no long run.
    """
    pattern = _LONG_RUN if max_run == MAX_RUN else re.compile(r"(?<!\S)\S{%d,}" % (max_run + 1))
    parts: list[str] = []
    done = 0
    for match in pattern.finditer(text):
        if match.start() > done:
            parts.append(text[done : match.start()])
        previous = match.start()
        cuts = _cut_points(text, match.start(), match.end(), max_run)
        if text[match.end() : match.end() + 1] == " ":
            cuts[-1] += 1
        for cut in cuts:
            parts.append(text[previous:cut])
            previous = cut
        done = previous
    if done < len(text) or not parts:
        parts.append(text[done:])
    return parts


def tokenize(nlp: Language, text: str, *, max_run: int = MAX_RUN) -> Doc:
    """Tokenise ``text`` with the pipeline's tokenizer in time linear in its length.

    Unlike ``nlp.make_doc`` this never checks ``nlp.max_length``: newsgraph checks its own
    ``max_chars`` setting before, with a message that names it.

    Args:
        nlp: The pipeline whose tokenizer to use.
        text: The text.
        max_run: Longest whitespace-free run tokenised in one piece (see the module docstring).

    Returns:
        A Doc with ``doc.text == text``; the same Doc as ``nlp.tokenizer(text)`` when the text has no
        whitespace-free run longer than ``max_run``.

    Example:
        >>> doc = tokenize(spacy.blank("de"), "Er sagte: " + "„" * 10_000)
        >>> len(doc)
        10002
    """
    parts = split_long_runs(text, max_run=max_run)
    if len(parts) == 1:
        return nlp.tokenizer(text)
    return Doc.from_docs([nlp.tokenizer(part) for part in parts], ensure_whitespace=False)
