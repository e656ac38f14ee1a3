"""Paths and markers shared by the tests (a plain module: import it as ``from support import ...``)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED_TEXT = SEEDS / "000_8bf24d917596bb10.txt"
EXPECTED_SEED = ROOT.parent / "shared/seeds/000_8bf24d917596bb10.expected.json"
SHIPPED_MODEL = ROOT / "models/de_newsgraph"

requires_model = pytest.mark.skipif(
    not (SHIPPED_MODEL / "meta.json").exists(), reason="the trained German pipeline is not in models/"
)
