"""String normalisation shared by the resolver and the gazetteer build: folding, slugs, ids, inflection."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

_HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u00ad": ""})
_TRANSLIT = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ẞ": "SS"}
)
_APOSTROPHES = ("'s", "\u2019s")


@lru_cache(maxsize=1 << 16)  # the same words are folded over and over; bounded, so memory stays flat
def fold(text: str) -> str:
    """Normalise a name for comparison, keeping its case.

    NFC, ß → ss (so Swiss and German spellings compare equal), typographic hyphens → ``-``,
    whitespace runs → one space.

    Example:
        >>> fold("Großbritannien") == fold("Grossbritannien")
        True
    """
    text = unicodedata.normalize("NFC", text).translate(_HYPHENS)
    text = text.replace("ß", "ss").replace("ẞ", "SS")
    return " ".join(text.split())


@lru_cache(maxsize=1 << 16)
def fold_lower(text: str) -> str:
    """:func:`fold` and lowercase: the key for word lists (nouns, adjectives, roles)."""
    return fold(text).lower()


def noun_forms(word: str, endings: Sequence[str], *, last_part: bool = False) -> list[str]:
    """The folded lowercase word and its forms without one of the inflection ``endings``.

    Args:
        word: The word as written.
        endings: Inflection endings in the order the forms are wanted (``""`` keeps the word itself); the
            resolver passes ``Lexicon.noun_endings``, the extractors ``Cues.noun_endings`` (both read from
            the versioned data files).
        last_part: Use only the part after the last hyphen (``US-Luftangriffen`` → ``luftangriffen``).

    Returns:
        The forms, in the order of ``endings``.

    Example:
        >>> noun_forms("US-Angriffe", ("", "n", "e"), last_part=True)
        ['angriffe', 'angriff']
    """
    return list(noun_form_tuple(word, tuple(endings), last_part=last_part))


@lru_cache(maxsize=1 << 16)  # the rules test the same nouns against many word lists
def noun_form_tuple(word: str, endings: tuple[str, ...], *, last_part: bool = False) -> tuple[str, ...]:
    """:func:`noun_forms` as a tuple, computed once per word (for the rules' hot loops)."""
    lower = fold_lower(word)
    if last_part:
        lower = lower.split("-")[-1]
    return tuple(lower[: len(lower) - len(e)] if e else lower for e in endings if lower.endswith(e))


def slug(text: str) -> str:
    """ASCII slug of a name: ``"Türkei" -> "tuerkei"``, ``"Baschar al-Assad" -> "baschar-al-assad"``."""
    text = unicodedata.normalize("NFC", text).translate(_TRANSLIT)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def local_id(etype: str, name: str) -> str:
    """Deterministic local entity id for entities without a Wikidata QID: ``ng:<type>:<slug>``.

    The one id function: the resolver and the records built straight from ``doc.ents`` (no resolver)
    both use it, so one name gets one id. A name without Latin letters or digits (``Путин``) has an
    empty :func:`slug`; it keeps its own letters, lowercased, so that it does not share one id with
    every other such name.

    Example:
        >>> local_id("GPE", "Türkei"), local_id("PER", "Владимир Путин")
        ('ng:gpe:tuerkei', 'ng:per:владимир-путин')
    """
    return f"ng:{etype.lower()}:{slug(name) or _word_slug(name)}"


def _word_slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", unicodedata.normalize("NFC", text).lower()).strip("-")


def inflection_variants(word: str) -> list[str]:
    """Possible base forms of an inflected German name, most likely first (the word itself excluded).

    Covers the genitive ``-s``/``-es``/``'s`` and the dative plural ``-n`` (``den Niederlanden``).
    The caller checks the variants against known names: nothing here is applied blindly.

    Example:
        >>> inflection_variants("Russlands"), inflection_variants("Niederlanden")
        (['Russland'], ['Niederlande'])
    """
    variants: list[str] = []
    for apostrophe in _APOSTROPHES:
        if word.endswith(apostrophe):
            variants.append(word[: -len(apostrophe)])
    if len(word) >= 4 and word.endswith("s"):
        variants.append(word[:-1])
        if word.endswith("es"):
            variants.append(word[:-2])
    if len(word) >= 5 and word.endswith("en"):
        variants.append(word[:-1])
    return [v for v in dict.fromkeys(variants) if v and v != word]


def strip_genitive_noun(word: str) -> str:
    """Best guess of the nominative of a single capitalised noun seen after ``des``/``eines``.

    Used only when the article itself gives no other evidence: ``Zentralkommandos -> Zentralkommando``,
    ``Ministeriums -> Ministerium``, ``Rates -> Rat``; words that end in s in the nominative
    (``Fonds``, ``Kurs``) are left alone when they cannot be told apart.
    """
    lower = word.lower()
    if len(word) < 5 or not lower.endswith("s") or lower.endswith(("ss", "us", "is", "fonds")):
        return word
    if lower.endswith("es") and lower[-3] in "bcdfghklmnprtvwxz":
        return word[:-2]
    return word[:-1]


def role_key(word: str) -> str:
    """Comparison key of a role noun: folded, lowercased, inflection and feminine suffix removed.

    Example:
        >>> role_key("Aussenministers") == role_key("Außenminister")
        True
    """
    word = fold_lower(word)
    for suffix in ("innen", "in", "en", "es", "s", "n", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


_TRANSLIT_RULES = (
    ("tsch", "ch"), ("dsch", "j"), ("sch", "sh"), ("ph", "f"), ("w", "v"), ("ej", "ei"), ("ey", "ei"), ("j", "y"),
    ("ou", "u"), ("ck", "k"),
)


@lru_cache(maxsize=1 << 16)
def transliteration_key(name: str) -> str:
    """Key under which transliteration variants of a (foreign) person name compare equal.

    Example:
        >>> transliteration_key("Baschar") == transliteration_key("Bashar")
        True
        >>> transliteration_key("Lawrow") == transliteration_key("Lavrov")
        True

    A name without Latin letters keeps its own (as in :func:`local_id`): an empty key would make every
    such name a variant of every other (``Путин`` of ``Лавров``).
    """
    key = slug(name) or _word_slug(name)
    for old, new in _TRANSLIT_RULES:
        key = key.replace(old, new)
    return key


_CROSSLINGUAL_RULES = (("tch", "ch"), ("ch", "sh"), ("gue", "ge"), ("gui", "gi"), ("-el-", "-al-"))


def crosslingual_key(name: str) -> str:
    """:func:`transliteration_key` that also ignores French and English spellings of the same name, so
    one person written in German, English and French compares equal across articles.

    Applied to whole names (or the slug of a person id) only, never to parts of words.

    Example:
        >>> len({crosslingual_key(n) for n in ("Sergej Lawrow", "Sergei Lavrov", "Sergueï Lavrov")})
        1
        >>> crosslingual_key("Baschar al-Assad") == crosslingual_key("Bachar el-Assad")
        True
    """
    key = transliteration_key(name)
    for old, new in _CROSSLINGUAL_RULES:
        key = key.replace(old, new)
    return key[3:] if key.startswith("el-") else key
