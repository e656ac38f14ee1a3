"""Build the corpus graph: merge ArticleResults into entity, article and event nodes with typed edges."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from newsgraph.records import SCHEMA_VERSION, ArticleResult, Entity, Event
from newsgraph.resolve.normalize import crosslingual_key

PERSON_ID_PREFIX = "ng:per:"
"""Local ids of persons (``ng:per:<slug of the name>``): merged across articles by :func:`crosslingual_key`."""

ALIAS_SEPARATOR = " | "
"""Joins the aliases of an entity node (graph attributes must be plain strings)."""

# A graph attribute value that GraphML, GEXF and node-link JSON all write and read back unchanged.
AttrValue = str | int | float | bool


@dataclass(frozen=True, order=True)
class ArticleInfo:
    """The metadata of one article that the graph keeps (never its text)."""

    id: str
    title: str = ""
    date: str = ""
    url: str = ""
    lang: str = ""
    source: str = ""
    error: str = ""


@dataclass(frozen=True, order=True)
class RelationEdge:
    """One relation between two entities as stated in one article (field order = sort order)."""

    source: str
    target: str
    type: str
    article: str
    start: int
    end: int
    sentence: int
    modality: str
    evidence: str
    attributes: str = ""


@dataclass(frozen=True, order=True)
class EventRole:
    """An entity that fills a role of an event."""

    role: str
    entity_id: str
    text: str


@dataclass(frozen=True, order=True)
class EventNode:
    """One event with its roles, reduced to what the graph shows."""

    key: str
    id: str
    article: str
    type: str
    modality: str
    trigger: str
    trigger_start: int
    trigger_end: int
    sentence: int
    time: str = ""
    date: str = ""
    place: str = ""
    quote: str = ""
    literal_arguments: str = ""
    plover: str = ""
    ace: str = ""
    roles: tuple[EventRole, ...] = ()


@dataclass
class _EntityAccumulator:
    """Running totals for one entity id; small and independent of the article texts."""

    names: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)
    aliases: set[str] = field(default_factory=set)
    articles: dict[str, int] = field(default_factory=dict)

    @property
    def mention_count(self) -> int:
        return sum(self.articles.values())


def _most_common(counts: Counter[str]) -> str:
    """The most frequent key; ties go to the longest, then the alphabetically first."""
    return min(counts, key=lambda key: (-counts[key], -len(key), key))


class CorpusAggregate:
    """Merges ArticleResults one at a time into the totals the corpus graph is built from.

    Only small per-article metadata, per entity-article mention counts, relation edges and event
    nodes are kept, never article texts or mention lists, so memory grows with the size of the
    graph, not with the size of the corpus text. Entities are merged by id:

    * ``name``: the article-level name used most often, each article's ``Entity.name`` counting
      as many times as the entity is mentioned there (ties: the longest, then alphabetical);
    * ``type``: the most frequent type, weighted the same way (ties: alphabetical);
    * ``aliases``: every name, alias and mention text seen, sorted;
    * ``mention_count``: the total over all articles; ``articles``: the sorted article ids;
    * ``mentions``: left empty at corpus level to keep memory flat (the mentions stay in
      ``articles.jsonl``).

    Persons without a QID are merged across articles and languages when their local ids spell the same
    name (:func:`~newsgraph.resolve.normalize.crosslingual_key`: ``ng:per:sergej-lawrow``,
    ``ng:per:sergei-lavrov`` and ``ng:per:serguei-lavrov`` are one node); the id seen first stays, and
    relations and events are re-pointed to it.

    Every added result counts, so an article added twice is counted twice.

    Example:
        >>> aggregate = CorpusAggregate()
        >>> for result in results:  # doctest: +SKIP
        ...     aggregate.add(result)
        >>> graph = build_graph(aggregate)  # doctest: +SKIP
    """

    def __init__(self) -> None:
        self._entities: dict[str, _EntityAccumulator] = {}
        self._articles: dict[str, ArticleInfo] = {}
        self._relations: list[RelationEdge] = []
        self._events: dict[str, EventNode] = {}
        self.articles_ok = 0
        self.articles_failed = 0
        self._person_ids: dict[str, str] = {}

    def canonical_id(self, entity_id: str) -> str:
        """The graph's id for ``entity_id``: a person's local id becomes the first one seen with the same
        cross-lingual name key; every other id is kept."""
        if not entity_id.startswith(PERSON_ID_PREFIX):
            return entity_id
        return self._person_ids.setdefault(crosslingual_key(entity_id[len(PERSON_ID_PREFIX) :]), entity_id)

    def add(self, result: ArticleResult) -> None:
        """Merge one article's result into the totals.

        Args:
            result: The result of one article (failed results add only their article node).
        """
        article = result.article
        if result.ok:
            self.articles_ok += 1
        else:
            self.articles_failed += 1
        # The first result for an article id keeps its metadata; see the class docstring on repeats.
        self._articles.setdefault(
            article.id,
            ArticleInfo(
                id=article.id,
                title=article.title or "",
                date=article.date or "",
                url=article.url or "",
                lang=article.lang or "",
                source=article.source or "",
                error=result.error or "",
            ),
        )
        mention_texts: dict[str, list[str]] = {}
        for mention in result.mentions:
            if mention.entity_id is not None:
                mention_texts.setdefault(self.canonical_id(mention.entity_id), []).append(mention.text)
        for entity in result.entities:
            self._add_entity(entity, article.id, mention_texts.get(self.canonical_id(entity.id), []))
        for relation in result.relations:
            self._relations.append(
                RelationEdge(
                    source=self.canonical_id(relation.source),
                    target=self.canonical_id(relation.target),
                    type=relation.type,
                    article=article.id,
                    start=relation.evidence.start,
                    end=relation.evidence.end,
                    sentence=relation.evidence.sentence,
                    modality=relation.modality,
                    evidence=relation.evidence.text,
                    attributes=json.dumps(relation.attributes, sort_keys=True, ensure_ascii=False)
                    if relation.attributes
                    else "",
                )
            )
        for event in result.events:
            self._add_event(event, article.id)

    def _add_entity(self, entity: Entity, article_id: str, mention_texts: list[str]) -> None:
        # Records from different stages fill different fields; the largest count is the true one,
        # and an entity listed for an article was mentioned there at least once.
        count = max(entity.mention_count, len(entity.mentions), len(mention_texts), 1)
        acc = self._entities.setdefault(self.canonical_id(entity.id), _EntityAccumulator())
        acc.names[entity.name] += count
        acc.types[entity.type] += count
        acc.aliases.add(entity.name)
        acc.aliases.update(entity.aliases)
        acc.aliases.update(mention.text for mention in entity.mentions)
        acc.aliases.update(mention_texts)
        acc.articles[article_id] = acc.articles.get(article_id, 0) + count

    def _add_event(self, event: Event, article_id: str) -> None:
        key = f"event:{event.id}"
        if key in self._events:
            # Event ids are meant to be corpus-unique; qualify a clash with the article id.
            key = f"event:{article_id}#{event.id}"
            n = 2
            while key in self._events:
                key = f"event:{article_id}#{event.id}#{n}"
                n += 1
        roles = {
            EventRole(role=argument.role, entity_id=self.canonical_id(argument.entity_id), text=argument.text)
            for argument in event.arguments
            if argument.entity_id is not None
        }
        linked = {role.entity_id for role in roles}
        place = self.canonical_id(event.place) if event.place is not None else None
        if place is not None and place not in linked:
            roles.add(EventRole(role="place", entity_id=place, text=""))
        literals = sorted(
            f"{argument.role}={argument.text}" for argument in event.arguments if argument.entity_id is None
        )
        self._events[key] = EventNode(
            key=key,
            id=event.id,
            article=article_id,
            type=event.type,
            modality=event.modality,
            trigger=event.trigger.text,
            trigger_start=event.trigger.start,
            trigger_end=event.trigger.end,
            sentence=event.trigger.sentence,
            time=event.time or "",
            date=event.date or "",
            place=place or "",
            quote=event.quote or "",
            plover=event.plover or "",
            ace=event.ace or "",
            literal_arguments=ALIAS_SEPARATOR.join(literals),
            roles=tuple(sorted(roles)),
        )

    @property
    def relation_count(self) -> int:
        """Number of relation edges added so far."""
        return len(self._relations)

    @property
    def event_count(self) -> int:
        """Number of events added so far."""
        return len(self._events)

    def entities(self) -> list[Entity]:
        """Corpus-level entities, sorted by id, with ``mentions`` left empty (see the class docstring).

        Returns:
            One Entity per entity id seen in any article.
        """
        return [
            Entity(
                id=entity_id,
                name=_most_common(acc.names),
                type=min(acc.types, key=lambda key: (-acc.types[key], key)),  # type: ignore[arg-type]
                aliases=sorted(acc.aliases),
                articles=sorted(acc.articles),
                mention_count=acc.mention_count,
            )
            for entity_id, acc in sorted(self._entities.items())
        ]

    def articles(self) -> list[ArticleInfo]:
        """Metadata of every article added (ok or failed), sorted by id."""
        return sorted(self._articles.values())

    def mention_counts(self) -> list[tuple[str, str, int]]:
        """``(entity id, article id, mentions)`` for every entity-article pair, sorted."""
        return sorted(
            (entity_id, article_id, count)
            for entity_id, acc in self._entities.items()
            for article_id, count in acc.articles.items()
        )

    def relations(self) -> list[RelationEdge]:
        """Every relation edge, sorted by source, target, type, article and offsets."""
        return sorted(self._relations)

    def events(self) -> list[EventNode]:
        """Every event node with its roles, sorted by node key."""
        return sorted(self._events.values())


def _entity_attrs(entity: Entity) -> dict[str, AttrValue]:
    return {
        "kind": "entity",
        "name": entity.name,
        "type": entity.type,
        "mention_count": entity.mention_count,
        "article_count": len(entity.articles),
        "aliases": ALIAS_SEPARATOR.join(entity.aliases),
    }


def _stub_entity_attrs(entity_id: str) -> dict[str, AttrValue]:
    # Referenced by a relation or event but never listed as an entity: keep the node well-formed.
    return {"kind": "entity", "name": entity_id, "type": "", "mention_count": 0, "article_count": 0, "aliases": ""}


def build_graph(results: Iterable[ArticleResult] | CorpusAggregate) -> nx.MultiDiGraph:
    """Build the corpus knowledge graph from extraction results.

    Nodes (every attribute a plain str/int/float/bool, never None, so GraphML, GEXF and
    node-link JSON all work):

    * entities, keyed by entity id: ``kind="entity"``, ``name``, ``type``, ``mention_count``,
      ``article_count``, ``aliases`` (joined by ``" | "``);
    * articles, keyed ``article:<id>``: ``kind="article"``, ``title``, ``date``, ``url``, ``lang``,
      ``source``, ``error`` (empty strings when missing or ok);
    * events, keyed ``event:<event id>``: ``kind="event"``, ``type``, ``plover``, ``ace`` (empty when the
      type has no such code), ``modality``, ``trigger``,
      ``trigger_start``, ``trigger_end``, ``sentence``, ``time``, ``date``, ``place``, ``quote``,
      ``literal_arguments`` (non-entity arguments as ``role=text``), ``article``.

    Edges:

    * entity → article, key ``"mentioned_in"``: ``kind="mention"``, ``count``;
    * entity → entity, key ``"<type>:<n>"`` (n counts from 0 per node pair and type):
      ``kind="relation"``, ``type``, ``modality``, ``evidence``, ``article``, ``start``, ``end``,
      ``sentence``, ``attributes`` (sorted JSON, empty when none);
    * event → entity, key = the role: ``kind="role"``, ``role``, ``text``;
    * event → article, key ``"reported_in"``: ``kind="reported_in"``.

    Nodes and edges are inserted in sorted order, so identical input gives identical output.
    Entity ids that a relation or event names but no article lists get a stub node (``type=""``).

    Args:
        results: ArticleResults (consumed once) or a filled CorpusAggregate.

    Returns:
        A directed multigraph; ``graph.graph["schema_version"]`` is the records' schema version.

    Example:
        >>> from newsgraph.records import Article, ArticleResult, Entity
        >>> result = ArticleResult(
        ...     article=Article(id="a1", text="Biden besucht Paris."),
        ...     entities=[Entity(id="Q90", name="Paris", type="GPE", mention_count=1)],
        ... )
        >>> graph = build_graph([result])
        >>> graph.nodes["Q90"]["name"], graph.edges["Q90", "article:a1", "mentioned_in"]["count"]
        ('Paris', 1)
    """
    if isinstance(results, CorpusAggregate):
        aggregate = results
    else:
        aggregate = CorpusAggregate()
        for result in results:
            aggregate.add(result)

    graph = nx.MultiDiGraph()
    graph.graph["schema_version"] = SCHEMA_VERSION

    entities = {entity.id: entity for entity in aggregate.entities()}
    relations = aggregate.relations()
    events = aggregate.events()
    referenced = {relation.source for relation in relations} | {relation.target for relation in relations}
    referenced |= {role.entity_id for event in events for role in event.roles}
    for entity_id in sorted(entities.keys() | referenced):
        entity = entities.get(entity_id)
        graph.add_node(entity_id, **(_entity_attrs(entity) if entity else _stub_entity_attrs(entity_id)))

    for info in aggregate.articles():
        graph.add_node(
            f"article:{info.id}",
            kind="article",
            title=info.title,
            date=info.date,
            url=info.url,
            lang=info.lang,
            source=info.source,
            error=info.error,
        )

    for event in events:
        graph.add_node(
            event.key,
            kind="event",
            type=event.type,
            plover=event.plover,
            ace=event.ace,
            modality=event.modality,
            trigger=event.trigger,
            trigger_start=event.trigger_start,
            trigger_end=event.trigger_end,
            sentence=event.sentence,
            time=event.time,
            date=event.date,
            place=event.place,
            quote=event.quote,
            literal_arguments=event.literal_arguments,
            article=event.article,
        )

    for entity_id, article_id, count in aggregate.mention_counts():
        graph.add_edge(entity_id, f"article:{article_id}", key="mentioned_in", kind="mention", count=count)

    seen: Counter[tuple[str, str, str]] = Counter()
    for relation in relations:
        n = seen[relation.source, relation.target, relation.type]
        seen[relation.source, relation.target, relation.type] += 1
        graph.add_edge(
            relation.source,
            relation.target,
            key=f"{relation.type}:{n}",
            kind="relation",
            type=relation.type,
            modality=relation.modality,
            evidence=relation.evidence,
            article=relation.article,
            start=relation.start,
            end=relation.end,
            sentence=relation.sentence,
            attributes=relation.attributes,
        )

    for event in events:
        for role in event.roles:
            # The same entity in the same role twice adds nothing; keep the first (sorted) one.
            if not graph.has_edge(event.key, role.entity_id, key=role.role):
                graph.add_edge(event.key, role.entity_id, key=role.role, kind="role", role=role.role, text=role.text)
        graph.add_edge(event.key, f"article:{event.article}", key="reported_in", kind="reported_in")

    return graph
