"""The yardstick: hand-made references of real articles (tests/data/yardstick/<lang>/<split>/), read with their texts.

Each reference names its article by ``article_id``; the text is read from the corpus in ``../shared/data`` it
comes from (never copied into the project). ``benchmarks/eval_extraction.py --set`` scores against these files and
``tests/test_yardstick_data.py`` checks them against their texts.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

import hipe_texts  # benchmarks/ is on sys.path for its scripts and tests

ROOT = Path(__file__).resolve().parents[1]
YARDSTICK = ROOT / "tests/data/yardstick"
SHARED_DATA = ROOT.parent / "shared/data"

# article-id prefix -> the JSONL file (under ../shared/data) whose rows carry "id" and "text"
JSONL_SOURCES: dict[str, str] = {
    "10kgnad-": "de/news/10kgnad/articles.jsonl",
    "GUM_": "multi/en_gum_news/articles.jsonl",
}


@lru_cache(maxsize=None)
def _jsonl_texts(relative: str) -> dict[str, str]:
    with open(SHARED_DATA / relative, encoding="utf-8") as handle:
        rows = (json.loads(line) for line in handle if line.strip())
        return {row["id"]: row["text"] for row in rows}


def article_text(article_id: str) -> str:
    """The NFC text of a yardstick article, read from the corpus its id names.

    Raises:
        KeyError: no known corpus has this id.
    """
    for prefix, relative in JSONL_SOURCES.items():
        if article_id.startswith(prefix):
            return unicodedata.normalize("NFC", _jsonl_texts(relative)[article_id])
    if article_id.startswith(hipe_texts.PREFIX):
        return unicodedata.normalize("NFC", hipe_texts.article_text(article_id))
    raise KeyError(f"no corpus under {SHARED_DATA} holds article {article_id!r}")


def reference_files(folder: Path = YARDSTICK) -> list[Path]:
    """Every ``*.expected.json`` below ``folder`` (a language, a split, or the whole yardstick), sorted."""
    return sorted(Path(folder).rglob("*.expected.json"))


def load_reference(path: Path) -> tuple[str, dict[str, Any]]:
    """A reference and its article's text."""
    gold = json.loads(Path(path).read_text(encoding="utf-8"))
    return article_text(gold["article_id"]), gold


def fragment_span(fragment: str, text: str) -> tuple[int, int] | None:
    """Where an evidence fragment lies in ``text`` ('...'/'…' mark omissions: the parts in order), or None."""
    parts = [p.strip() for p in re.split(r"\.\.\.|…", unicodedata.normalize("NFC", fragment)) if p.strip()]
    start = position = -1
    for part in parts:
        found = text.find(part, max(position, 0))
        if found < 0:
            return None
        start = found if start < 0 else start
        position = found + len(part)
    return (start, position) if parts else None
