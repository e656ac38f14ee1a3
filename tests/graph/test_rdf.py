"""Tests for newsgraph.graph.rdf: Turtle and JSON-LD (``--format ttl,jsonld``) that parse back and answer SPARQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import SEED_TEXT, make_results, requires_model

import newsgraph
from newsgraph.graph.export import write_outputs
from newsgraph.records import Article, ArticleResult, Entity, Relation, Span

rdflib = pytest.importorskip("rdflib")
from rdflib.compare import isomorphic  # noqa: E402

PREFIXES = """
PREFIX schema: <https://schema.org/>
PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX ngv: <https://newsgraph.invalid/vocab#>
PREFIX wd: <http://www.wikidata.org/entity/>
"""


def _turtle(folder: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(folder / "graph.ttl", format="turtle")


def _rows(graph: rdflib.Graph, query: str) -> set[tuple[str, ...]]:
    return {tuple(str(value) for value in row) for row in graph.query(PREFIXES + query)}


@requires_model
def test_sparql_finds_kerrys_role_in_the_seed(tmp_path: Path) -> None:
    write_outputs(newsgraph.extract([SEED_TEXT], lang="de"), tmp_path, formats=["ttl"])
    graph = _turtle(tmp_path)

    office = _rows(graph, """
        SELECT ?role ?country WHERE {
            ?kerry schema:name "John Kerry" ; a schema:Person .
            ?statement rdf:subject ?kerry ; rdf:predicate ngv:holds_role_in ; rdf:object ?c ; ngv:role ?role .
            ?kerry ngv:holds_role_in ?c .
            ?c schema:name ?country ; owl:sameAs wd:Q30 .
        }""")
    assert office == {("Aussenminister", "USA")}
    event_roles = _rows(graph, """
        SELECT DISTINCT ?type ?role WHERE {
            ?kerry schema:name "John Kerry" .
            ?event a sem:Event ; sem:hasActor ?kerry ; sem:eventType/skos:prefLabel ?type ; ngv:argument ?arg .
            ?arg rdf:value ?kerry ; sem:roleType ?role .
        }""")
    assert ("statement", "https://newsgraph.invalid/vocab/role/speaker") in event_roles


def test_entities_have_schema_types_and_wikidata_links(tmp_path: Path) -> None:
    write_outputs(make_results(), tmp_path, formats=["ttl"])
    rows = _rows(_turtle(tmp_path), """
        SELECT ?name ?type ?same WHERE { ?e schema:name ?name ; a ?type ; owl:sameAs ?same .
                                         FILTER(STRSTARTS(STR(?type), "https://schema.org/")) }""")
    assert rows == {("Biden", "https://schema.org/Person", "http://www.wikidata.org/entity/Q6279"),
                    ("USA", "https://schema.org/Place", "http://www.wikidata.org/entity/Q30"),
                    ("Deutschland", "https://schema.org/Place", "http://www.wikidata.org/entity/Q183")}


def test_events_follow_sem_with_actor_and_type_concept(tmp_path: Path) -> None:
    write_outputs(make_results(), tmp_path, formats=["ttl"])
    rows = _rows(_turtle(tmp_path), """
        SELECT ?type ?actor ?role ?article WHERE {
            ?event a sem:Event ; sem:eventType ?t ; sem:hasActor ?a ; ngv:argument ?arg ; prov:wasDerivedFrom ?art .
            ?t a skos:Concept ; skos:prefLabel ?type .
            ?a schema:name ?actor .
            ?arg rdf:value ?a ; sem:roleType ?role .
            ?art schema:identifier ?article .
        }""")
    assert rows == {("threat", "USA", "https://newsgraph.invalid/vocab/role/agent", "a1")}


def test_provenance_offsets_point_into_the_article_text(tmp_path: Path) -> None:
    write_outputs(make_results(), tmp_path, formats=["ttl"])
    rows = _rows(_turtle(tmp_path), """
        SELECT ?anchor ?begin ?end ?text WHERE {
            ?statement rdf:predicate ngv:negotiates_with ; ngv:evidence ?span ; ngv:topic "Zölle" .
            ?span nif:anchorOf ?anchor ; nif:beginIndex ?begin ; nif:endIndex ?end ; nif:referenceContext ?ctx .
            ?ctx nif:isString ?text .
        }""")
    ((anchor, begin, end, text),) = rows
    assert text[int(begin):int(end)] == anchor == "Die USA und Deutschland verhandeln."


def test_only_asserted_relations_become_plain_triples(tmp_path: Path) -> None:
    text = "Berlin verhandelt nicht mit Paris."
    relation = Relation(source="Q64", target="Q90", type="negotiates_with", modality="negated",
                        evidence=Span(text=text, start=0, end=len(text), sentence=0))
    result = ArticleResult(article=Article(id="n1", text=text), relations=[relation],
                           entities=[Entity(id="Q64", name="Berlin", type="GPE"), Entity(id="Q90", name="Paris", type="GPE")])
    write_outputs([result], tmp_path, formats=["ttl"])
    graph = _turtle(tmp_path)
    assert not _rows(graph, "SELECT ?s ?o WHERE { ?s ngv:negotiates_with ?o }")
    assert _rows(graph, "SELECT ?m WHERE { ?st rdf:predicate ngv:negotiates_with ; ngv:modality ?m }") == {("negated",)}


def test_jsonld_holds_the_same_graph_and_both_are_deterministic(tmp_path: Path) -> None:
    for name in ("one", "two"):
        write_outputs(make_results(), tmp_path / name, formats=["ttl", "jsonld"])
    one, two = tmp_path / "one", tmp_path / "two"
    for file in ("graph.ttl", "graph.jsonld"):
        assert (one / file).read_bytes() == (two / file).read_bytes()
    jsonld = rdflib.Graph().parse(one / "graph.jsonld", format="json-ld")
    assert len(jsonld) > 50
    assert isomorphic(jsonld, _turtle(one))
    manifest = json.loads((one / "newsgraph-manifest.json").read_text())
    assert {"graph.ttl", "graph.jsonld"} <= set(manifest["files"])
