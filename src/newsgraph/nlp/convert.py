"""The one place that turns an annotated Doc into newsgraph records.

The Doc of an article with a headline is made from :func:`analysed_text`: the body, a blank line, then the
headline. The body comes first so that its offsets, its sentence numbers and a dateline at its start are the
same as without a headline. :func:`doc_to_result` moves every span that lies in the headline back into the
headline's own coordinates: ``part="title"``, offsets into ``Article.title``, sentences counted from the
headline's first. Spans of the body keep ``part="text"`` (left out of the dumped records) and their offsets.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc

from newsgraph.records import Article, ArticleResult, Entity, EventArgument, InPart, Mention, Span
from newsgraph.resolve.docview import sentence_index
from newsgraph.resolve.normalize import local_id

_ENT_TYPES = {"PER": "PER", "ORG": "ORG", "LOC": "LOC", "GPE": "GPE", "NORP": "NORP", "MISC": "MISC"}


TITLE_SEPARATOR = "\n\n"
"""Between the body and the headline in the analysed text: a paragraph break, so the headline is a sentence of
its own."""


def analysed_text(article: Article) -> str:
    """The text the NLP stages see: the body, then (when there is one) a blank line and the headline.

    Args:
        article: The article.

    Returns:
        ``article.text`` alone, or ``article.text + TITLE_SEPARATOR + article.title``.
    """
    return article.text + TITLE_SEPARATOR + article.title if article.title else article.text


def title_offset(article: Article) -> int | None:
    """Where the headline starts in :func:`analysed_text` (None without a headline)."""
    return len(article.text) + len(TITLE_SEPARATOR) if article.title else None


def raw_entities(doc: Doc) -> tuple[list[Mention], list[Entity]]:
    """Mentions and exact-string entities straight from ``doc.ents`` (used when no resolver runs)."""
    sents = sentence_index(doc)
    by_key: dict[str, Entity] = {}
    mentions = []
    for ent in doc.ents:
        etype = _ENT_TYPES.get(ent.label_, "MISC")
        key = local_id(etype, ent.text)
        mention = Mention(
            text=ent.text, start=ent.start_char, end=ent.end_char,
            sentence=sents[ent.start], label=ent.label_, entity_id=key,
        )
        mentions.append(mention)
        entity = by_key.setdefault(key, Entity(id=key, name=ent.text, type=etype))  # type: ignore[arg-type]
        entity.mentions.append(mention)
    for entity in by_key.values():
        entity.aliases = sorted({m.text for m in entity.mentions})
        entity.mention_count = len(entity.mentions)
    return mentions, list(by_key.values())


def doc_to_result(doc: Doc, article: Article, *, model: str | None = None) -> ArticleResult:
    """Collect what the pipeline's components stored on ``doc`` into an ArticleResult.

    Args:
        doc: A Doc made from ``article.text`` (so char offsets point into the article).
        article: The article the Doc was made from.
        model: ``name-version`` of the pipeline, recorded on the result.
    """
    if doc._.entities is None:
        mentions, entities = raw_entities(doc)
    else:
        mentions, entities = list(doc._.mentions or []), list(doc._.entities)
    for entity in entities:
        if article.id not in entity.articles:
            entity.articles.append(article.id)
    result = ArticleResult(
        article=article,
        mentions=mentions,
        entities=entities,
        relations=list(doc._.relations or []),
        events=list(doc._.events or []),
        warnings=list(article.warnings),
        model=model,
    )
    offset = title_offset(article)
    if offset is not None and len(doc.text) > offset:
        _move_to_title(_located(result), offset, _first_title_sentence(doc, offset), len(article.text))
    return result


def _located(result: ArticleResult) -> Iterable[InPart]:
    """Every record of a result that has offsets: mentions (the entities' too), evidence, triggers, arguments."""
    yield from result.mentions
    for entity in result.entities:
        yield from entity.mentions
    for relation in result.relations:
        yield relation.evidence
    for event in result.events:
        yield event.trigger
        yield from event.arguments


def _first_title_sentence(doc: Doc, offset: int) -> int:
    """The Doc's sentence number of the headline's first token (the number of body sentences)."""
    sents = sentence_index(doc)
    token = doc.char_span(offset, len(doc.text), alignment_mode="expand")
    return sents[token.start] if token is not None and len(token) and sents else 0


def _move_to_title(records: Iterable[InPart], offset: int, first_sentence: int, body_end: int) -> None:
    """Put spans of the headline into its coordinates; a body span running into the headline ends with the body.

    A record met twice (a mention listed on the result and on its entity) is moved once: it is then ``title``."""
    for record in records:
        start, end = _bounds(record)
        if record.part != "text" or start is None or end is None:
            continue
        if start >= offset:
            _set_bounds(record, start - offset, end - offset)
            record.part = "title"
            if isinstance(record, (Mention, Span)):
                record.sentence = max(0, record.sentence - first_sentence)
        elif end > body_end:
            _set_bounds(record, start, body_end)
            if isinstance(record, (Mention, Span, EventArgument)):
                record.text = record.text[: body_end - start]


def _bounds(record: InPart) -> tuple[int | None, int | None]:
    if isinstance(record, (Mention, Span, EventArgument)):
        return record.start, record.end
    return None, None


def _set_bounds(record: InPart, start: int, end: int) -> None:
    if isinstance(record, (Mention, Span, EventArgument)):
        record.start, record.end = start, end
