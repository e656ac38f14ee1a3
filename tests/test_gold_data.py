"""Consistency of the hand-made gold files (tests/data/*.expected.json and the seed reference).

No model is needed: these tests check the annotations against their own texts, so a typo in a
mention, a relation that names an entity missing from the file, or evidence that is not copied
verbatim is caught before it silently lowers (or raises) the figures of benchmarks/eval_extraction.py.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests/data"
SEED_TEXT = ROOT / "seeds/000_8bf24d917596bb10.txt"
SEED_EXPECTED = ROOT.parent / "shared/seeds/000_8bf24d917596bb10.expected.json"

ENTITY_TYPES = {"PER", "ORG", "GPE", "LOC", "NORP"}
RELATION_TYPES = {
    "holds_role_in", "member_of", "part_of", "located_in", "ally_of", "opposes", "controls", "supplies",
    "cooperates_with",
}
MODALITIES = {"asserted", "reported", "intended", "considered", "feared", "hypothetical", "negated"}
TOP_KEYS = {"about", "language", "entities", "relations", "events"}
ENTITY_KEYS = {"name", "type", "mentions"}
ENTITY_OPTIONAL = {"role", "affiliation", "note"}
RELATION_KEYS = {"source", "relation", "target", "evidence"}
EVENT_KEYS = {"type", "participants", "modality"}
EVENT_OPTIONAL = {"when", "where", "target", "count", "evidence", "quote", "note"}


def _pairs() -> list[tuple[Path, Path]]:
    pairs = [(SEED_TEXT, SEED_EXPECTED)] if SEED_EXPECTED.exists() else []
    for expected in sorted(DATA.glob("*.expected.json")):
        pairs.append((expected.with_name(expected.name.replace(".expected.json", ".txt")), expected))
    return pairs


PAIRS = _pairs()
IDS = [expected.name for _, expected in PAIRS]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _load(pair: tuple[Path, Path]) -> tuple[str, dict[str, Any]]:
    text_path, expected_path = pair
    text = _nfc(text_path.read_text(encoding="utf-8"))
    gold = json.loads(expected_path.read_text(encoding="utf-8"))
    return text, gold


def _occurs(fragment: str, text: str) -> bool:
    """True if ``fragment`` is in ``text``; '...' / '…' in a fragment stand for omitted text (in order)."""
    parts = [p.strip() for p in re.split(r"\.\.\.|…", _nfc(fragment)) if p.strip()]
    position = 0
    for part in parts:
        found = text.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return bool(parts)


def _mention_occurs(mention: str, text: str) -> bool:
    """A mention occurs verbatim; the seed's annotator notes such as 'Moskau (as government)' are allowed."""
    if _occurs(mention, text):
        return True
    bare = re.sub(r"\s*\([^)]*\)$", "", mention)
    return bare != mention and _occurs(bare, text)


def test_gold_files_exist() -> None:
    assert len(list(DATA.glob("*.expected.json"))) >= 3
    assert (DATA / "README.md").exists()


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_text_beside_expected(pair: tuple[Path, Path]) -> None:
    text_path, _ = pair
    assert text_path.exists(), f"{text_path} missing"
    assert text_path.read_text(encoding="utf-8").strip()


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_structure(pair: tuple[Path, Path]) -> None:
    _, gold = _load(pair)
    assert TOP_KEYS <= gold.keys(), f"missing top-level keys {TOP_KEYS - gold.keys()}"
    assert gold["language"] == "de"
    assert isinstance(gold["about"], str) and gold["about"]
    for key in ("entities", "relations", "events"):
        assert isinstance(gold[key], list)
    assert gold["entities"], "no entities"
    for entity in gold["entities"]:
        assert ENTITY_KEYS <= entity.keys(), entity
        assert not entity.keys() - ENTITY_KEYS - ENTITY_OPTIONAL, entity
        assert entity["type"] in ENTITY_TYPES, entity
        assert isinstance(entity["name"], str) and entity["name"].strip() == entity["name"] != ""
        assert isinstance(entity["mentions"], list) and entity["mentions"], entity
        assert all(isinstance(m, str) and m for m in entity["mentions"]), entity
    for relation in gold["relations"]:
        assert RELATION_KEYS <= relation.keys(), relation
        assert relation["relation"] in RELATION_TYPES, relation
    for event in gold["events"]:
        assert EVENT_KEYS <= event.keys(), event
        assert not event.keys() - EVENT_KEYS - EVENT_OPTIONAL, event
        assert event["modality"] in MODALITIES, event
        assert isinstance(event["participants"], list), event
        assert "evidence" in event or "quote" in event, event
        assert isinstance(event["type"], str) and re.fullmatch(r"[a-z_]+", event["type"]), event
        if "count" in event:
            assert isinstance(event["count"], int) and event["count"] > 0, event


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_entities_unique(pair: tuple[Path, Path]) -> None:
    _, gold = _load(pair)
    names = [e["name"].casefold() for e in gold["entities"]]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    assert not duplicates, f"entities listed twice: {duplicates}"


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_mentions_occur_in_text(pair: tuple[Path, Path]) -> None:
    text, gold = _load(pair)
    missing = [(e["name"], m) for e in gold["entities"] for m in e["mentions"] if not _mention_occurs(m, text)]
    assert not missing, f"mentions not in the text: {missing}"


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_relations_name_entities(pair: tuple[Path, Path]) -> None:
    _, gold = _load(pair)
    names = {e["name"] for e in gold["entities"]}
    dangling = [(r["source"], r["relation"], r["target"]) for r in gold["relations"]
                if r["source"] not in names or r["target"] not in names]
    assert not dangling, f"relations naming no entity of the file: {dangling}"


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_event_arguments_name_entities(pair: tuple[Path, Path]) -> None:
    _, gold = _load(pair)
    names = {e["name"] for e in gold["entities"]}
    bad = []
    for event in gold["events"]:
        bad += [(event["type"], p) for p in event["participants"] if p not in names]
        if "target" in event and event["target"] not in names:
            bad.append((event["type"], event["target"]))
        if "where" in event and event["where"] not in names:
            bad.append((event["type"], event["where"]))
    assert not bad, f"event arguments naming no entity of the file: {bad}"


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_evidence_occurs_in_text(pair: tuple[Path, Path]) -> None:
    text, gold = _load(pair)
    fragments = [("relation", r["evidence"]) for r in gold["relations"]]
    fragments += [(f"event {e['type']} {key}", e[key]) for e in gold["events"] for key in ("evidence", "quote")
                  if key in e]
    missing = [(where, fragment) for where, fragment in fragments if not _occurs(fragment, text)]
    assert not missing, f"evidence not copied from the text: {missing}"


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_role_affiliation_names_entity(pair: tuple[Path, Path]) -> None:
    _, gold = _load(pair)
    names = {e["name"] for e in gold["entities"]}
    bad = [(e["name"], e["affiliation"]) for e in gold["entities"]
           if "affiliation" in e and e["affiliation"] not in names]
    assert not bad, f"affiliations naming no entity of the file: {bad}"


@pytest.mark.parametrize("pair", [p for p in PAIRS if p[0].parent == DATA], ids=[
    e.name for t, e in PAIRS if t.parent == DATA])
def test_text_is_verbatim_10kgnad(pair: tuple[Path, Path]) -> None:
    """The article texts are copied verbatim from the 10kGNAD test split named in the gold file."""
    articles = ROOT.parent / "shared/data/de/news/10kgnad/articles.jsonl"
    if not articles.exists():
        pytest.skip("10kGNAD copy not available")
    text_path, expected_path = pair
    gold = json.loads(expected_path.read_text(encoding="utf-8"))
    match = re.search(r"10kgnad-test-\d{4}", gold["about"])
    assert match, "the 'about' field names the 10kGNAD article id"
    by_id = {}
    with open(articles, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            by_id[record["id"]] = record["text"]
    assert text_path.read_text(encoding="utf-8").rstrip("\n") == by_id[match.group(0)]
