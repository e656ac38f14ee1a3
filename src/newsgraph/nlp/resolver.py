"""The ``newsgraph_resolver`` pipeline component: resolves ``doc.ents`` into ``doc._.mentions`` and ``doc._.entities``.

Config (all defaults shown)::

    [components.newsgraph_resolver]
    factory = "newsgraph_resolver"

    [components.newsgraph_resolver.tables]
    # Gazetteer, demonyms and word lists; a behaviour change gets a new registered version.
    @misc = "newsgraph.AliasResolver.v1"
    version = "v2"
    lang = "de"
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

from newsgraph.nlp.extensions import register_extensions
from newsgraph.resolve import AliasTables, load_alias_tables, resolve_doc

FACTORY_NAME = "newsgraph_resolver"


@registry.misc("newsgraph.AliasResolver.v1")
def make_alias_tables_v1(version: str = "v2", lang: str = "de") -> AliasTables:
    """The alias tables of resolver behaviour v1, read from the package data files of ``version``.

    Raises:
        ConfigError: no table files of that version ship with newsgraph.
    """
    return load_alias_tables(version, lang)


class EntityResolver:
    """Pipeline component: merge the Doc's entity mentions into entities (see ``resolve_entities``)."""

    def __init__(self, nlp: Language, name: str, *, tables: AliasTables) -> None:
        self.name = name
        self.tables = tables
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        """Set ``doc._.mentions``, ``doc._.entities`` and ``doc._.role_links`` (overwriting earlier
        values) and return the Doc."""
        resolution = resolve_doc(doc, self.tables)
        doc._.mentions = resolution.mentions
        doc._.entities = resolution.entities
        doc._.role_links = resolution.role_links
        return doc


@Language.factory(
    FACTORY_NAME,
    requires=["doc.ents", "doc.sents"],
    assigns=["doc._.mentions", "doc._.entities", "doc._.role_links"],
    default_config={"tables": {"@misc": "newsgraph.AliasResolver.v1", "version": "v2"}},
)
def make_entity_resolver(nlp: Language, name: str, tables: AliasTables) -> EntityResolver:
    """Create the resolver component.

    Args:
        nlp: The pipeline.
        name: Component name.
        tables: Alias tables, from a registered ``newsgraph.AliasResolver.*`` function.

    Example:
        >>> import spacy, newsgraph.nlp.resolver
        >>> nlp = spacy.blank("de")
        >>> resolver = nlp.add_pipe("newsgraph_resolver")
    """
    return EntityResolver(nlp, name, tables=tables)
