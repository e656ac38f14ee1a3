"""The ``newsgraph_relations`` pipeline component: sets ``doc._.relations`` from the resolved entities.

Config (all defaults shown)::

    [components.newsgraph_relations]
    factory = "newsgraph_relations"

    [components.newsgraph_relations.lexicon]
    # Relation cue words and shared grammar cues; a behaviour change gets a new registered version.
    @misc = "newsgraph.RelationLexicon.v1"
    version = "v2"
    lang = "de"

    [components.newsgraph_relations.tables]
    # The resolver's tables, for the role links (``US-Aussenminister John Kerry``).
    @misc = "newsgraph.AliasResolver.v1"
    version = "v2"
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

from newsgraph.extraction.event_relations import event_relations
from newsgraph.extraction.lexicon import EventLexicon, RelationLexicon, load_relation_lexicon
from newsgraph.extraction.relations import extract_relations
from newsgraph.nlp import events as _events  # noqa: F401  (registers newsgraph.EventLexicon.v1)
from newsgraph.nlp import resolver  # noqa: F401  (registers newsgraph.AliasResolver.v1)
from newsgraph.nlp.extensions import register_extensions
from newsgraph.resolve import AliasTables, role_links

FACTORY_NAME = "newsgraph_relations"


@registry.misc("newsgraph.RelationLexicon.v1")
def make_relation_lexicon_v1(version: str = "v2", lang: str = "de") -> RelationLexicon:
    """The relation cue words of behaviour v1 for ``lang`` (German by default; ``en``, ``fr``, ``it``), read from ``relations.<version>.json`` and ``cues.<version>.json``.

    Raises:
        ConfigError: no lexicon files of that version ship with newsgraph.
    """
    return load_relation_lexicon(version, lang)


class RelationExtractor:
    """Pipeline component: the relations between the Doc's entities (see ``extract_relations``)."""

    def __init__(self, nlp: Language, name: str, *, lexicon: RelationLexicon, tables: AliasTables) -> None:
        self.name = name
        self.lexicon = lexicon
        self.tables = tables
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        """Set ``doc._.relations`` (an empty list when no resolver ran before) and return the Doc."""
        if doc._.entities is None:
            doc._.relations = []
            return doc
        # the resolver stores its role links; recompute only when it ran without them
        links = doc._.role_links if doc._.role_links is not None else role_links(doc, self.tables)
        doc._.relations = extract_relations(doc, self.lexicon, links=links)
        return doc


@Language.factory(
    FACTORY_NAME,
    requires=["doc._.mentions", "doc._.entities"],
    assigns=["doc._.relations"],
    default_config={
        "lexicon": {"@misc": "newsgraph.RelationLexicon.v1", "version": "v2"},
        "tables": {"@misc": "newsgraph.AliasResolver.v1", "version": "v2"},
    },
)
def make_relation_extractor(nlp: Language, name: str, lexicon: RelationLexicon, tables: AliasTables) -> RelationExtractor:
    """Create the relations component.

    Args:
        nlp: The pipeline.
        name: Component name.
        lexicon: Relation cue words, from a registered ``newsgraph.RelationLexicon.*`` function.
        tables: The resolver's alias tables, from a registered ``newsgraph.AliasResolver.*`` function.

    Example:
        >>> import spacy, newsgraph.nlp.relations
        >>> nlp = spacy.blank("de")
        >>> _ = nlp.add_pipe("newsgraph_resolver")
        >>> _ = nlp.add_pipe("newsgraph_relations")
    """
    return RelationExtractor(nlp, name, lexicon=lexicon, tables=tables)


EVENT_RELATIONS_FACTORY = "newsgraph_event_relations"


class EventRelationExtractor:
    """Pipeline component after the events: adds the relations events state (``accuse`` → opposes) to
    ``doc._.relations`` (see :func:`newsgraph.extraction.event_relations.event_relations`)."""

    def __init__(self, nlp: Language, name: str, *, lexicon: RelationLexicon, events: EventLexicon) -> None:
        self.name = name
        self.lexicon = lexicon
        self.events = events
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        """Append the event relations between pairs ``doc._.relations`` does not relate yet; return the Doc."""
        if doc._.entities is None or not doc._.events:
            return doc
        relations = list(doc._.relations or [])
        # a pair the text already relates (``fights`` from "Luftkrieg gegen den IS") gets no second edge
        known = {frozenset((r.source, r.target)) for r in relations}
        entity_types = {entity.id: entity.type for entity in doc._.entities}
        for relation in event_relations(doc._.events, self.lexicon, self.events.types, text=doc.text,
                                        entity_types=entity_types):
            pair = frozenset((relation.source, relation.target))
            if pair not in known:
                known.add(pair)
                relations.append(relation)
        doc._.relations = relations
        return doc


@Language.factory(
    EVENT_RELATIONS_FACTORY,
    requires=["doc._.entities", "doc._.events"],
    assigns=["doc._.relations"],
    default_config={
        "lexicon": {"@misc": "newsgraph.RelationLexicon.v1", "version": "v2"},
        "events": {"@misc": "newsgraph.EventLexicon.v1", "version": "v2"},
    },
)
def make_event_relation_extractor(nlp: Language, name: str, lexicon: RelationLexicon,
                                  events: EventLexicon) -> EventRelationExtractor:
    """Create the component that turns events into relations (add it after ``newsgraph_events``).

    Args:
        nlp: The pipeline.
        name: Component name.
        lexicon: Relation cue words (``event_relations``: PLOVER category → relation type).
        events: The event lexicon, for the typology's PLOVER codes.
    """
    return EventRelationExtractor(nlp, name, lexicon=lexicon, events=events)
