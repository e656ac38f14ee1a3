"""Relations that events state: who accuses, attacks or sanctions whom (opposes), who aids or backs whom
(supports), who agrees or cooperates with whom.

The events come from the event extractor; each event type's PLOVER category (``events.v2.json`` ``plover``)
is mapped to a relation by ``relations.v2.json`` ``event_relations``, so the mapping follows the event
typology without naming its types here. The agent of the event is the source, its target the other end
(participants of a meeting or an agreement are not paired: agreeing on something is no alliance). A
town or region is no target (an attack on Kobane does not make Kobane an opponent); states are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from newsgraph.extraction.context import is_state
from newsgraph.extraction.lexicon import EventType, RelationLexicon
from newsgraph.records import Event, EventArgument, Relation, Span

_SOURCE_ROLES = frozenset({"agent"})
_TARGET_ROLES = frozenset({"target"})
_MAX_EVIDENCE = 400  # chars; an argument further away than this leaves the evidence at the trigger


def _evidence(text: str, event: Event, ends: Iterable[EventArgument]) -> Span:
    """The text from the first to the last of the trigger and the two arguments (the trigger alone if that is long)."""
    start, end = event.trigger.start, event.trigger.end
    for arg in ends:
        if arg.start is not None and arg.end is not None:
            start, end = min(start, arg.start), max(end, arg.end)
    if end - start > _MAX_EVIDENCE or not text:
        start, end = event.trigger.start, event.trigger.end
    return Span(text=text[start:end] if text else event.trigger.text, start=start, end=end,
                sentence=event.trigger.sentence)


def _pairs(event: Event) -> list[tuple[EventArgument, EventArgument]]:
    args = [a for a in event.arguments if a.entity_id]
    sources = [a for a in args if a.role in _SOURCE_ROLES]
    targets = [a for a in args if a.role in _TARGET_ROLES]
    return [(s, t) for s in sources for t in targets if s.entity_id != t.entity_id]


def _actor(entity_id: str | None, entity_types: Mapping[str, str] | None) -> bool:
    if entity_types is None or entity_id is None:
        return entity_id is not None
    etype = entity_types.get(entity_id)
    return etype in ("PER", "ORG", "NORP") or etype == "GPE" and is_state(entity_id)


def event_relations(
    events: Iterable[Event], lexicon: RelationLexicon, types: Mapping[str, EventType], *, text: str = "",
    entity_types: Mapping[str, str] | None = None,
) -> list[Relation]:
    """Relations between the actors of events whose PLOVER category the lexicon maps to a relation.

    Args:
        events: The article's events (``doc._.events``).
        lexicon: Relation lexicon with ``event_relations`` (PLOVER category → relation type).
        types: The event typology (type name → :class:`EventType` with its ``plover`` code).
        text: The article text, for the evidence (the trigger's text when empty).
        entity_types: Entity id → type; when given, only persons, organisations, groups and states (not
            towns) take part.

    Returns:
        One relation per (source, type, target), with the event's modality; negated events give none.

    Example:
        An ``accuse`` event (PLOVER ``ACCUSE``) with agent ÖVP and target SPÖ → ``ÖVP opposes SPÖ``.
    """
    found: dict[tuple[str, str, str], Relation] = {}
    for event in events:
        spec = types.get(event.type)
        rtype = lexicon.event_relations.get((spec.plover or "").upper()) if spec is not None else None
        if rtype is None or event.modality == "negated":
            continue
        for source, target in _pairs(event):
            if not (_actor(source.entity_id, entity_types) and _actor(target.entity_id, entity_types)):
                continue
            key = (source.entity_id or "", rtype, target.entity_id or "")
            if key in found:
                continue
            found[key] = Relation(
                source=key[0], target=key[2], type=rtype, evidence=_evidence(text, event, (source, target)),
                modality=event.modality, attributes={"event": event.id, "event_type": event.type},
            )
    return list(found.values())
