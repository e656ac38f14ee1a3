"""Golden snapshots of the seed folder and of every tests/data/*.txt article: a test fails with a
readable diff (what entities, relations and events changed, then the JSON lines) when extraction
changes. Regenerate on purpose with ``make golden`` after reviewing the diff.
"""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path

import pytest

from support import requires_model
from newsgraph.tools.diff import diff_canonical

sys.path.insert(0, str(Path(__file__).parent / "golden"))
import regenerate  # noqa: E402

SNAPSHOTS = regenerate.inputs()
MAX_DIFF_LINES = 150


def _explain(name: str, expected_text: str, actual_text: str) -> str:
    label = f"tests/golden/{name}"
    summary = diff_canonical(json.loads(expected_text), json.loads(actual_text), labels=(label, "current output"))
    lines = list(difflib.unified_diff(
        expected_text.splitlines(keepends=True), actual_text.splitlines(keepends=True),
        fromfile=label, tofile="current output", n=2))
    if len(lines) > MAX_DIFF_LINES:
        lines = lines[:MAX_DIFF_LINES] + [f"… {len(lines) - MAX_DIFF_LINES} more diff lines\n"]
    return (f"{label}: extraction changed (run `make golden` if intended)\n\n"
            f"{summary.to_text(max_rows=60)}\n\n{''.join(lines)}")


@requires_model
@pytest.mark.model
@pytest.mark.parametrize("name", list(SNAPSHOTS))
def test_output_matches_golden_snapshot(name: str) -> None:
    golden = regenerate.GOLDEN_DIR / name
    if not golden.exists():
        pytest.fail(f"tests/golden/{name}: no snapshot for {SNAPSHOTS[name].relative_to(regenerate.ROOT)}; "
                    "review its output and run `make golden`", pytrace=False)
    expected = golden.read_text(encoding="utf-8")
    actual = regenerate.snapshot(SNAPSHOTS[name])
    if actual != expected:
        pytest.fail(_explain(name, expected, actual), pytrace=False)


def test_no_stale_snapshots() -> None:
    stale = sorted(
        path.relative_to(regenerate.GOLDEN_DIR).as_posix()
        for path in (regenerate.GOLDEN_DIR / "data").glob("*.json")
        if path.relative_to(regenerate.GOLDEN_DIR).as_posix() not in SNAPSHOTS
    )
    assert not stale, f"snapshots without an article in tests/data: {stale}; run `make golden`"


def test_failure_message_names_the_changes() -> None:
    """The explanation a failing snapshot test prints, on a hand-made change (no model needed)."""
    old = [{"article": "a1", "error": None,
            "entities": [{"id": "Q1", "name": "Kerry", "type": "PER", "mentions": [["Kerry", 0, 5]]}],
            "relations": [["Q1", "meets", "Q2", "asserted", 0, 20]], "events": []}]
    new = [{"article": "a1", "error": None,
            "entities": [{"id": "Q1", "name": "John Kerry", "type": "PER", "mentions": [["Kerry", 0, 5]]}],
            "relations": [], "events": [["meeting", "asserted", "trifft", 6, [["agent", "Q1"]]]]}]
    text = _explain("seeds.json", regenerate.dumps(old), regenerate.dumps(new))
    assert "make golden" in text
    assert "~ entity   John Kerry (Q1)  [name: 'Kerry' → 'John Kerry']" in text
    assert "- relation John Kerry (Q1) -meets-> Q2" in text
    assert "+ event    meeting «trifft»" in text
    assert "--- tests/golden/seeds.json" in text and '+    "name": "John Kerry",' in text
