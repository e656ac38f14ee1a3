"""Entity resolution: mentions → entities with canonical names, types and stable ids (aliases, inflection,
demonyms, gazetteer QIDs, role descriptions).

Public API:
    resolve_entities(doc, tables=None) -> (mentions, entities)
    role_links(doc, tables=None) -> list[RoleLink]
    load_alias_tables(version="v2") -> AliasTables
"""

from newsgraph.resolve.entities import Resolution, resolve_doc, resolve_entities, role_links
from newsgraph.resolve.roles import RoleLink
from newsgraph.resolve.tables import TABLES_VERSION, AliasTables, GazEntry, Lexicon, load_alias_tables

__all__ = [
    "TABLES_VERSION",
    "AliasTables",
    "GazEntry",
    "Lexicon",
    "Resolution",
    "RoleLink",
    "load_alias_tables",
    "resolve_doc",
    "resolve_entities",
    "role_links",
]
