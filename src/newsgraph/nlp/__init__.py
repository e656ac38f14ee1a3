"""spaCy side of newsgraph: pipeline loading and the registered components."""

from newsgraph.nlp import extensions as _extensions  # noqa: F401  (declares doc._.* once)
