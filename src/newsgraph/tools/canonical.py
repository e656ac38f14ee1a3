"""Canonical, order-independent form of extraction results, for golden files and diffs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from newsgraph.records import ArticleResult


def canonical_result(result: ArticleResult) -> dict[str, Any]:
    """One article's extraction as sorted plain data: no model name, no timestamps."""
    entities = sorted(
        (
            {
                "id": e.id,
                "name": e.name,
                "type": e.type,
                "mentions": sorted([m.text, m.start, m.end] for m in e.mentions),
            }
            for e in result.entities
        ),
        key=lambda e: (e["type"], e["name"], e["id"]),
    )
    relations = sorted(
        (r.source, r.type, r.target, r.modality, r.evidence.start, r.evidence.end) for r in result.relations
    )
    events = sorted(
        (ev.type, ev.modality, ev.trigger.text, ev.trigger.start,
         sorted((a.role, a.entity_id or a.text) for a in ev.arguments))
        for ev in result.events
    )
    return {
        "article": result.article.id,
        "error": result.error,
        "entities": entities,
        "relations": [list(r) for r in relations],
        "events": [list(e) for e in events],
    }


def canonical_results(results: Iterable[ArticleResult]) -> list[dict[str, Any]]:
    """Canonical form of many articles, sorted by article id."""
    return sorted((canonical_result(r) for r in results), key=lambda r: r["article"])
