"""The ``newsgraph_events`` pipeline component: sets ``doc._.events`` (events, quotes and reported speech).

Relative times (``am Dienstag``) resolve against ``doc.user_data["newsgraph_date"]`` (an ISO date the
pipeline sets from the article's metadata) or, failing that, a dateline at the start of the text.

Config (all defaults shown)::

    [components.newsgraph_events]
    factory = "newsgraph_events"

    [components.newsgraph_events.lexicon]
    # Event typology (CAMEO/PLOVER mapping), triggers and shared grammar cues; versioned like the resolver's tables.
    @misc = "newsgraph.EventLexicon.v1"
    version = "v2"
    lang = "de"
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

from newsgraph.extraction.events import extract_events
from newsgraph.extraction.lexicon import EventLexicon, load_event_lexicon
from newsgraph.nlp.extensions import register_extensions

FACTORY_NAME = "newsgraph_events"


@registry.misc("newsgraph.EventLexicon.v1")
def make_event_lexicon_v1(version: str = "v2", lang: str = "de") -> EventLexicon:
    """The event typology and triggers of behaviour v1 for ``lang`` (German by default; ``en``, ``fr``, ``it``), read from ``events.<version>.json`` and ``cues.<version>.json``.

    Raises:
        ConfigError: no lexicon files of that version ship with newsgraph, or they are inconsistent.
    """
    return load_event_lexicon(version, lang)


class EventExtractor:
    """Pipeline component: the events of the Doc (see ``extract_events``)."""

    def __init__(self, nlp: Language, name: str, *, lexicon: EventLexicon) -> None:
        self.name = name
        self.lexicon = lexicon
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        """Set ``doc._.events`` (an empty list when no resolver ran before) and return the Doc.

        Persons' roles from ``doc._.relations`` (``holds_role_in``) let the states they speak for take
        part in their meetings and agreements.
        """
        if doc._.entities is None:
            doc._.events = []
            return doc
        affiliations: dict[str, list[str]] = {}
        for relation in doc._.relations or []:
            if relation.type == "holds_role_in":
                affiliations.setdefault(relation.source, []).append(relation.target)
        doc._.events = extract_events(doc, self.lexicon, affiliations=affiliations)
        return doc


@Language.factory(
    FACTORY_NAME,
    requires=["doc._.mentions", "doc._.entities", "doc._.relations"],
    assigns=["doc._.events"],
    default_config={"lexicon": {"@misc": "newsgraph.EventLexicon.v1", "version": "v2"}},
)
def make_event_extractor(nlp: Language, name: str, lexicon: EventLexicon) -> EventExtractor:
    """Create the events component.

    Args:
        nlp: The pipeline.
        name: Component name.
        lexicon: Event typology and triggers, from a registered ``newsgraph.EventLexicon.*`` function.

    Example:
        >>> import spacy, newsgraph.nlp.events
        >>> nlp = spacy.blank("de")
        >>> _ = nlp.add_pipe("newsgraph_resolver")
        >>> _ = nlp.add_pipe("newsgraph_events")
    """
    return EventExtractor(nlp, name, lexicon=lexicon)
