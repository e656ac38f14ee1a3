"""The view's data: nodes, edges, legend groups and capped evidence snippets of results, ready for the page."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsgraph.graph.build import CorpusAggregate, EventNode, RelationEdge
from newsgraph.records import ArticleResult, Entity
from newsgraph.tools.view.layout import layout

GROUPS: dict[str, tuple[str, str]] = {
    "PER": ("person", "#e15759"),
    "ORG": ("organisation", "#4e79a7"),
    "GPE": ("country, city, state", "#59a14f"),
    "LOC": ("place", "#9c755f"),
    "NORP": ("nationality, group", "#b07aa1"),
    "EVENT": ("named event", "#f28e2b"),
    "MISC": ("other name", "#76b7b2"),
    "event": ("event (extracted)", "#edc948"),
    "article": ("article", "#9aa5b1"),
    "unknown": ("unknown type", "#bab0ac"),
}
"""Node group → (legend label, colour). Entities are grouped by type; event and article nodes have their own."""
ARTICLE_PREFIX = "article:"
"""An article node's id is its article id behind this prefix (no entity id starts with it)."""

_SNIPPET_CHARS = 160  # context kept on each side of a mention, at most
_EVIDENCE_CHARS = 320  # relation evidence and quotes are cut to this
_BOUNDARY = re.compile(r"(?<=[.!?])\s+|\n+")
_QID = re.compile(r"Q[1-9][0-9]*")


def group_of(entity_type: str) -> str:
    """The legend group of an entity type (``unknown`` for types without their own colour)."""
    return entity_type if entity_type in GROUPS and entity_type not in {"event", "article"} else "unknown"


def cut(text: str, limit: int = _EVIDENCE_CHARS) -> str:
    """``text`` cut to ``limit`` characters, marked with ``…`` when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def sentence_around(text: str, start: int, end: int, *, width: int = _SNIPPET_CHARS) -> tuple[str, str, str]:
    """The sentence around ``text[start:end]`` as ``(before, span, after)``.

    Sentence ends are found with a light heuristic (``.``/``!``/``?`` before a blank, or a line
    break) within ``width`` characters on each side; a cut elsewhere is marked with ``…``.
    """
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    window_start = max(0, start - width)
    bounds = [match.end() for match in _BOUNDARY.finditer(text, window_start, start)]
    left = bounds[-1] if bounds else window_start
    match = _BOUNDARY.search(text, end, min(len(text), end + width))
    right = match.start() if match else min(len(text), end + width)
    before = ("…" if left > 0 and not bounds else "") + text[left:start].lstrip()
    after = text[end:right].rstrip() + ("…" if not match and right < len(text) else "")
    return before, text[start:end], after


@dataclass
class _Evidence:
    """Capped evidence snippets for one node, gathered while streaming the results."""

    snippets: list[dict[str, str]] = field(default_factory=list)
    seen: set[tuple[str, int]] = field(default_factory=set)
    total: int = 0


def _article_label(result: ArticleResult) -> dict[str, str]:
    article = result.article
    label = article.title or (Path(article.path).name if article.path and article.path != "-" else "") or article.id
    return {"title": label, "date": article.date or "", "url": article.url or ""}


@dataclass
class _Gathered:
    """What one pass over the results collects: corpus totals, evidence per entity and per event trigger, and
    the articles' labels."""

    aggregate: CorpusAggregate = field(default_factory=CorpusAggregate)
    evidence: dict[str, _Evidence] = field(default_factory=dict)
    event_evidence: dict[tuple[str, int, int], dict[str, str]] = field(default_factory=dict)
    articles: dict[str, dict[str, str]] = field(default_factory=dict)
    mentioned: dict[str, Counter[str]] = field(default_factory=dict)
    """Article id → how often it mentions each entity id."""


def _gather(results: Iterable[ArticleResult], max_evidence: int) -> _Gathered:
    """Stream the results once: merge them and keep at most ``max_evidence`` sentences per entity."""
    gathered = _Gathered()
    for result in results:
        gathered.aggregate.add(result)
        article_id = result.article.id
        gathered.articles.setdefault(article_id, _article_label(result))
        mentioned = gathered.mentioned.setdefault(article_id, Counter())
        for mention in sorted(result.mentions, key=lambda m: (m.start, m.end)):
            if mention.entity_id is None:
                continue
            mentioned[mention.entity_id] += 1
            node = gathered.evidence.setdefault(mention.entity_id, _Evidence())
            node.total += 1
            before, span, after = sentence_around(result.article.part_text(mention.part), mention.start, mention.end)
            key = (article_id, mention.start - len(before))
            if len(node.snippets) < max_evidence and key not in node.seen:
                node.seen.add(key)
                node.snippets.append({"article": article_id, "before": before, "text": span, "after": after})
        for event in result.events:
            before, span, after = sentence_around(result.article.part_text(event.trigger.part), event.trigger.start,
                                                  event.trigger.end)
            gathered.event_evidence[article_id, event.trigger.start, event.trigger.end] = {
                "article": article_id, "before": before, "text": span, "after": after,
            }
    return gathered


def _shown_entities(entities: list[Entity], referenced: set[str], max_entities: int) -> list[Entity]:
    """The ``max_entities`` most mentioned entities, topped up with stubs for ids that relations and events name
    but no entity record lists."""
    listed = {entity.id for entity in entities}
    stubs = [Entity(id=i, name=i, type="MISC", mention_count=0) for i in sorted(referenced - listed)]
    ranked = sorted(entities, key=lambda e: (-e.mention_count, e.name, e.id))
    return ranked[:max_entities] + stubs[: max(0, max_entities - len(ranked))]


def _entity_nodes(shown: list[Entity], listed: set[str], evidence: dict[str, _Evidence]) -> list[dict[str, Any]]:
    """One node per shown entity, by id; a stub (not in ``listed``) has the ``unknown`` group and no type."""
    nodes: list[dict[str, Any]] = []
    for entity in sorted(shown, key=lambda e: e.id):
        node_evidence = evidence.get(entity.id, _Evidence())
        nodes.append({
            "id": entity.id,
            "kind": "entity",
            "label": entity.name,
            "group": "unknown" if entity.id not in listed else group_of(entity.type),
            "type": entity.type if entity.id in listed else "",
            "mentions": entity.mention_count,
            "articles": len(entity.articles),
            "aliases": [alias for alias in entity.aliases if alias != entity.name][:20],
            "wikidata": bool(_QID.fullmatch(entity.id)),
            "size": round(min(80.0, 16 + 8 * math.sqrt(entity.mention_count)), 1),
            "evidence": node_evidence.snippets,
            "more": max(0, node_evidence.total - len(node_evidence.snippets)),
        })
    return nodes


def _relation_edges(relations: list[RelationEdge], shown_ids: set[str],
                    articles: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """The relations between shown entities; an article the results did not label gets its id as title."""
    edges: list[dict[str, Any]] = []
    for n, relation in enumerate(relations):
        if relation.source in shown_ids and relation.target in shown_ids:
            label = relation.type if relation.modality == "asserted" else f"{relation.type} ({relation.modality})"
            edges.append({
                "id": f"r{n}", "kind": "relation", "source": relation.source, "target": relation.target,
                "label": label, "type": relation.type, "modality": relation.modality,
                "article": relation.article, "evidence": cut(relation.evidence),
            })
            articles.setdefault(relation.article, {"title": relation.article, "date": "", "url": ""})
    return edges


def _event_graph(events: list[EventNode], shown_ids: set[str],
                 event_evidence: dict[tuple[str, int, int], dict[str, str]], max_events: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Event nodes (those touching a shown entity, or with no entity arguments; ``max_events`` at most) and
    their role edges."""
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    for item in events:
        linked = [role for role in item.roles if role.entity_id in shown_ids]
        if item.roles and not linked:
            continue
        if len(nodes) >= max_events:
            break
        snippet = event_evidence.get((item.article, item.trigger_start, item.trigger_end))
        nodes.append({
            "id": item.key, "kind": "event", "label": f"{item.type}: {item.trigger}", "group": "event",
            "type": item.type, "modality": item.modality, "trigger": item.trigger,
            "time": item.time, "date": item.date, "quote": cut(item.quote), "article": item.article,
            "literals": item.literal_arguments, "size": 26,
            "evidence": [snippet] if snippet else [], "more": 0,
        })
        for m, role in enumerate(linked):
            edges.append({
                "id": f"{item.key}#{m}", "kind": "role", "source": item.key, "target": role.entity_id,
                "label": role.role, "text": role.text,
            })
    return nodes, edges


def _article_graph(gathered: _Gathered, shown_ids: set[str], event_nodes: list[dict[str, Any]],
                   max_articles: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Article nodes and their edges: an article to each shown entity it mentions, an event to its article.

    The ``max_articles`` articles that mention the most shown entities get a node, so the stories a corpus tells
    hold their entities together instead of leaving them as loose dots.
    """
    linked = {article: [e for e in sorted(counts) if e in shown_ids] for article, counts in gathered.mentioned.items()}
    with_events = {node["article"] for node in event_nodes}
    ranked = sorted(gathered.articles, key=lambda a: (-len(linked.get(a, [])), a))
    chosen = [a for a in ranked if linked.get(a) or a in with_events][:max_articles]
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    for article_id in sorted(chosen):
        label = gathered.articles[article_id]
        node_id = ARTICLE_PREFIX + article_id
        nodes.append({
            "id": node_id, "kind": "article", "label": cut(label["title"], 48), "group": "article",
            "article": article_id, "size": 18, "evidence": [], "more": 0,
        })
        for entity_id in linked.get(article_id, []):
            count = gathered.mentioned[article_id][entity_id]
            edges.append({"id": f"{node_id}>{entity_id}", "kind": "mention", "source": node_id, "target": entity_id,
                          "label": f"mentions ×{count}" if count > 1 else "mentions"})
    shown_articles = set(chosen)
    for node in event_nodes:
        if node["article"] in shown_articles:
            edges.append({"id": f"{node['id']}>article", "kind": "in", "source": node["id"],
                          "target": ARTICLE_PREFIX + node["article"], "label": "reported in"})
    return nodes, edges


def _place(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> None:
    """Give every node its ``x``/``y`` (see :mod:`newsgraph.tools.view.layout`)."""
    positions = layout([node["id"] for node in nodes], [(edge["source"], edge["target"]) for edge in edges])
    for node in nodes:
        node["x"], node["y"] = positions[node["id"]]


def _legend(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The legend: the groups that have nodes, in ``GROUPS`` order, with their counts."""
    counts = Counter(node["group"] for node in nodes)
    return [
        {"key": key, "label": label, "color": color, "count": counts[key]}
        for key, (label, color) in GROUPS.items() if counts[key]
    ]


def _used_articles(nodes: list[dict[str, Any]], edges: list[dict[str, Any]],
                   articles: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The labels of the articles that some node, edge or snippet refers to, by id."""
    used = {s["article"] for node in nodes for s in node["evidence"]} | {e.get("article") for e in edges}
    used |= {node.get("article") for node in nodes}
    return {key: value for key, value in sorted(articles.items()) if key in used}


def build_view_data(
    results: Iterable[ArticleResult],
    *,
    max_entities: int = 300,
    max_evidence: int = 5,
    max_articles: int = 300,
    title: str = "newsgraph",
) -> dict[str, Any]:
    """The data the HTML page shows: nodes, edges, legend groups and capped evidence snippets.

    ``results`` is read once. Entity nodes are the ``max_entities`` most mentioned entities
    (merged across articles as in ``build_graph``); event nodes are the events whose arguments
    touch them (or have no entity arguments), at most ``max_entities`` too. Each entity keeps
    ``max_evidence`` evidence sentences (one per sentence), so the page stays small. Article nodes (the
    ``max_articles`` articles that mention the most shown entities) link each story's entities and events, and
    every node gets a precomputed position (``x``, ``y``): the layout is the same on every load.

    Args:
        results: ArticleResults, e.g. ``read_results(out / "articles.jsonl")``.
        max_entities: Entity nodes to show at most.
        max_evidence: Evidence snippets per node at most.
        max_articles: Article nodes at most.
        title: Page heading.

    Returns:
        JSON-ready data for ``render_view``.
    """
    gathered = _gather(results, max_evidence)
    aggregate = gathered.aggregate
    entities, relations, events = aggregate.entities(), aggregate.relations(), aggregate.events()
    referenced = {r.source for r in relations} | {r.target for r in relations}
    referenced |= {role.entity_id for item in events for role in item.roles}
    shown = _shown_entities(entities, referenced, max_entities)
    shown_ids = {entity.id for entity in shown}

    nodes = _entity_nodes(shown, {entity.id for entity in entities}, gathered.evidence)
    edges = _relation_edges(relations, shown_ids, gathered.articles)
    event_nodes, role_edges = _event_graph(events, shown_ids, gathered.event_evidence, max_entities)
    article_nodes, article_edges = _article_graph(gathered, shown_ids, event_nodes, max_articles)
    nodes += event_nodes + article_nodes
    edges += role_edges + article_edges
    _place(nodes, edges)
    return {
        "title": title,
        "stats": {
            "articles": aggregate.articles_ok + aggregate.articles_failed,
            "failed": aggregate.articles_failed,
            "entities": len(entities),
            "entities_shown": sum(1 for node in nodes if node["kind"] == "entity"),
            "relations": aggregate.relation_count,
            "events": aggregate.event_count,
            "events_shown": len(event_nodes),
            "articles_shown": len(article_nodes),
        },
        "groups": _legend(nodes),
        "nodes": nodes,
        "edges": edges,
        "articles": _used_articles(nodes, edges, gathered.articles),
    }


__all__ = ["ARTICLE_PREFIX", "GROUPS", "build_view_data", "cut", "group_of", "sentence_around"]
