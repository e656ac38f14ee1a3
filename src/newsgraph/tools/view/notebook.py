"""Notebook displays: an article with its mentions highlighted and its tables, and a corpus summary.

Importing this module (``import newsgraph.tools.view`` does) gives ``ArticleResult`` its notebook HTML repr, through
:func:`newsgraph.records.set_html_renderer`: the records know nothing of the view.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx

from newsgraph.graph.build import CorpusAggregate, build_graph
from newsgraph.records import ArticleResult, Entity, set_html_renderer
from newsgraph.tools.view.data import GROUPS, cut, group_of
from newsgraph.tools.view.page import view_html

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
        if mention.part != "text" or mention.start < cursor or mention.end > len(text) or mention.start >= mention.end:
            continue  # in the headline, overlapping or out of range: keep the first, outermost one
        group = group_of(types.get(mention.entity_id or "", mention.label))
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
    groups = sorted({group_of(types.get(m.entity_id or "", m.label)) for m in result.mentions})
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
        [[name(r.source), r.type, name(r.target), r.modality, cut(r.evidence.text)] for r in result.relations],
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
            f"{''.join(_swatch(group_of(t)) + _e(n) + ' ' for t, n in sorted(by_type.items()))}</div>",
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


set_html_renderer(article_html)

__all__ = ["CorpusView", "article_html"]
