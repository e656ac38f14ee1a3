"""Relations and events from annotated Docs: the pure functions inside the ``newsgraph_relations`` and
``newsgraph_events`` pipeline components.

Public API:
    extract_relations(doc, lexicon=None, *, links=None, mentions=None, entities=None) -> list[Relation]
    extract_events(doc, lexicon=None, *, mentions=None, entities=None, affiliations=None, anchor=None) -> list[Event]
    load_relation_lexicon(version="v2"), load_event_lexicon(version="v2"), load_cues(version="v2")
    find_timexes(text, words), resolve_timex(timex, words, anchor)
"""

from newsgraph.extraction.events import event_id, extract_events
from newsgraph.extraction.lexicon import (
    LEXICON_VERSION,
    Cues,
    EventLexicon,
    EventType,
    RelationLexicon,
    load_cues,
    load_event_lexicon,
    load_relation_lexicon,
)
from newsgraph.extraction.relations import RELATION_TYPES, extract_relations
from newsgraph.extraction.timex import Timex, find_timexes, resolve_timex

__all__ = [
    "LEXICON_VERSION",
    "RELATION_TYPES",
    "Cues",
    "EventLexicon",
    "EventType",
    "RelationLexicon",
    "Timex",
    "event_id",
    "extract_events",
    "extract_relations",
    "find_timexes",
    "load_cues",
    "load_event_lexicon",
    "load_relation_lexicon",
    "resolve_timex",
]
