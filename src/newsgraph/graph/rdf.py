"""The records as linked data: Turtle and JSON-LD (``--format ttl,jsonld``), built with rdflib.

Vocabularies:

- entities are ``schema:Person``, ``schema:Organization``, ``schema:Place`` (``schema:Country`` is not
  claimed: a GPE may be a city), ``schema:Event`` or ``schema:Thing`` by type, and ``sem:Actor`` or
  ``sem:Place``; ``schema:name``, ``schema:alternateName`` (aliases), ``ngv:entityType`` (the NER type),
  ``ngv:mentionCount``; ``owl:sameAs`` the Wikidata item when the id is a QID;
- events follow the Simple Event Model (SEM, as NewsReader's GAF used it): ``sem:Event`` with
  ``sem:eventType`` (a ``skos:Concept`` ``<vocab/event-type/TYPE>``, with its label and ``skos:notation`` codes
  when the record has them), ``sem:hasActor`` (every entity argument but places), ``sem:hasPlace``,
  ``sem:hasTime`` (a ``sem:Time`` with ``rdfs:label`` as written and ``sem:hasTimeStamp`` when resolved), and
  one ``sem:Role`` per argument (``rdf:value`` the entity, ``sem:roleType`` ``<vocab/role/ROLE>``, the text
  and offsets) so that who played which role stays queryable; ``ngv:modality``; the trigger as a NIF string;
- relations: the triple itself in the newsgraph vocabulary (``<source> ngv:holds_role_in <target>``, only
  for ``asserted`` ones: a negated or hypothetical statement is no fact) and, for every relation, an
  ``rdf:Statement`` with the same subject, predicate and object, ``ngv:modality``, one ``ngv:<key>`` per
  attribute (``ngv:role "Aussenminister"``) and its evidence;
- provenance: articles are ``schema:NewsArticle`` and ``nif:Context`` (``nif:isString`` the text);
  evidence, triggers and mentions are ``nif:String`` resources ``<article>#char=START,END`` (RFC 5147) with
  ``nif:beginIndex``, ``nif:endIndex``, ``nif:anchorOf`` and ``nif:referenceContext``; events, statements
  and mentions carry ``prov:wasDerivedFrom`` their article; a mention ``itsrdf:taIdentRef`` its entity.

IRIs: data under ``https://newsgraph.invalid/id/`` (``entity/<id>``, ``article/<id>``, ``event/<article>/<id>``,
``relation/<article>/<n>``), the vocabulary under ``https://newsgraph.invalid/vocab#`` (``ngv:``). No blank
nodes, so the same input gives the same bytes.

Needs the ``rdf`` extra (``pip install "newsgraph[rdf]"``: rdflib).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from newsgraph.graph.formats import FileFormat, ResultsReader
from newsgraph.records import ArticleResult, Entity, Event, Relation

if TYPE_CHECKING:
    from rdflib import Graph, URIRef

DATA = "https://newsgraph.invalid/id/"
"""Where newsgraph's resources (entities, articles, events, relations) live."""
VOCAB = "https://newsgraph.invalid/vocab#"
"""The newsgraph vocabulary (``ngv:``): relation types and record fields."""
ROLES = "https://newsgraph.invalid/vocab/role/"
"""Event argument roles (``sem:roleType``): ``role/agent``, ``role/speaker`` ..."""
EVENT_TYPES = "https://newsgraph.invalid/vocab/event-type/"
"""Event types (``sem:eventType``), each a ``skos:Concept``."""
SEM = "http://semanticweb.cs.vu.nl/2009/11/sem/"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
ITSRDF = "http://www.w3.org/2005/11/its/rdf#"
WIKIDATA = "http://www.wikidata.org/entity/"

TURTLE_FILE = "graph.ttl"
JSONLD_FILE = "graph.jsonld"

SCHEMA_TYPES: dict[str, str] = {"PER": "Person", "ORG": "Organization", "NORP": "Organization", "GPE": "Place",
                                "LOC": "Place", "EVENT": "Event", "MISC": "Thing"}
"""Entity type → schema.org class."""
SEM_TYPES: dict[str, str] = {"PER": "Actor", "ORG": "Actor", "NORP": "Actor", "GPE": "Place", "LOC": "Place"}
"""Entity type → SEM class (MISC and EVENT get none)."""

_PLACE_ROLES = frozenset({"location", "place", "destination", "origin"})
_CODE_FIELDS = ("plover", "ace", "cameo")  # event codes a record may carry (issue 20 adds plover and ace)
_QID = re.compile(r"Q[1-9][0-9]*")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _iri(*parts: str) -> str:
    return DATA + "/".join(quote(part, safe=":") for part in parts)


def _term(name: str) -> str:
    """A vocabulary term for a type, role or key (``holds_role_in`` → ``ngv:holds_role_in``)."""
    return VOCAB + (name if _NAME.fullmatch(name) else quote(name, safe=""))


def build_rdf(results: Iterable[ArticleResult], entities: Sequence[Entity]) -> Graph:
    """The linked-data graph of a run (see the module docstring for the vocabularies).

    Args:
        results: The articles' results.
        entities: The corpus-level entities.

    Returns:
        An ``rdflib.Graph`` with the prefixes bound.

    Example:
        >>> graph = build_rdf(results, entities)  # doctest: +SKIP
        >>> print(graph.serialize(format="turtle"))  # doctest: +SKIP
    """
    from rdflib import Graph

    graph = Graph()
    _bind(graph)
    for entity in entities:
        _add_entity(graph, entity)
    for result in results:
        _add_result(graph, result)
    return graph


def _bind(graph: Graph) -> None:
    from rdflib.namespace import OWL, PROV, RDF, RDFS, SDO, SKOS, XSD

    for prefix, namespace in (("ng", DATA), ("ngv", VOCAB), ("sem", SEM), ("nif", NIF), ("itsrdf", ITSRDF),
                              ("wd", WIKIDATA), ("schema", str(SDO)), ("owl", str(OWL)), ("prov", str(PROV)),
                              ("rdf", str(RDF)), ("rdfs", str(RDFS)), ("skos", str(SKOS)), ("xsd", str(XSD))):
        graph.bind(prefix, namespace, override=True, replace=True)


def _add_entity(graph: Graph, entity: Entity) -> None:
    from rdflib import Literal, URIRef
    from rdflib.namespace import OWL, RDF, SDO

    node = URIRef(_iri("entity", entity.id))
    graph.add((node, RDF.type, SDO[SCHEMA_TYPES.get(entity.type, "Thing")]))
    if entity.type in SEM_TYPES:
        graph.add((node, RDF.type, URIRef(SEM + SEM_TYPES[entity.type])))
    graph.add((node, SDO.name, Literal(entity.name)))
    for alias in entity.aliases:
        if alias != entity.name:
            graph.add((node, SDO.alternateName, Literal(alias)))
    graph.add((node, URIRef(_term("entityType")), Literal(entity.type)))
    graph.add((node, URIRef(_term("mentionCount")), Literal(entity.mention_count)))
    if _QID.fullmatch(entity.id):
        graph.add((node, OWL.sameAs, URIRef(WIKIDATA + entity.id)))


def _span(graph: Graph, article: URIRef, text: str, start: int, end: int) -> URIRef:
    """The NIF string of a char span of an article."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF, XSD

    node = URIRef(f"{article}#char={start},{end}")
    graph.add((node, RDF.type, URIRef(NIF + "String")))
    graph.add((node, RDF.type, URIRef(NIF + "RFC5147String")))
    graph.add((node, URIRef(NIF + "beginIndex"), Literal(start, datatype=XSD.nonNegativeInteger)))
    graph.add((node, URIRef(NIF + "endIndex"), Literal(end, datatype=XSD.nonNegativeInteger)))
    graph.add((node, URIRef(NIF + "anchorOf"), Literal(text)))
    graph.add((node, URIRef(NIF + "referenceContext"), article))
    return node


def _add_result(graph: Graph, result: ArticleResult) -> None:
    from rdflib import Literal, URIRef
    from rdflib.namespace import PROV, RDF, SDO

    article = URIRef(_iri("article", result.article.id))
    meta = result.article
    graph.add((article, RDF.type, SDO.NewsArticle))
    graph.add((article, SDO.identifier, Literal(meta.id)))
    for prop, value in ((SDO.headline, meta.title), (SDO.datePublished, meta.date), (SDO.url, meta.url),
                        (SDO.publisher, meta.source), (SDO.inLanguage, meta.lang)):
        if value:
            graph.add((article, prop, Literal(value)))
    if result.error:
        graph.add((article, URIRef(_term("error")), Literal(result.error)))
        return
    graph.add((article, RDF.type, URIRef(NIF + "Context")))
    graph.add((article, URIRef(NIF + "isString"), Literal(meta.text)))
    for mention in result.mentions:
        node = _span(graph, article, mention.text, mention.start, mention.end)
        if mention.entity_id:
            graph.add((node, URIRef(ITSRDF + "taIdentRef"), URIRef(_iri("entity", mention.entity_id))))
            graph.add((URIRef(_iri("entity", mention.entity_id)), SDO.subjectOf, article))
        graph.add((node, PROV.wasDerivedFrom, article))
    for index, relation in enumerate(result.relations):
        _add_relation(graph, article, result.article.id, index, relation)
    for event in result.events:
        _add_event(graph, article, result.article.id, event)


def _add_relation(graph: Graph, article: URIRef, article_id: str, index: int, relation: Relation) -> None:
    from rdflib import Literal, URIRef
    from rdflib.namespace import PROV, RDF

    subject, obj = URIRef(_iri("entity", relation.source)), URIRef(_iri("entity", relation.target))
    predicate = URIRef(_term(relation.type))
    if relation.modality == "asserted":
        graph.add((subject, predicate, obj))
    node = URIRef(_iri("relation", article_id, str(index)))
    graph.add((node, RDF.type, RDF.Statement))
    graph.add((node, RDF.type, URIRef(_term("Relation"))))
    graph.add((node, RDF.subject, subject))
    graph.add((node, RDF.predicate, predicate))
    graph.add((node, RDF.object, obj))
    graph.add((node, URIRef(_term("modality")), Literal(relation.modality)))
    for key, value in sorted(relation.attributes.items()):
        graph.add((node, URIRef(_term(key)), Literal(value)))
    evidence = relation.evidence
    graph.add((node, URIRef(_term("evidence")), _span(graph, article, evidence.text, evidence.start, evidence.end)))
    graph.add((node, PROV.wasDerivedFrom, article))


def _event_type(graph: Graph, event: Event) -> URIRef:
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF, SKOS

    node = URIRef(EVENT_TYPES + quote(event.type, safe=""))
    graph.add((node, RDF.type, SKOS.Concept))
    graph.add((node, RDF.type, URIRef(SEM + "EventType")))
    graph.add((node, SKOS.prefLabel, Literal(event.type)))
    for field in _CODE_FIELDS:
        code = getattr(event, field, None)
        if isinstance(code, str) and code:
            graph.add((node, SKOS.notation, Literal(code, datatype=URIRef(_term(f"{field}Code")))))
    return node


def _add_event(graph: Graph, article: URIRef, article_id: str, event: Event) -> None:
    from rdflib import Literal, URIRef
    from rdflib.namespace import PROV, RDF, RDFS, XSD

    node = URIRef(_iri("event", article_id, event.id))
    graph.add((node, RDF.type, URIRef(SEM + "Event")))
    graph.add((node, URIRef(SEM + "eventType"), _event_type(graph, event)))
    graph.add((node, URIRef(_term("modality")), Literal(event.modality)))
    trigger = event.trigger
    graph.add((node, URIRef(_term("trigger")), _span(graph, article, trigger.text, trigger.start, trigger.end)))
    graph.add((node, PROV.wasDerivedFrom, article))
    if event.quote:
        graph.add((node, URIRef(_term("quote")), Literal(event.quote)))
    if event.place:
        graph.add((node, URIRef(SEM + "hasPlace"), URIRef(_iri("entity", event.place))))
    if event.time or event.date:
        time = URIRef(f"{node}/time")
        graph.add((node, URIRef(SEM + "hasTime"), time))
        graph.add((time, RDF.type, URIRef(SEM + "Time")))
        if event.time:
            graph.add((time, RDFS.label, Literal(event.time)))
        if event.date:
            graph.add((time, URIRef(SEM + "hasTimeStamp"), Literal(event.date, datatype=XSD.date)))
    for index, argument in enumerate(event.arguments):
        role = URIRef(f"{node}/role/{index}")
        graph.add((node, URIRef(_term("argument")), role))
        graph.add((role, RDF.type, URIRef(SEM + "Role")))
        graph.add((role, URIRef(SEM + "roleType"), URIRef(ROLES + quote(argument.role, safe=""))))
        graph.add((role, URIRef(_term("text")), Literal(argument.text)))
        if argument.start is not None and argument.end is not None:
            graph.add((role, URIRef(_term("span")), _span(graph, article, argument.text, argument.start,
                                                         argument.end)))
        if argument.entity_id is None:
            continue
        entity = URIRef(_iri("entity", argument.entity_id))
        graph.add((role, RDF.value, entity))
        where = "hasPlace" if argument.role in _PLACE_ROLES else "hasActor"
        graph.add((node, URIRef(SEM + where), entity))


def write_rdf(results: ResultsReader, entities: Sequence[Entity], paths: Mapping[str, Path]) -> None:
    """Write the linked-data graph as Turtle and/or JSON-LD (whichever of the files ``paths`` names).

    Args:
        results: Reads the run's results from the start.
        entities: The corpus-level entities.
        paths: ``graph.ttl`` and/or ``graph.jsonld`` → where to write it.

    Raises:
        OSError: A file cannot be written (the export reports it as an ``ExportError``).
    """
    graph = build_rdf(results(), entities)
    if TURTLE_FILE in paths:
        paths[TURTLE_FILE].write_bytes(graph.serialize(format="turtle", encoding="utf-8"))
    if JSONLD_FILE in paths:
        paths[JSONLD_FILE].write_text(_jsonld(graph), encoding="utf-8", newline="\n")


def _jsonld(graph: Graph) -> str:
    """JSON-LD with the prefixes as context, nodes sorted by id: the same graph gives the same bytes."""
    context = {prefix: str(namespace) for prefix, namespace in graph.namespaces() if prefix}
    data = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    nodes = data.get("@graph", [data] if "@id" in data else [])
    for node in nodes:
        for key, value in node.items():
            if isinstance(value, list):
                node[key] = sorted(value, key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
    document = {"@context": dict(sorted(context.items())), "@graph": sorted(nodes, key=lambda node: node["@id"])}
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


TURTLE = FileFormat(name="ttl", files=(TURTLE_FILE,), requires=("rdflib",), extra="rdf", write=write_rdf)
"""``--format ttl``: ``graph.ttl``."""
JSONLD = FileFormat(name="jsonld", files=(JSONLD_FILE,), requires=("rdflib",), extra="rdf", write=write_rdf)
"""``--format jsonld``: ``graph.jsonld``."""
