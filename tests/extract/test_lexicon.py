"""The versioned lexicons: complete, consistent, registered under versioned names, and documented."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.util import registry

from newsgraph.errors import ConfigError
from newsgraph.extraction import RELATION_TYPES, load_event_lexicon, load_relation_lexicon
from newsgraph.extraction.lexicon import load_cues, match_suffix

TYPOLOGY = Path(__file__).resolve().parents[2] / "docs/TYPOLOGY.md"
CAMEO_ROOTS = {f"{n:02d}" for n in range(1, 21)}
PLOVER = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT",
          "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}


def test_every_event_type_maps_to_cameo_and_plover_or_says_it_does_not() -> None:
    lexicon = load_event_lexicon()
    for event_type in lexicon.types.values():
        assert event_type.cameo is None or event_type.cameo in CAMEO_ROOTS, event_type.name
        assert event_type.plover is None or event_type.plover in PLOVER, event_type.name
        assert event_type.description


def test_triggers_point_to_known_types() -> None:
    lexicon = load_event_lexicon()
    assert set(lexicon.noun_triggers.values()) <= set(lexicon.types)
    assert {v.type for v in lexicon.verb_triggers.values()} <= set(lexicon.types)


@pytest.mark.parametrize(("word", "expected"), [("US-Luftangriffen", "luftangriff"), ("Angriffe", "angriff"),
                                                ("Massaker", "massaker"), ("Rückschläge", None)])
def test_compound_suffix_matching(word: str, expected: str | None) -> None:
    lexicon = load_event_lexicon()
    found = match_suffix(word, lexicon.noun_triggers, lexicon.cues.noun_endings)
    excluded = word.lower() in lexicon.noun_exclusions
    assert (None if excluded else found) == expected


def test_unknown_version_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="v999"):
        load_event_lexicon("v999")
    with pytest.raises(ConfigError, match="v999"):
        load_relation_lexicon("v999")


def test_registered_names() -> None:
    import newsgraph.nlp.components  # noqa: F401

    assert registry.misc.get("newsgraph.EventLexicon.v1")() is load_event_lexicon("v2")
    assert registry.misc.get("newsgraph.RelationLexicon.v1")() is load_relation_lexicon("v2")


def test_typology_documents_every_type() -> None:
    text = TYPOLOGY.read_text(encoding="utf-8")
    for name in list(load_event_lexicon().types) + list(RELATION_TYPES):
        assert f"`{name}`" in text, name
    for value in ("asserted", "reported", "intended", "considered", "feared", "hypothetical", "negated"):
        assert f"`{value}`" in text


@pytest.mark.parametrize("lang", ["de", "en", "fr", "it"])
def test_noun_endings_come_from_the_data_files(lang: str) -> None:
    """One noun_forms for both stages; each stage's inflection endings are a key of its versioned files."""
    from newsgraph.resolve import load_alias_tables
    from newsgraph.resolve.normalize import noun_forms

    extractor_endings = load_cues(lang=lang).noun_endings
    resolver_endings = load_alias_tables(lang=lang).lexicon.noun_endings
    assert extractor_endings == ("", "n", "en", "s", "es", "e", "er", "r")
    assert resolver_endings == ("", "n", "en", "s", "es", "e")
    # the extractors match the last part of a compound and also strip -er/-r; the resolver takes the whole word
    assert noun_forms("US-Kämpfer", extractor_endings, last_part=True) == ["kämpfer", "kämpf", "kämpfe"]
    assert noun_forms("US-Truppen", resolver_endings) == ["us-truppen", "us-truppe", "us-trupp"]
