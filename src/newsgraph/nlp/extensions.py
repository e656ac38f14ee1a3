"""Doc extensions that carry newsgraph's results between pipeline components (declared once here)."""

from __future__ import annotations

from spacy.tokens import Doc


def register_extensions() -> None:
    """Declare the ``doc._.*`` attributes; safe to call any number of times."""
    for name in ("mentions", "entities", "role_links", "relations", "events"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


register_extensions()
