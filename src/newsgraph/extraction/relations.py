"""Relations from an annotated Doc: the typed, directed edges between entities, each with evidence and modality.

Entry point: :func:`extract_relations`. Relation types (see docs/TYPOLOGY.md): holds_role_in, member_of,
part_of, located_in, ally_of, opposes, fights, controls, supplies, cooperates_with, supports.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc

from newsgraph.extraction.appositions import apposition_relations
from newsgraph.extraction.context import DocContext, MentionRef, shared_context
from newsgraph.extraction.evidence import RelationScope
from newsgraph.extraction.interactions import interaction_relations
from newsgraph.extraction.lexicon import RelationLexicon, load_relation_lexicon
from newsgraph.extraction.places import place_relations
from newsgraph.extraction.quotes import speech_frames
from newsgraph.extraction.roles import party_relations, role_relations
from newsgraph.records import RELATION_TYPES, Entity, Mention, Relation
from newsgraph.resolve import role_links
from newsgraph.resolve.roles import RoleLink



def _reported(ctx: DocContext) -> dict[int, MentionRef | None]:
    return {number: frame.speaker for frame in speech_frames(ctx) for number in frame.clauses}


def _dedupe(relations: Iterable[Relation]) -> list[Relation]:
    """One relation per (source, type, target, modality): the first stated, in text order."""
    seen: dict[tuple[str, str, str, str], Relation] = {}
    for relation in sorted(relations, key=lambda r: (r.evidence.start, r.evidence.end, r.type)):
        seen.setdefault((relation.source, relation.type, relation.target, relation.modality), relation)
    return list(seen.values())


def extract_relations(
    doc: Doc, lexicon: RelationLexicon | None = None, *, links: list[RoleLink] | None = None,
    mentions: Iterable[Mention] | None = None, entities: Iterable[Entity] | None = None,
) -> list[Relation]:
    """Extract the relations between the entities of one article.

    Args:
        doc: A Doc with entity mentions (``doc._.mentions``/``doc._.entities`` from the resolver, or given
            here); tags, morphology and the parse are used when present.
        lexicon: Relation cue words; the shipped ``relations.v2`` by default.
        links: Role links from :func:`newsgraph.resolve.role_links` (computed when not given).
        mentions: Mentions to use instead of ``doc._.mentions``.
        entities: Entities to use instead of ``doc._.entities``.

    Returns:
        Relations in text order; each has an evidence span and a modality, and at most one relation per
        source, type, target and modality.

    Example:
        >>> import spacy
        >>> from newsgraph.resolve import resolve_doc
        >>> nlp = spacy.blank("de")
        >>> doc = nlp("US-Präsident Barack Obama sprach.")
        >>> doc.ents = [doc.char_span(13, 25, "PER")]
        >>> res = resolve_doc(doc)
        >>> [r.type for r in extract_relations(doc, links=res.role_links, mentions=res.mentions, entities=res.entities)]
        ['holds_role_in']
    """
    lexicon = lexicon or load_relation_lexicon()
    if links is None:
        links = role_links(doc)
    ctx = shared_context(doc, lexicon.cues, mentions=mentions, entities=entities)
    scope = RelationScope(ctx, lexicon, _reported(ctx))
    found = (role_relations(scope, links) + party_relations(scope) + apposition_relations(scope)
             + place_relations(scope) + interaction_relations(scope))
    known = set(ctx.types)
    return _dedupe(r for r in found if not known or (r.source in known and r.target in known))
