"""The event typology file: every type carries its PLOVER and ACE 2005 code, every ACE 2005 subtype and every
PLOVER category is covered, every trigger names a known type; extracted events carry the codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from typing import Any

import pytest
from spacy.tokens import Doc

from newsgraph.extraction import extract_events
from newsgraph.extraction.lexicon import load_event_lexicon

MakeDoc = Callable[..., Doc]

ACE_SUBTYPES = (
    "Life:Be-Born Life:Marry Life:Divorce Life:Injure Life:Die Movement:Transport "
    "Transaction:Transfer-Ownership Transaction:Transfer-Money Business:Start-Org Business:Merge-Org "
    "Business:Declare-Bankruptcy Business:End-Org Conflict:Attack Conflict:Demonstrate Contact:Meet "
    "Contact:Phone-Write Personnel:Start-Position Personnel:End-Position Personnel:Nominate Personnel:Elect "
    "Justice:Arrest-Jail Justice:Release-Parole Justice:Trial-Hearing Justice:Charge-Indict Justice:Sue "
    "Justice:Convict Justice:Sentence Justice:Fine Justice:Execute Justice:Extradite Justice:Acquit "
    "Justice:Appeal Justice:Pardon"
).split()
PLOVER = ("AGREE CONSULT SUPPORT CONCEDE COOPERATE AID RETREAT REQUEST ACCUSE REJECT THREATEN PROTEST "
          "SANCTION MOBILIZE COERCE ASSAULT").split()
NEWS_KINDS = ("statement election vote referendum appointment resignation investigation indictment criticism "
              "request takeover purchase merger investment loan layoffs results price_fixing negotiation approval "
              "sanction meeting visit mobilize interview announcement plan match win goal").split()


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    """The German typology and trigger file as written."""
    text = resources.files("newsgraph.data").joinpath("events.v2.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def test_every_type_has_plover_ace_and_cameo_keys(raw: dict[str, Any]) -> None:
    for name, spec in raw["types"].items():
        assert {"plover", "ace", "cameo"} <= set(spec), name
        assert spec["plover"] is None or spec["plover"] in PLOVER, name
        assert spec["ace"] is None or spec["ace"] in ACE_SUBTYPES, name


def test_typology_covers_ace_plover_and_common_news_kinds(raw: dict[str, Any]) -> None:
    types = raw["types"]
    assert set(ACE_SUBTYPES) <= {spec["ace"] for spec in types.values()}
    assert set(PLOVER) <= {spec["plover"] for spec in types.values()}
    assert set(NEWS_KINDS) <= set(types)


def test_every_trigger_names_a_known_type_and_every_type_has_a_trigger(raw: dict[str, Any]) -> None:
    types = set(raw["types"])
    used = set(raw["noun_triggers"].values()) | set(raw.get("exact_noun_triggers", {}).values())
    for spec in raw["verb_triggers"].values():
        used |= {spec["type"], *spec.get("objects", {}).values(), *spec.get("contexts", {}).values()}
    used |= {phrase["type"] for phrase in raw["phrases"] if phrase["type"] is not None}  # None: a blocking phrase
    assert used <= types, sorted(used - types)
    # statements come from quotes and speech verbs, not from the trigger lists
    assert types - used == {"statement"}


def test_extracted_events_carry_plover_and_ace_codes(make_doc: MakeDoc) -> None:
    doc = make_doc("Die Polizei verhaftete Anna Berger in Graz.", ents=[("Anna Berger", "PER"), ("Graz", "LOC")],
                   verbs={"verhaftete": "verhaften"})
    events = extract_events(doc)
    arrest = next(e for e in events if e.type == "arrest")
    assert (arrest.plover, arrest.ace) == ("COERCE", "Justice:Arrest-Jail")
    lexicon = load_event_lexicon()
    assert lexicon.types["arrest"].ace == "Justice:Arrest-Jail"
