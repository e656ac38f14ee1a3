"""Regenerate the golden snapshot of the seed output — only on purpose, after checking the change:

    .venv/bin/python tests/golden/regenerate.py        (or: make golden)
"""

from __future__ import annotations

import json
from pathlib import Path

import newsgraph
from newsgraph.canonical import canonical_results

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).with_name("seeds.json")


def snapshot() -> str:
    """The canonical JSON text of ``newsgraph extract seeds/`` with the shipped model."""
    results = newsgraph.extract([ROOT / "seeds"], lang="de")
    return json.dumps(canonical_results(results), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


if __name__ == "__main__":
    GOLDEN.write_text(snapshot(), encoding="utf-8")
    print(f"wrote {GOLDEN}")
