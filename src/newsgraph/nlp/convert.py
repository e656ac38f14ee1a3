"""The one place that turns an annotated Doc into newsgraph records."""

from __future__ import annotations

from spacy.tokens import Doc

from newsgraph.records import Article, ArticleResult, Entity, Mention
from newsgraph.resolve.docview import sentence_index
from newsgraph.resolve.normalize import local_id

_ENT_TYPES = {"PER": "PER", "ORG": "ORG", "LOC": "LOC", "GPE": "GPE", "NORP": "NORP", "MISC": "MISC"}


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
    return ArticleResult(
        article=article,
        mentions=mentions,
        entities=entities,
        relations=list(doc._.relations or []),
        events=list(doc._.events or []),
        warnings=list(article.warnings),
        model=model,
    )
