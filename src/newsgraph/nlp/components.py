"""Importing this module registers every newsgraph spaCy component factory."""

from newsgraph.nlp import resolver  # noqa: F401  (factory "newsgraph_resolver")
from newsgraph.nlp import events, relations  # noqa: F401  (factories "newsgraph_events", "newsgraph_relations")
from newsgraph.nlp import sentences  # noqa: F401  (factory "newsgraph_sentence_hints")
