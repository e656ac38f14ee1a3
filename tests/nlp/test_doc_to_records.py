"""Tests of the Doc → records converter (newsgraph.nlp.convert) on hand-built Docs."""

from __future__ import annotations

import spacy
from spacy.tokens import Span

from newsgraph.nlp.convert import raw_entities
from newsgraph.resolve import resolve_entities
from newsgraph.resolve.normalize import local_id


def test_raw_entities_get_the_resolver_ids() -> None:
    """Without a resolver the ids come from the same function as the resolver's: one name, one id."""
    nlp = spacy.blank("de")
    doc = nlp("Die Türkei und Владимир Путин und Сергей Лавров und Big_Corp.")
    doc.ents = [Span(doc, 1, 2, "GPE"), Span(doc, 3, 5, "PER"), Span(doc, 6, 8, "PER"), Span(doc, 9, 10, "ORG")]
    _, entities = raw_entities(doc)
    assert [e.id for e in entities] == [
        "ng:gpe:tuerkei", "ng:per:владимир-путин", "ng:per:сергей-лавров", "ng:org:big-corp",
    ]
    assert [e.id for e in entities] == [local_id(e.type, e.name) for e in entities]


def test_raw_and_resolved_ids_of_one_name_agree() -> None:
    nlp = spacy.blank("de")
    doc = nlp("Die Müllerwerke bauen.")
    doc.ents = [Span(doc, 1, 2, "ORG")]
    _, raw = raw_entities(doc)
    _, resolved = resolve_entities(doc)
    assert [e.id for e in raw] == [e.id for e in resolved] == ["ng:org:muellerwerke"]


def test_headline_spans_move_into_the_title() -> None:
    """Spans past the body in the analysed text (body, blank line, headline) get part='title' and title offsets."""
    from newsgraph.nlp.convert import analysed_text, doc_to_result
    from newsgraph.nlp.extensions import register_extensions
    from newsgraph.records import Article

    register_extensions()
    article = Article(id="a", text="Kerry kam.", title="Lawrow in Genf")
    nlp = spacy.blank("de")
    doc = nlp(analysed_text(article))
    assert doc.text == "Kerry kam.\n\nLawrow in Genf"
    doc[4].is_sent_start = True
    doc.ents = [Span(doc, 0, 1, "PER"), Span(doc, 4, 5, "PER"), Span(doc, 6, 7, "LOC")]
    result = doc_to_result(doc, article)
    assert [(m.part, m.text, m.start, m.end, m.sentence) for m in result.mentions] == [
        ("text", "Kerry", 0, 5, 0), ("title", "Lawrow", 0, 6, 0), ("title", "Genf", 10, 14, 0)]
    assert all(article.part_text(m.part)[m.start:m.end] == m.text for m in result.mentions)
