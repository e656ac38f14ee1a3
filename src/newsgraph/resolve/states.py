"""Tie organisations to their state: a party name several countries' parties share (``Grüne``) and the
institutions every state has (``Innenministerium``, ``Polizei``), resolved from the article's context."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from newsgraph.resolve.candidates import Candidate, DocView
from newsgraph.resolve.cluster import Cluster, name_known_entity
from newsgraph.resolve.normalize import fold, local_id
from newsgraph.resolve.tables import BODY_KIND, GazEntry
from newsgraph.resolve.words import demonym_word

PART_OF = "part_of"
"""Entity attribute holding the id of the state a body belongs to (``Innenministerium`` → ``Q40``)."""


def _shared_options(view: DocView, cluster: Cluster) -> tuple[str, ...]:
    """The parties a cluster may be when every name it has is one several countries' parties share."""
    options: tuple[str, ...] | None = None
    for candidate in cluster.candidates:
        if candidate.ref:
            continue
        keys = view.tables.shared.get(fold(candidate.name))
        if keys is None:
            return ()
        options = keys if options is None else tuple(k for k in options if k in keys)
    return options or ()


def _country_of(entry: GazEntry) -> str | None:
    return entry.key if entry.kind == "country" else entry.capital_of or entry.country


def country_votes(clusters: Iterable[Cluster], *, skip: set[int]) -> Counter[str]:
    """How often the article points at each country: its own mentions (with demonyms and capitals acting
    for it) and those of its regions, cities, parties and organisations.

    Args:
        clusters: The article's clusters.
        skip: ``id()`` of clusters that must not vote (the ambiguous ones being decided).
    """
    votes: Counter[str] = Counter()
    for cluster in clusters:
        if cluster.entry is None or id(cluster) in skip or cluster.entry.kind == BODY_KIND:
            continue
        country = _country_of(cluster.entry)
        if country is not None:
            votes[country] += len(cluster.candidates)
    return votes


def _pick(options: tuple[str, ...], view: DocView, votes: Counter[str], present: set[str]) -> str:
    """The party among ``options`` the article names elsewhere, else the one of the country the article
    points at most, else the first (the gazetteer's default)."""
    for key in options:
        if key in present:
            return key
    return max(options, key=lambda key: (votes[view.tables.entries[key].country or ""], -options.index(key)))


def resolve_shared_parties(view: DocView, clusters: list[Cluster]) -> None:
    """Re-point each cluster named only by a shared party name (``Grüne``, ``FDP``) to the party of the
    country the article's context implies (other parties, states, cities named in it)."""
    ambiguous = {id(cluster): options for cluster in clusters
                 if cluster.entry is not None and (options := _shared_options(view, cluster))}
    if not ambiguous:
        return
    votes = country_votes(clusters, skip=set(ambiguous))
    present = {cluster.entry.key for cluster in clusters if cluster.entry is not None and id(cluster) not in ambiguous}
    for cluster in clusters:
        if id(cluster) not in ambiguous:
            continue
        entry = view.tables.entry(_pick(ambiguous[id(cluster)], view, votes, present))
        cluster.entry = entry
        for candidate in cluster.candidates:
            if not candidate.ref:
                candidate.key = entry.key
        name_known_entity(view, cluster, entry)


def _explicit_state(view: DocView, candidate: Candidate) -> str | None:
    """The state an adjective in or just before the mention names (``russische``, ``steirische``)."""
    positions = [candidate.start - 1, *range(candidate.start, candidate.name_start)]
    for i in positions:
        if i < 0 or view.is_mark(i):
            continue
        word = demonym_word(view.texts[i], view.tables)
        if word is not None and not word.directional:
            return word.key
    return None


def _with_state(view: DocView, entry: GazEntry, candidates: list[Candidate], state: str | None) -> Cluster:
    """A cluster of the body ``entry`` for the mentions of one state."""
    part = Cluster(candidates=candidates, entry=entry, person=False)
    name_known_entity(view, part, entry)
    if state is not None:
        owner = view.tables.entry(state)
        part.id = local_id(entry.type, f"{entry.name} {owner.name}")
        part.attributes = {PART_OF: owner.id}
    return part


def resolve_state_bodies(view: DocView, clusters: list[Cluster]) -> list[Cluster]:
    """Give each state body (Innenministerium, Polizei, Nationalrat) the state it belongs to.

    The state is the one an adjective before a mention names (``das russische Außenministerium``,
    ``die steirische Polizei``); mentions without one belong to the state the other mentions name when
    they name exactly one, else to the country the article points at most (an ``Innenministerium`` in an
    article about Vienna and the ÖVP is Austria's). A body of a known state gets its own id (one per state)
    and the entity attribute ``part_of`` with the state's id; with no state in sight it stays as it is.

    Returns:
        The clusters, a body split in one cluster per state.
    """
    if not any(cluster.entry is not None and cluster.entry.kind == BODY_KIND for cluster in clusters):
        return clusters
    votes = country_votes(clusters, skip=set())
    context = min(votes, key=lambda key: (-votes[key], key)) if votes else None
    result: list[Cluster] = []
    for cluster in clusters:
        entry = cluster.entry
        if entry is None or entry.kind != BODY_KIND:
            result.append(cluster)
            continue
        explicit = {id(c): _explicit_state(view, c) for c in cluster.candidates}
        named = {state for state in explicit.values() if state is not None}
        default = next(iter(named)) if len(named) == 1 else context
        by_state: dict[str | None, list[Candidate]] = {}
        for candidate in cluster.candidates:
            by_state.setdefault(explicit[id(candidate)] or default, []).append(candidate)
        for state, candidates in by_state.items():
            result.append(_with_state(view, entry, candidates, state))
    return result
