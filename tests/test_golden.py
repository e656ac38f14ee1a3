"""Golden snapshot of the seed output: fails with a readable diff when extraction changes.

Regenerate on purpose with ``make golden`` after reviewing the diff.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import pytest

from conftest import requires_model

sys.path.insert(0, str(Path(__file__).parent / "golden"))
from regenerate import GOLDEN, snapshot  # noqa: E402


@requires_model
@pytest.mark.model
def test_seed_output_matches_golden_snapshot() -> None:
    expected = GOLDEN.read_text(encoding="utf-8")
    actual = snapshot()
    if actual != expected:
        diff = "".join(difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True),
            fromfile="tests/golden/seeds.json", tofile="current output", n=2))
        pytest.fail(f"seed extraction changed (run `make golden` if intended):\n{diff}")
