"""Build Relation records from the mentions and cue word a rule matched: evidence span and modality."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from newsgraph.extraction.context import DocContext, MentionRef
from newsgraph.extraction.lexicon import RelationLexicon
from newsgraph.extraction.modality import modality_at
from newsgraph.records import Modality, Relation

# Cues inside a PP ("im Kampf gegen den IS") state background facts: a modal verb of the clause
# ("wollen ... zusammenarbeiten") is not about them.
_BACKGROUND_DROPS: Mapping[str, Modality] = {"intended": "asserted", "considered": "asserted"}


@dataclass
class RelationScope:
    """What every relation rule reads: the document view, the lexicon and the clauses of reported speech.

    Attributes:
        ctx: The document view.
        lexicon: Relation cue words.
        reported: Clause index → speaker mention (None when unknown) for clauses that are somebody's words.
    """

    ctx: DocContext
    lexicon: RelationLexicon
    reported: dict[int, MentionRef | None] = field(default_factory=dict)


def make_relation(
    scope: RelationScope, rtype: str, source: MentionRef, target: MentionRef, cue: int, *,
    nominal: bool, background: bool = False, attributes: Mapping[str, str] | None = None,
    modality: Modality | None = None, also: MentionRef | None = None,
) -> Relation | None:
    """A relation between two mentions, with the text from the first to the last of source, target and cue.

    Args:
        scope: The Doc and lexicon.
        rtype: Relation type.
        source, target: The two ends.
        cue: Token of the cue word (modality is read there; evidence stays in its sentence).
        nominal: The cue is a noun.
        background: The cue is a noun in a PP: the clause's intention or consideration is not about it.
        attributes: Extra attributes of the relation.
        modality: A modality decided by the rule instead of the cue's.
        also: Another mention the evidence must include (``gegen den IS`` for a coalition).

    Returns:
        The relation, or None for a relation of an entity with itself.
    """
    ctx = scope.ctx
    if source.entity_id == target.entity_id:
        return None
    number = ctx.clause_of[cue]
    if modality is None:
        modality = modality_at(ctx, cue, nominal=nominal, reported=number in scope.reported)
        if background:
            modality = _BACKGROUND_DROPS.get(modality, modality)
    segment = ctx.segments[ctx.segment_of[cue]]
    # Ends named in another sentence (a state named earlier) do not stretch the evidence.
    refs = [r for r in (source, target, also) if r is not None and segment[0] <= r.start < segment[1]]
    start = min([r.start for r in refs] + [cue])
    end = max([r.end for r in refs] + [cue + 1])
    attrs = dict(attributes or {})
    speaker = scope.reported.get(number)
    if modality == "reported" and speaker is not None:
        attrs.setdefault("source", speaker.entity_id)
    return Relation(source=source.entity_id, target=target.entity_id, type=rtype, evidence=ctx.span(start, end),
                    modality=modality, attributes=attrs)
