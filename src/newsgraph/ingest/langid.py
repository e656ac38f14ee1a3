"""Language detection: which of the supported languages an article is written in, if any."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from newsgraph.errors import ConfigError, Errors

DEFAULT_CANDIDATES = ("de", "en", "fr", "it")
MIN_CONFIDENCE = 0.5
"""Below this confidence for the best language the answer is None: the caller must ask for ``--lang``."""
MAX_CHARS = 2000
"""Only the start of a text is looked at: plenty for a confident answer, and detection stays fast."""


def detect_language(text: str, *, candidates: Sequence[str] = DEFAULT_CANDIDATES) -> str | None:
    """Detect the language of a text among a few candidate languages.

    Only the first ``MAX_CHARS`` characters are used. The detector for a set of candidates is built
    once per process; lingua loads its language models lazily on first use (about half a second).

    Args:
        text: The text.
        candidates: ISO 639-1 codes of the languages to choose from (any language lingua supports).

    Returns:
        The lower-case ISO 639-1 code of the most likely language, or None when no candidate reaches
        a confidence of ``MIN_CONFIDENCE`` (very short, numeric or garbled text).

    Raises:
        ConfigError: A candidate code is not a language lingua supports.

    Example:
        >>> detect_language("Die Regierung in Moskau lehnt das ab.")
        'de'
    """
    codes = tuple(sorted({code.strip().lower() for code in candidates}))
    values = _detector(codes).compute_language_confidence_values(text[:MAX_CHARS])
    if not values or values[0].value < MIN_CONFIDENCE:
        return None
    code = values[0].language.iso_code_639_1.name.lower()
    return code if code in codes else None  # the contrast language added for a lone candidate


def check_languages(candidates: Sequence[str]) -> None:
    """Check the candidate languages up front, so that a bad ``languages`` setting stops a run before
    any article is read instead of failing every article.

    Args:
        candidates: ISO 639-1 codes, as for :func:`detect_language`.

    Raises:
        ConfigError: No candidate, or a code lingua does not support.
    """
    codes = tuple(sorted({code.strip().lower() for code in candidates}))
    if not codes:
        raise ConfigError(Errors.E009)
    for code in codes:
        _language(code)


@lru_cache(maxsize=8)
def _detector(codes: tuple[str, ...]) -> LanguageDetector:
    if not codes:
        raise ConfigError(Errors.E009)
    languages = [_language(code) for code in codes]
    if len(languages) == 1:  # alone, lingua is always 100% sure; weigh it against a contrast language
        languages.append(Language.ENGLISH if languages[0] is not Language.ENGLISH else Language.GERMAN)
    return LanguageDetectorBuilder.from_languages(*languages).build()


def _language(code: str) -> Language:
    try:
        return Language.from_iso_code_639_1(IsoCode639_1.from_str(code))
    except ValueError as e:
        supported = ", ".join(sorted(lang.iso_code_639_1.name.lower() for lang in Language.all()))
        raise ConfigError(Errors.E010.format(code=code, supported=supported)) from e
