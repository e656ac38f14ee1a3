"""Word-level tests the rules share: role nouns, demonym adjectives, governing nouns, suffix lists."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from newsgraph.resolve.normalize import fold_lower, noun_form_tuple, role_key
from newsgraph.resolve.tables import AliasTables, GazEntry

_ADJ_ENDINGS = ("", "e", "en", "er", "es", "em")


def ends_with_any(word: str, suffixes: Iterable[str], endings: Sequence[str]) -> bool:
    """True when ``word`` (or ``word`` minus one of the inflection ``endings``) ends with one of ``suffixes``.

    Args:
        word: The word as written.
        suffixes: Folded lowercase word ends (a ``*_suffix`` list of the lexicon).
        endings: Inflection endings (``Lexicon.noun_endings``).

    Example:
        >>> ends_with_any("Regierungstruppen", {"truppen"}, ("", "n", "en"))
        True
    """
    if isinstance(suffixes, frozenset) and isinstance(endings, tuple):
        return _ends_with_any(word, suffixes, endings)
    suffixes = tuple(suffixes)
    return any(form.endswith(suffixes) for form in noun_form_tuple(word, tuple(endings)))


@lru_cache(maxsize=1 << 16)  # the lexicon's suffix lists are frozensets, tested against the same words over and over
def _ends_with_any(word: str, suffixes: frozenset[str], endings: tuple[str, ...]) -> bool:
    ends = _as_tuple(suffixes)
    return any(form.endswith(ends) for form in noun_form_tuple(word, endings))


@lru_cache(maxsize=256)
def _as_tuple(suffixes: frozenset[str]) -> tuple[str, ...]:
    return tuple(suffixes)


class _PerTables:
    """Answers of a word test, kept per table set (bounded: cleared when full). The tables are held with
    their answers, so an id is never reused while its answers are kept."""

    def __init__(self) -> None:
        self._by_tables: dict[int, tuple[AliasTables, dict[str, Any]]] = {}

    def answers(self, tables: AliasTables) -> dict[str, Any]:
        known = self._by_tables.get(id(tables))
        if known is None or known[0] is not tables:
            if len(self._by_tables) >= 8:
                self._by_tables.clear()
            known = self._by_tables[id(tables)] = (tables, {})
        if len(known[1]) >= 1 << 16:
            known[1].clear()
        return known[1]


def is_capitalised(text: str) -> bool:
    """True when the first character is an uppercase letter."""
    return bool(text) and text[0].isupper()


@dataclass(frozen=True)
class RoleWord:
    """A role noun token, split into its affiliation prefix and the role itself.

    Attributes:
        role: The role as written, without prefix (``Aussenminister`` from ``US-Aussenministers`` keeps
            the genitive; use ``key`` to compare).
        key: Comparison key (:func:`~newsgraph.resolve.normalize.role_key`).
        prefix: The hyphen prefix (``US``), if any.
        affiliation: Gazetteer entry the prefix names, if any.
    """

    role: str
    key: str
    prefix: str | None
    affiliation: GazEntry | None


_ROLE_WORDS = _PerTables()


def role_word(text: str, tables: AliasTables) -> RoleWord | None:
    """Parse ``text`` as a role noun (``US-Präsident``, ``Machthaber``, ``Aussenministers``), or None."""
    answers = _ROLE_WORDS.answers(tables)
    if text not in answers:
        answers[text] = _role_word(text, tables)
    found: RoleWord | None = answers[text]
    return found


def _role_word(text: str, tables: AliasTables) -> RoleWord | None:
    parts = text.split("-")
    role = parts[-1]
    if tables.lexicon.nouns_capitalised and not is_capitalised(role):
        return None
    if not _is_role_noun(role, tables):
        return None
    prefix = "-".join(parts[:-1]) or None
    affiliation = None
    for part in parts[:-1]:
        entry = tables.lookup(part)
        if entry is not None and entry.type in ("GPE", "ORG"):
            affiliation = entry
    return RoleWord(role=role, key=role_key(role), prefix=prefix, affiliation=affiliation)


_FEMININE_ENDINGS = ("innen", "in")


def _is_role_noun(word: str, tables: AliasTables) -> bool:
    """A role noun of the lexicon, or in German its feminine form (``Präsidentin``, ``Kollegin``, ``Ministerinnen``)."""
    suffixes = tables.lexicon.role_nouns_suffix
    if ends_with_any(word, suffixes, tables.lexicon.noun_endings):
        return True
    if not tables.lexicon.nouns_capitalised:
        return False
    lower, ends = fold_lower(word), tuple(suffixes)
    for ending in _FEMININE_ENDINGS:
        stem = lower[: -len(ending)]
        if lower.endswith(ending) and len(stem) > 2 and (stem.endswith(ends) or (stem + "e").endswith(ends)):
            return True
    return False


@dataclass(frozen=True)
class DemonymWord:
    """An adjective derived from a place or group name (``nordsyrischen`` → Syrien, directional)."""

    key: str
    directional: bool


def demonym_word(text: str, tables: AliasTables) -> DemonymWord | None:
    """Parse ``text`` as a demonym adjective with an optional directional prefix, or None.

    Example:
        >>> from newsgraph.resolve.tables import load_alias_tables
        >>> demonym_word("nordsyrischen", load_alias_tables())
        DemonymWord(key='ng:gpe:syrien', directional=True)
    """
    answers = _DEMONYM_WORDS.answers(tables)
    if text not in answers:
        answers[text] = _demonym_word(text, tables)
    found: DemonymWord | None = answers[text]
    return found


_DEMONYM_WORDS = _PerTables()


def _demonym_word(text: str, tables: AliasTables) -> DemonymWord | None:
    lower = fold_lower(text)
    for prefix in ("", *tables.lexicon.directional_prefixes):
        if prefix and not lower.startswith(prefix):
            continue
        stem_part = lower[len(prefix) :].lstrip("-")
        for ending in _ADJ_ENDINGS:
            if ending and not stem_part.endswith(ending):
                continue
            stem = stem_part[: len(stem_part) - len(ending)] if ending else stem_part
            key = tables.demonyms.get(stem)
            if key is not None:
                return DemonymWord(key=key, directional=bool(prefix))
    return None


def acronym_matches(acronym: str, name: str) -> bool:
    """True when the letters of ``acronym`` appear in order in ``name``, starting with its first letter.

    Loose on purpose: it is only applied to the strong pattern ``Name (ACRONYM)``.

    Example:
        >>> acronym_matches("IS", "Islamischer Staat"), acronym_matches("BND", "Bundesnachrichtendienst")
        (True, True)
    """
    letters = [c for c in fold_lower(acronym) if c.isalpha()]
    text = fold_lower(name)
    if not letters or not text or letters[0] != text[0]:
        return False
    pos = 0
    for letter in letters:
        pos = text.find(letter, pos)
        if pos < 0:
            return False
        pos += 1
    return True


def is_acronym(text: str) -> bool:
    """2–8 characters, starts uppercase, at least two uppercase letters (``IS``, ``ISIL``, ``UNHCR``)."""
    return 2 <= len(text) <= 8 and text[0].isupper() and sum(c.isupper() for c in text) >= 2 and text.isalnum()
