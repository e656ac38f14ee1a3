"""The French yardstick articles' texts, rebuilt from HIPE-2022 tokens (read by benchmarks/yardstick.py).

The French yardstick articles come from HIPE-2022 v2.1 (hipe2020 French newspapers: Gazette de Lausanne,
L'Impartial, L'Express), which ships each newspaper article as OCR tokens in a TSV file. This module
rebuilds the article text from those tokens, deterministically, so the texts never need to be copied
into the project:

- tokens are joined with one space, except after tokens flagged ``NoSpaceAfter``;
- line ends (``EndOfLine``) become a space;
- an end-of-line hyphen (a ``-`` or ``¬`` token flagged ``EndOfLine`` and ``NoSpaceAfter``, glued to a
  word ending in a lowercase letter and followed by a word starting with a lowercase letter) is removed,
  joining the two halves ("gou-" + "vernement" -> "gouvernement"); other hyphens are kept.

Article ids are ``hipe-fr-<HIPE document_id>``, e.g. ``hipe-fr-IMP-2008-04-28-a-i0239``.

Usage: ``article_text("hipe-fr-IMP-2008-04-28-a-i0239") -> str``; ``python hipe_texts.py ID`` prints it.
"""
from __future__ import annotations

import sys
import unicodedata
from functools import lru_cache
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared/data"
HIPE_FR_FILES = (
    SHARED / "multi/hipe2022_fr_en/fr/HIPE-2022-v2.1-hipe2020-dev-fr.tsv",
    SHARED / "multi/hipe2022_fr_en/fr/HIPE-2022-v2.1-hipe2020-test-fr.tsv",
)
PREFIX = "hipe-fr-"
_HYPHENS = ("-", "¬")


@lru_cache(maxsize=None)
def _documents() -> dict[str, list[tuple[str, set[str]]]]:
    """Read all HIPE French documents as lists of (token, MISC flags)."""
    docs: dict[str, list[tuple[str, set[str]]]] = {}
    for path in HIPE_FR_FILES:
        current: list[tuple[str, set[str]]] | None = None
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                line = line.rstrip("\n")
                if line.startswith("# hipe2022:document_id"):
                    doc_id = line.split("=", 1)[1].strip()
                    current = docs.setdefault(PREFIX + doc_id, [])
                    continue
                if not line or line.startswith("#") or line.startswith("TOKEN\t") or current is None:
                    continue
                cols = line.split("\t")
                flags = set(cols[9].split("|")) if len(cols) > 9 else set()
                current.append((cols[0], flags))
    return docs


def _is_line_end_hyphen(tokens: list[tuple[str, set[str]]], i: int) -> bool:
    token, flags = tokens[i]
    if token not in _HYPHENS or not {"EndOfLine", "NoSpaceAfter"} <= flags or i == 0 or i + 1 >= len(tokens):
        return False
    prev, prev_flags = tokens[i - 1]
    nxt = tokens[i + 1][0]
    return "NoSpaceAfter" in prev_flags and prev[-1:].islower() and nxt[:1].islower()


def article_text(article_id: str) -> str:
    """Rebuild the text of one yardstick article from its tokens.

    Args:
        article_id: ``hipe-fr-<HIPE document_id>``.

    Returns:
        The article text (NFC), one paragraph.

    Raises:
        KeyError: the id is not a known HIPE French document.
    """
    docs = _documents()
    if article_id not in docs:
        raise KeyError(article_id)
    tokens = docs[article_id]
    parts: list[str] = []
    for i, (token, flags) in enumerate(tokens):
        if _is_line_end_hyphen(tokens, i):
            continue
        parts.append(token)
        if "NoSpaceAfter" not in flags and i + 1 < len(tokens):
            parts.append(" ")
    return unicodedata.normalize("NFC", "".join(parts).strip())


def article_ids() -> list[str]:
    """All known article ids, in file order."""
    return list(_documents())


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(article_text(arg))
