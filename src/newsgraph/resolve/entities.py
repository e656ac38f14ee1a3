"""Turn a Doc's NER spans into merged, typed, identified entities: the resolver's pure entry points."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

from newsgraph.records import Entity, Mention
from newsgraph.resolve.candidates import (
    RULE_PREFIX,
    Candidate,
    DocView,
    acronym_links,
    article_names,
    capital_candidates,
    covered_tokens,
    cue_candidates,
    demonym_candidates,
    gazetteer_candidates,
    ner_candidates,
    prefix_candidates,
    score_list_candidates,
)
from newsgraph.resolve.cluster import Cluster, cluster_names, finish_cluster, name_known_entity, surname_candidates
from newsgraph.resolve.coalitions import resolve_coalitions
from newsgraph.resolve.normalize import fold
from newsgraph.resolve.roles import RoleLink, resolve_roles
from newsgraph.resolve.states import resolve_shared_parties, resolve_state_bodies
from newsgraph.resolve.tables import AliasTables, load_alias_tables


@dataclass
class Resolution:
    """Everything one resolver run found in a Doc."""

    mentions: list[Mention]
    entities: list[Entity]
    role_links: list[RoleLink]


def _attach(view: DocView, clusters: list[Cluster], refs: list[Candidate]) -> None:
    """Add references to their entity: keyed ones (prefixes, demonyms, capitals) to the gazetteer entity,
    created if needed; ``target`` ones to the article's non-person entity of that name, if any."""
    by_key = {cluster.entry.key: cluster for cluster in clusters if cluster.entry is not None}
    by_name: dict[str, Cluster] = {}
    for cluster in clusters:
        if not cluster.person:
            for candidate in cluster.candidates:
                by_name.setdefault(fold(candidate.name), cluster)
    created = []
    for ref in refs:
        if ref.key is None:
            target = by_name.get(ref.target or "")
            if target is not None:
                target.candidates.append(ref)
            continue
        known = by_key.get(ref.key)
        if known is None:
            entry = view.tables.entry(ref.key)
            # A state known only from references is named by the gazetteer (an organisation: see below).
            known = Cluster(candidates=[], entry=entry, name=entry.name, type=entry.type, id=entry.id)
            clusters.append(known)
            created.append(known)
            by_key[ref.key] = known
        known.candidates.append(ref)
    for cluster in created:  # an organisation named only in compounds takes the article's form (VW-Rivale)
        if cluster.entry is not None:
            name_known_entity(view, cluster, cluster.entry)


def _merge_same_id(clusters: list[Cluster]) -> list[Cluster]:
    """One cluster per id (two spellings that end up with the same id are one thing)."""
    merged: dict[str, Cluster] = {}
    for cluster in sorted(clusters, key=lambda c: (c.first, c.id)):
        if cluster.id in merged:
            merged[cluster.id].candidates.extend(cluster.candidates)
        else:
            merged[cluster.id] = cluster
    return list(merged.values())


def _to_records(view: DocView, clusters: list[Cluster]) -> tuple[list[Mention], list[Entity]]:
    text = view.text
    entities = []
    for cluster in clusters:
        seen: dict[tuple[int, int], Mention] = {}
        # NER and name spans first, so a span found twice keeps the most specific label.
        for c in sorted(cluster.candidates, key=lambda c: (c.ref, c.start_char, c.end_char, c.label)):
            span = (c.start_char, c.end_char)
            if span not in seen:
                rule = c.label.startswith(RULE_PREFIX)
                seen[span] = Mention(
                    text=text[c.start_char : c.end_char], start=c.start_char, end=c.end_char,
                    sentence=view.sentence[c.start], label=cluster.type if rule else c.label,
                    found_by=c.label[len(RULE_PREFIX):] if rule else "ner", entity_id=cluster.id,
                )
        mentions = sorted(seen.values(), key=lambda m: (m.start, m.end))
        entities.append(
            Entity(
                id=cluster.id, name=cluster.name, type=cluster.type,  # type: ignore[arg-type]
                mentions=mentions, aliases=sorted({m.text for m in mentions}), mention_count=len(mentions),
                attributes=dict(cluster.attributes),
            )
        )
    entities.sort(key=lambda e: (e.mentions[0].start, e.id))
    mentions = sorted((m for e in entities for m in e.mentions), key=lambda m: (m.start, m.end, m.entity_id or ""))
    return mentions, entities


def resolve_doc(doc: Doc, tables: AliasTables | None = None) -> Resolution:
    """Run every resolution rule over ``doc`` (see :func:`resolve_entities`)."""
    view = DocView(doc, tables or load_alias_tables())
    names = score_list_candidates(view, ner_candidates(view))
    ner_tokens = {i for c in names for i in range(c.start, c.end)}
    names += gazetteer_candidates(view, ner_tokens)
    names += cue_candidates(view, {i for c in names for i in range(c.start, c.end)})
    acronyms, extra = acronym_links(view, names)
    names += extra
    names += surname_candidates(view, names)
    taken = covered_tokens(names)
    refs = prefix_candidates(view, names, article_names(names))
    refs += demonym_candidates(view, taken) + capital_candidates(view, names)
    clusters = cluster_names(view, names, acronyms)
    for cluster in clusters:
        finish_cluster(view, cluster)
    clusters = _merge_same_id(clusters)
    _attach(view, clusters, refs)
    resolve_shared_parties(view, clusters)
    clusters = _merge_same_id(resolve_state_bodies(view, clusters))
    links = resolve_roles(view, clusters, taken)
    clusters = _merge_same_id(clusters + resolve_coalitions(view, clusters, taken))
    mentions, entities = _to_records(view, clusters)
    return Resolution(mentions=mentions, entities=entities, role_links=links)


def resolve_entities(doc: Doc, tables: AliasTables | None = None) -> tuple[list[Mention], list[Entity]]:
    """Resolve the entities of one article: merge name variants, type them, give them stable ids.

    Merges within the article: full names and surnames of persons (an ambiguous bare surname stays on
    its own), acronyms learnt from ``Name (ACRONYM)`` and the curated alias table, inflected forms
    (``Russlands``), Swiss ``ss`` and ``ß`` spellings, hyphen prefixes (``US-Aussenminister`` → USA),
    demonym adjectives with a governing noun (``die russische Regierung`` → Russland), capitals acting
    for their state (``die Regierung in Moskau``), role descriptions (``des US-Aussenministers`` →
    John Kerry) and coalitions named by their target. Types: LOC is split into GPE and LOC, peoples and
    groups are NORP, known names take the gazetteer's type. Ids: Wikidata QIDs from the offline
    table, else ``ng:<type>:<slug>``.

    Args:
        doc: A Doc whose ``doc.ents`` carry PER/LOC/ORG/MISC spans; sentence boundaries are used when set.
        tables: Alias tables; the shipped ones (:func:`~newsgraph.resolve.tables.load_alias_tables`) by default.

    Returns:
        All mentions (sorted by position) and the entities (sorted by first mention), each mention
        pointing to its entity; output is deterministic.

    Raises:
        ConfigError: the alias tables are missing or inconsistent.

    Example:
        >>> import spacy
        >>> nlp = spacy.blank("de")
        >>> doc = nlp("Die USA und Russlands Regierung.")
        >>> doc.ents = [doc.char_span(4, 7, "LOC"), doc.char_span(12, 21, "LOC")]
        >>> [(e.name, e.id) for e in resolve_entities(doc)[1]]
        [('USA', 'Q30'), ('Russland', 'Q159')]
    """
    resolution = resolve_doc(doc, tables)
    return resolution.mentions, resolution.entities


def role_links(doc: Doc, tables: AliasTables | None = None) -> list[RoleLink]:
    """The role descriptions of ``doc`` linked to persons (for the relations stage).

    Each link gives the person's entity id, the role noun, the affiliation's entity id (from a prefix
    such as ``US-`` or an adjective such as ``russischer``) and the char span of the description.

    Example:
        >>> import spacy
        >>> nlp = spacy.blank("de")
        >>> doc = nlp("US-Präsident Barack Obama sprach.")
        >>> doc.ents = [doc.char_span(13, 25, "PER")]
        >>> [(link.role, link.affiliation_id) for link in role_links(doc)]
        [('Präsident', 'Q30')]
    """
    return resolve_doc(doc, tables).role_links
