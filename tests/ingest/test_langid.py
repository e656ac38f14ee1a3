"""Language detection among candidate languages, with None when unsure."""

from __future__ import annotations

import pytest

from newsgraph.errors import ConfigError
from newsgraph.ingest.langid import detect_language

SENTENCES = {
    "de": "Die Regierung in Moskau vermutet hinter den Luftangriffen ein verstecktes Motiv.",
    "en": "The government in Moscow suspects a hidden motive behind the air strikes.",
    "fr": "Le gouvernement à Moscou soupçonne un motif caché derrière les frappes aériennes.",
    "it": "Il governo di Mosca sospetta un motivo nascosto dietro gli attacchi aerei.",
}


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_detects_the_four_default_languages(lang: str) -> None:
    assert detect_language(SENTENCES[lang]) == lang


@pytest.mark.parametrize(
    ("lang", "candidates", "expected"),
    [
        ("de", ("de", "en"), "de"),
        ("it", ("it",), "it"),
        ("en", ("it",), None),  # a lone candidate is weighed against a contrast language
        ("fr", ("FR ", "de"), "fr"),
        ("de", ["de", "de", "it"], "de"),
    ],
)
def test_restricted_to_candidates(lang: str, candidates: tuple[str, ...], expected: str | None) -> None:
    assert detect_language(SENTENCES[lang], candidates=candidates) == expected


@pytest.mark.parametrize("lang", ["fr", "it"])
def test_never_answers_a_language_outside_the_candidates(lang: str) -> None:
    assert detect_language(SENTENCES[lang], candidates=("de", "en")) in {"de", "en", None}


@pytest.mark.parametrize("text", ["", "1234 5678", "!!! ???", "ok", "asdf qwer"])
def test_unsure_gives_none(text: str) -> None:
    assert detect_language(text) is None


def test_only_the_start_is_read() -> None:
    assert detect_language(SENTENCES["de"] * 30 + SENTENCES["en"] * 200) == "de"


@pytest.mark.parametrize(("candidates", "match"), [(("de", "xx"), "'xx' is not a language code"), ((), "at least one")])
def test_bad_candidates(candidates: tuple[str, ...], match: str) -> None:
    with pytest.raises(ConfigError, match=match) as info:
        detect_language("Ein Text.", candidates=candidates)
    if candidates:
        assert "de, " in str(info.value)  # names the supported codes
