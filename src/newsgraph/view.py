"""Look at results: one self-contained interactive HTML page of the graph, and notebook HTML reprs."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from newsgraph.errors import ExportError
from newsgraph.export import ARTICLES_FILE, VIEW_FILE, output_lock, read_results, recover, replace_output_file
from newsgraph.graph import CorpusAggregate, build_graph
from newsgraph.records import ArticleResult, Entity


GROUPS: dict[str, tuple[str, str]] = {
    "PER": ("person", "#e15759"),
    "ORG": ("organisation", "#4e79a7"),
    "GPE": ("country, city, state", "#59a14f"),
    "LOC": ("place", "#9c755f"),
    "NORP": ("nationality, group", "#b07aa1"),
    "EVENT": ("named event", "#f28e2b"),
    "MISC": ("other name", "#76b7b2"),
    "event": ("event (extracted)", "#edc948"),
    "unknown": ("unknown type", "#bab0ac"),
}
"""Node group → (legend label, colour). Entities are grouped by type, event nodes form ``event``."""

_SNIPPET_CHARS = 160  # context kept on each side of a mention, at most
_EVIDENCE_CHARS = 320  # relation evidence and quotes are cut to this
_BOUNDARY = re.compile(r"(?<=[.!?])\s+|\n+")
_QID = re.compile(r"Q[1-9][0-9]*")


def _group(entity_type: str) -> str:
    return entity_type if entity_type in GROUPS and entity_type != "event" else "unknown"


def _cut(text: str, limit: int = _EVIDENCE_CHARS) -> str:
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


def build_view_data(
    results: Iterable[ArticleResult],
    *,
    max_entities: int = 300,
    max_evidence: int = 5,
    title: str = "newsgraph",
) -> dict[str, Any]:
    """The data the HTML page shows: nodes, edges, legend groups and capped evidence snippets.

    ``results`` is read once. Entity nodes are the ``max_entities`` most mentioned entities
    (merged across articles as in ``build_graph``); event nodes are the events whose arguments
    touch them (or have no entity arguments), at most ``max_entities`` too. Each entity keeps
    ``max_evidence`` evidence sentences (one per sentence), so the page stays small.

    Args:
        results: ArticleResults, e.g. ``read_results(out / "articles.jsonl")``.
        max_entities: Entity nodes to show at most.
        max_evidence: Evidence snippets per node at most.
        title: Page heading.

    Returns:
        JSON-ready data for ``render_view``.
    """
    aggregate = CorpusAggregate()
    evidence: dict[str, _Evidence] = {}
    event_evidence: dict[tuple[str, int, int], dict[str, str]] = {}
    articles: dict[str, dict[str, str]] = {}
    for result in results:
        aggregate.add(result)
        text = result.article.text
        article_id = result.article.id
        articles.setdefault(article_id, _article_label(result))
        for mention in sorted(result.mentions, key=lambda m: (m.start, m.end)):
            if mention.entity_id is None:
                continue
            node = evidence.setdefault(mention.entity_id, _Evidence())
            node.total += 1
            before, span, after = sentence_around(text, mention.start, mention.end)
            key = (article_id, mention.start - len(before))
            if len(node.snippets) < max_evidence and key not in node.seen:
                node.seen.add(key)
                node.snippets.append({"article": article_id, "before": before, "text": span, "after": after})
        for event in result.events:
            before, span, after = sentence_around(text, event.trigger.start, event.trigger.end)
            event_evidence[article_id, event.trigger.start, event.trigger.end] = {
                "article": article_id, "before": before, "text": span, "after": after,
            }

    entities = aggregate.entities()
    relations = aggregate.relations()
    events = aggregate.events()
    listed = {entity.id for entity in entities}
    referenced = {r.source for r in relations} | {r.target for r in relations}
    referenced |= {role.entity_id for item in events for role in item.roles}
    stubs = [Entity(id=i, name=i, type="MISC", mention_count=0) for i in sorted(referenced - listed)]
    ranked = sorted(entities, key=lambda e: (-e.mention_count, e.name, e.id))
    shown = ranked[:max_entities] + stubs[: max(0, max_entities - len(ranked))]
    shown_ids = {entity.id for entity in shown}

    nodes: list[dict[str, Any]] = []
    for entity in sorted(shown, key=lambda e: e.id):
        node_evidence = evidence.get(entity.id, _Evidence())
        nodes.append({
            "id": entity.id,
            "kind": "entity",
            "label": entity.name,
            "group": "unknown" if entity.id not in listed else _group(entity.type),
            "type": entity.type if entity.id in listed else "",
            "mentions": entity.mention_count,
            "articles": len(entity.articles),
            "aliases": [alias for alias in entity.aliases if alias != entity.name][:20],
            "wikidata": bool(_QID.fullmatch(entity.id)),
            "size": round(min(80.0, 16 + 8 * math.sqrt(entity.mention_count)), 1),
            "evidence": node_evidence.snippets,
            "more": max(0, node_evidence.total - len(node_evidence.snippets)),
        })

    edges: list[dict[str, Any]] = []
    for n, relation in enumerate(relations):
        if relation.source in shown_ids and relation.target in shown_ids:
            label = relation.type if relation.modality == "asserted" else f"{relation.type} ({relation.modality})"
            edges.append({
                "id": f"r{n}", "kind": "relation", "source": relation.source, "target": relation.target,
                "label": label, "type": relation.type, "modality": relation.modality,
                "article": relation.article, "evidence": _cut(relation.evidence),
            })
            articles.setdefault(relation.article, {"title": relation.article, "date": "", "url": ""})

    event_count = 0
    for item in events:
        linked = [role for role in item.roles if role.entity_id in shown_ids]
        if item.roles and not linked:
            continue
        if event_count >= max_entities:
            break
        event_count += 1
        snippet = event_evidence.get((item.article, item.trigger_start, item.trigger_end))
        nodes.append({
            "id": item.key, "kind": "event", "label": f"{item.type}: {item.trigger}", "group": "event",
            "type": item.type, "modality": item.modality, "trigger": item.trigger,
            "time": item.time, "date": item.date, "quote": _cut(item.quote), "article": item.article,
            "literals": item.literal_arguments, "size": 26,
            "evidence": [snippet] if snippet else [], "more": 0,
        })
        for m, role in enumerate(linked):
            edges.append({
                "id": f"{item.key}#{m}", "kind": "role", "source": item.key, "target": role.entity_id,
                "label": role.role, "text": role.text,
            })

    counts = Counter(node["group"] for node in nodes)
    groups = [
        {"key": key, "label": label, "color": color, "count": counts[key]}
        for key, (label, color) in GROUPS.items() if counts[key]
    ]
    used = {s["article"] for node in nodes for s in node["evidence"]} | {e.get("article") for e in edges}
    used |= {node.get("article") for node in nodes}
    return {
        "title": title,
        "stats": {
            "articles": aggregate.articles_ok + aggregate.articles_failed,
            "failed": aggregate.articles_failed,
            "entities": len(entities),
            "entities_shown": sum(1 for node in nodes if node["kind"] == "entity"),
            "relations": aggregate.relation_count,
            "events": aggregate.event_count,
            "events_shown": event_count,
        },
        "groups": groups,
        "nodes": nodes,
        "edges": edges,
        "articles": {key: value for key, value in sorted(articles.items()) if key in used},
    }


def _resource(*parts: str) -> str:
    return resources.files("newsgraph").joinpath("data", *parts).read_text(encoding="utf-8")


def script_json(data: Any) -> str:
    """``data`` as JSON that is safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e`` and ``\\u0026`` (so no ``</script>``
    or ``<!--`` can end or confuse the element); JSON.parse restores them.
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def _inline_script(code: str, name: str) -> str:
    if re.search(r"</script|<!--", code, re.IGNORECASE):
        raise ExportError(f"{name}: contains '</script' or '<!--' and cannot be inlined; re-vendor it.")
    return code


def _sha256(code: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii")


def render_view(data: dict[str, Any]) -> str:
    """The self-contained HTML page for ``build_view_data`` output.

    Everything is inline (vendored cytoscape.js, the page script and styles); data sits in a
    ``<script type="application/json">`` element and reaches the DOM only through
    ``textContent``. A Content-Security-Policy allows just the two inline scripts (by hash) and
    no network access.
    """
    library = _inline_script(_resource("vendor", "cytoscape.min.js"), "cytoscape.min.js")
    app = _inline_script(_resource("view", "view.js"), "view.js")
    style = _resource("view", "view.css")
    csp = (
        "default-src 'none'; img-src data: blob:; style-src 'unsafe-inline'; "
        f"script-src '{_sha256(library)}' '{_sha256(app)}'; base-uri 'none'; form-action 'none'"
    )
    title = html.escape(str(data.get("title") or "newsgraph"))
    return "".join([
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{html.escape(csp)}\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        "<meta name=\"generator\" content=\"newsgraph view\">\n",
        f"<title>{title}</title>\n<style>\n{style}</style>\n</head>\n<body>\n",
        "<header>\n<h1 id=\"title\"></h1><span id=\"stats\"></span>\n",
        "<input id=\"search\" type=\"search\" placeholder=\"Search names…\" autocomplete=\"off\" aria-label=\"Search names\">",
        "<span id=\"matches\"></span>\n<div id=\"filters\" aria-label=\"Types\"></div>\n</header>\n",
        "<main>\n<div id=\"graph\" aria-label=\"Graph\"></div>\n",
        "<aside id=\"panel\" aria-live=\"polite\"><p class=\"hint\">Click a node or an edge to see its evidence.</p></aside>\n",
        "</main>\n",
        f"<script type=\"application/json\" id=\"newsgraph-data\">{script_json(data)}</script>\n",
        f"<script>{library}</script>\n",
        f"<script>{app}</script>\n",
        "</body>\n</html>\n",
    ])


def view_html(
    results: Iterable[ArticleResult], *, max_entities: int = 300, max_evidence: int = 5, title: str = "newsgraph"
) -> str:
    """One self-contained interactive HTML page of the results' graph (see ``build_view_data``)."""
    return render_view(build_view_data(results, max_entities=max_entities, max_evidence=max_evidence, title=title))


def view_page(results: Iterable[ArticleResult], out_dir: Path, *, max_entities: int = 300,
              max_evidence: int = 5) -> str:
    """The page ``write_view`` writes for the results of the output folder ``out_dir`` (its title names it)."""
    return view_html(results, max_entities=max_entities, max_evidence=max_evidence,
                     title=f"newsgraph: {Path(out_dir).resolve().name}")


def write_view(
    out_dir: Path, target: Path | None = None, *, max_entities: int = 300, max_evidence: int = 5
) -> Path:
    """Write the interactive graph page of an output folder.

    Written into the folder (the default target), the page joins the folder's set of files: it is
    switched in together with an updated manifest, under the folder's lock, and the next
    ``newsgraph extract`` without ``--html`` removes it as stale.

    Args:
        out_dir: A folder written by ``write_outputs`` (``articles.jsonl`` is read).
        target: The HTML file to write; default ``out_dir / "graph.html"``.
        max_entities: Entity nodes to show at most (the most mentioned).
        max_evidence: Evidence snippets per node at most.

    Returns:
        The path written.

    Raises:
        ExportError: ``out_dir`` has no readable ``articles.jsonl``, ``target`` cannot be written, or
            another process is writing ``out_dir``.

    Example:
        >>> write_view(Path("newsgraph-out"))  # doctest: +SKIP
        PosixPath('newsgraph-out/graph.html')
    """
    out_dir = Path(out_dir)
    recover(out_dir)
    articles = out_dir / ARTICLES_FILE
    if not articles.is_file():
        raise ExportError(f"{out_dir}: no {ARTICLES_FILE} here; give a folder written by `newsgraph extract`.")
    default = out_dir / VIEW_FILE
    target = Path(target) if target is not None else default
    if os.path.realpath(target) == os.path.realpath(default):
        with output_lock(out_dir):
            page = view_page(read_results(articles), out_dir, max_entities=max_entities, max_evidence=max_evidence)
            replace_output_file(out_dir, VIEW_FILE, page)
        return target
    page = view_page(read_results(articles), out_dir, max_entities=max_entities, max_evidence=max_evidence)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(page, encoding="utf-8", newline="\n")
        os.replace(tmp, target)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"{target}: cannot write: {e.strerror or e}. Choose a path you can write to.") from e
    return target


# --- notebook reprs -------------------------------------------------------------------------

_TABLE = "border-collapse:collapse;margin:.4em 0;font-size:90%"
_CELL = "border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top"


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _table(headers: list[str], rows: list[list[object]], empty: str) -> str:
    if not rows:
        return f"<p style=\"color:#777;margin:.2em 0\">{_e(empty)}</p>"
    head = "".join(f"<th style=\"{_CELL}\">{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td style=\"{_CELL}\">{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table style=\"{_TABLE}\"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _swatch(group: str) -> str:
    label, color = GROUPS[group]
    return (f"<span style=\"background:{color}33;border-bottom:2px solid {color};padding:0 3px;"
            f"margin-right:6px\">{_e(group)} · {_e(label)}</span>")


def article_html(result: ArticleResult) -> str:
    """HTML for a notebook: the article text with entity mentions highlighted by type, then small
    tables of entities, relations and events. Every text is escaped; no scripts.

    Args:
        result: One article's result.

    Returns:
        An HTML fragment (what ``ArticleResult._repr_html_`` shows).
    """
    article = result.article
    types = {entity.id: entity.type for entity in result.entities}
    names = {entity.id: entity.name for entity in result.entities}

    def name(entity_id: str | None) -> str:
        return names.get(entity_id or "", entity_id or "")

    text = article.text
    pieces: list[str] = []
    cursor = 0
    for mention in sorted(result.mentions, key=lambda m: (m.start, -m.end)):
        if mention.start < cursor or mention.end > len(text) or mention.start >= mention.end:
            continue  # overlapping or out of range: keep the first, outermost one
        group = _group(types.get(mention.entity_id or "", mention.label))
        color = GROUPS[group][1]
        tip = f"{group} · {name(mention.entity_id) or mention.text}" + (f" ({mention.entity_id})" if mention.entity_id else "")
        pieces.append(_e(text[cursor:mention.start]))
        pieces.append(
            f"<mark style=\"background:{color}33;border-bottom:2px solid {color};color:inherit;padding:0 1px\" "
            f"title=\"{_e(tip)}\">{_e(text[mention.start:mention.end])}</mark>"
        )
        cursor = mention.end
    pieces.append(_e(text[cursor:]))

    heading = article.title or article.path or article.id
    meta = " · ".join(_e(v) for v in (article.id, article.date, article.lang, result.model) if v)
    groups = sorted({_group(types.get(m.entity_id or "", m.label)) for m in result.mentions})
    entities = sorted(result.entities, key=lambda e: (-max(e.mention_count, len(e.mentions)), e.name))
    parts = [
        "<div class=\"newsgraph-article\" style=\"font-family:sans-serif;max-width:60em\">",
        f"<h4 style=\"margin:.2em 0\">{_e(heading)}</h4>",
        f"<div style=\"color:#666;font-size:85%\">{meta}</div>",
    ]
    if result.error:
        parts.append(f"<p style=\"color:#b00\">error: {_e(result.error)}</p>")
    parts += [f"<p style=\"color:#a60;font-size:85%\">warning: {_e(w)}</p>" for w in result.warnings]
    if groups:
        parts.append(f"<div style=\"font-size:80%;margin:.3em 0\">{''.join(_swatch(g) for g in groups)}</div>")
    parts.append(f"<div style=\"white-space:pre-wrap;line-height:1.6;margin:.4em 0\">{''.join(pieces)}</div>")
    parts.append("<details><summary>entities</summary>")
    parts.append(_table(
        ["name", "type", "id", "mentions"],
        [[e.name, e.type, e.id, max(e.mention_count, len(e.mentions))] for e in entities], "no entities"))
    parts.append("</details>")
    parts.append("<b style=\"font-size:90%\">relations</b>")
    parts.append(_table(
        ["source", "relation", "target", "modality", "evidence"],
        [[name(r.source), r.type, name(r.target), r.modality, _cut(r.evidence.text)] for r in result.relations],
        "no relations"))
    parts.append("<b style=\"font-size:90%\">events</b>")
    parts.append(_table(
        ["type", "trigger", "modality", "arguments", "time"],
        [[ev.type, ev.trigger.text, ev.modality,
          ", ".join(f"{a.role}={name(a.entity_id) if a.entity_id else a.text}" for a in ev.arguments),
          " ".join(v for v in (ev.time, ev.date) if v)] for ev in result.events],
        "no events"))
    parts.append("</div>")
    return "".join(parts)


class CorpusView:
    """Many ArticleResults for a notebook: renders as counts, top entities and articles.

    Args:
        results: The results (kept in memory).
        top: Rows of the top-entities table.

    Example:
        >>> view = CorpusView(newsgraph.extract([Path("seeds/")]))  # doctest: +SKIP
        >>> view  # in Jupyter: the summary tables  # doctest: +SKIP
        >>> view.write_html(Path("graph.html"))  # the interactive page  # doctest: +SKIP
    """

    def __init__(self, results: Iterable[ArticleResult], *, top: int = 15) -> None:
        self.results = list(results)
        self.top = top

    def __len__(self) -> int:
        return len(self.results)

    def __getitem__(self, index: int) -> ArticleResult:
        return self.results[index]

    def aggregate(self) -> CorpusAggregate:
        """The results merged into corpus totals."""
        aggregate = CorpusAggregate()
        for result in self.results:
            aggregate.add(result)
        return aggregate

    def entities(self) -> list[Entity]:
        """Corpus-level entities, most mentioned first."""
        return sorted(self.aggregate().entities(), key=lambda e: (-e.mention_count, e.name, e.id))

    def graph(self) -> nx.MultiDiGraph:
        """The corpus graph (``build_graph``)."""
        return build_graph(self.results)

    def to_html(self, **options: Any) -> str:
        """The self-contained interactive page (``view_html`` options)."""
        return view_html(self.results, **options)

    def write_html(self, path: Path, **options: Any) -> Path:
        """Write the interactive page to ``path``; returns the path."""
        path = Path(path)
        path.write_text(self.to_html(**options), encoding="utf-8", newline="\n")
        return path

    def _repr_html_(self) -> str:
        aggregate = self.aggregate()
        entities = sorted(aggregate.entities(), key=lambda e: (-e.mention_count, e.name, e.id))
        by_type = Counter(entity.type for entity in entities)
        relation_types = Counter(relation.type for relation in aggregate.relations())
        event_types = Counter(event.type for event in aggregate.events())
        failed = [r for r in self.results if not r.ok]
        stats = (f"{len(self.results)} articles ({len(failed)} failed) · {len(entities)} entities · "
                 f"{aggregate.relation_count} relations · {aggregate.event_count} events")
        parts = [
            "<div class=\"newsgraph-corpus\" style=\"font-family:sans-serif\">",
            f"<h4 style=\"margin:.2em 0\">newsgraph corpus</h4><div>{_e(stats)}</div>",
            f"<div style=\"font-size:80%;margin:.4em 0\">"
            f"{''.join(_swatch(_group(t)) + _e(n) + ' ' for t, n in sorted(by_type.items()))}</div>",
            "<b style=\"font-size:90%\">top entities</b>",
            _table(["name", "type", "id", "mentions", "articles"],
                   [[e.name, e.type, e.id, e.mention_count, len(e.articles)] for e in entities[: self.top]],
                   "no entities"),
            "<b style=\"font-size:90%\">relation and event types</b>",
            _table(["kind", "type", "count"],
                   [["relation", t, n] for t, n in relation_types.most_common()]
                   + [["event", t, n] for t, n in event_types.most_common()],
                   "no relations or events"),
        ]
        if failed:
            parts.append("<b style=\"font-size:90%\">failed</b>")
            parts.append(_table(["article", "error"], [[r.article.id, r.error] for r in failed[: self.top]], ""))
        parts.append("</div>")
        return "".join(parts)


__all__ = [
    "GROUPS",
    "VIEW_FILE",
    "CorpusView",
    "article_html",
    "build_view_data",
    "render_view",
    "script_json",
    "sentence_around",
    "view_html",
    "write_view",
]
