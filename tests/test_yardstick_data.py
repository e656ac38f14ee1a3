"""Consistency of the yardstick references (tests/data/yardstick/<lang>/<split>/<article_id>.expected.json).

No model is needed: each reference is checked against its article text (read from ../shared/data by id) and
against ../shared/ANNOTATION.md's inventory, so a typo cannot silently move the figures of
benchmarks/eval_extraction.py --set.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import yardstick  # noqa: E402  (benchmarks/ is not a package)

ENTITY_TYPES = {"PER", "ORG", "GPE", "LOC", "NORP"}
RELATION_TYPES = {
    "holds_role_in", "member_of", "leads", "part_of", "located_in", "opposes", "ally_of", "supports", "governs",
    "controls", "represented_in", "shareholder_of", "syndicated_with", "spouse_of", "child_of", "sibling_of",
    "originates_from",
}
MODALITIES = {"asserted", "reported", "intended", "considered", "feared", "denied", "hypothetical"}
TOP_KEYS = {"article_id", "split", "language", "about", "entities", "relations", "events"}
ENTITY_KEYS = {"name", "type", "mentions", "role", "affiliation", "note"}
RELATION_KEYS = {"source", "relation", "target", "evidence", "evidence_span", "note", "seats", "share", "modality"}
EVENT_KEYS = {"type", "trigger", "participants", "target", "where", "when", "count", "modality", "evidence",
              "evidence_span", "quote", "quote_span", "note"}

FILES = yardstick.reference_files()
IDS = [path.name for path in FILES]
SHARED_AVAILABLE = yardstick.SHARED_DATA.is_dir()
needs_shared = pytest.mark.skipif(not SHARED_AVAILABLE, reason="../shared/data is not beside the checkout")


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def test_yardstick_has_both_splits_per_language() -> None:
    by_lang: dict[str, set[str]] = {}
    for path in FILES:
        by_lang.setdefault(path.parent.parent.name, set()).add(path.parent.name)
    assert by_lang.get("de") == {"tune", "test"}, by_lang


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_reference_structure(path: Path) -> None:
    gold = yardstick.json.loads(path.read_text(encoding="utf-8"))
    assert set(gold) <= TOP_KEYS and {"article_id", "split", "language", "entities"} <= set(gold), set(gold)
    assert path.name == f"{gold['article_id']}.expected.json"
    assert gold["split"] == path.parent.name in ("tune", "test")
    assert gold["language"] == path.parent.parent.name
    names = [entity["name"] for entity in gold["entities"]]
    assert len(names) == len(set(names)), "an entity is listed twice"
    for entity in gold["entities"]:
        assert set(entity) <= ENTITY_KEYS and entity["type"] in ENTITY_TYPES and entity["mentions"], entity
        assert entity.get("affiliation") in (None, *names), entity
    for relation in gold["relations"]:
        assert set(relation) <= RELATION_KEYS and relation["relation"] in RELATION_TYPES, relation
        assert relation["source"] in names and relation["target"] in names, relation
        assert {"evidence", "evidence_span"} & set(relation), relation
    for event in gold["events"]:
        assert set(event) <= EVENT_KEYS and event["modality"] in MODALITIES and event["type"], event
        arguments = [*event["participants"], *_listed(event.get("target")), *_listed(event.get("where"))]
        assert all(name in names for name in arguments), event
        assert {"evidence", "evidence_span", "quote", "quote_span"} & set(event), event


@needs_shared
@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_reference_matches_its_text(path: Path) -> None:
    text, gold = yardstick.load_reference(path)
    missing = [(entity["name"], mention) for entity in gold["entities"] for mention in entity["mentions"]
               if unicodedata.normalize("NFC", mention) not in text]
    items = [("relation", relation) for relation in gold["relations"]] + [("event", e) for e in gold["events"]]
    for kind, item in items:
        for key in ("evidence", "quote", "trigger"):
            if key in item and yardstick.fragment_span(item[key], text) is None:
                missing.append((kind, item[key]))
        for key in ("evidence_span", "quote_span"):
            if key in item:
                start, end = item[key]
                if not 0 <= start < end <= len(text):
                    missing.append((kind, f"{key} {item[key]}"))
    assert not missing, f"not in the text of {gold['article_id']}: {missing}"
