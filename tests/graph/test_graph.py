"""Tests for newsgraph.graph.build: merging results across articles and the shape of the corpus graph."""

from __future__ import annotations

import pytest

from support import make_results
from newsgraph.graph.build import CorpusAggregate, build_graph
from newsgraph.records import Article, ArticleResult, Entity, EntityType, Relation, Span

def _plain(value: object) -> bool:
    return type(value) in (str, int, float, bool)


def test_aggregate_merges_entity_across_articles() -> None:
    aggregate = CorpusAggregate()
    for result in make_results():
        aggregate.add(result)
    entities = {entity.id: entity for entity in aggregate.entities()}
    usa = entities["Q30"]
    assert usa.mention_count == 3
    assert usa.articles == ["a1", "a2"]
    assert usa.aliases == ["USA", "Vereinigte Staaten", "Vereinigten Staaten"]
    assert usa.mentions == []
    assert usa.type == "GPE"
    assert sorted(entities) == ["Q183", "Q30", "Q6279"]
    assert (aggregate.articles_ok, aggregate.articles_failed) == (2, 1)
    assert (aggregate.relation_count, aggregate.event_count) == (2, 1)


def _named(article_id: str, entity_id: str, name: str, count: int, type_: EntityType = "GPE") -> ArticleResult:
    return ArticleResult(
        article=Article(id=article_id, text="x"),
        entities=[Entity(id=entity_id, name=name, type=type_, mention_count=count, articles=[article_id])],
    )


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ([("USA", 3), ("Vereinigte Staaten", 1)], "USA"),  # most mentions wins
        ([("USA", 1), ("United States", 1)], "United States"),  # tie: the longest
        ([("Bern", 2), ("Baar", 2)], "Baar"),  # tie of length: alphabetical
        ([("USA", 1), ("Vereinigte Staaten", 1), ("USA", 1)], "USA"),  # counted over articles
    ],
)
def test_canonical_name(names: list[tuple[str, int]], expected: str) -> None:
    aggregate = CorpusAggregate()
    for i, (name, count) in enumerate(names):
        aggregate.add(_named(f"a{i}", "Q30", name, count))
    (entity,) = aggregate.entities()
    assert entity.name == expected


def test_type_is_most_frequent() -> None:
    aggregate = CorpusAggregate()
    aggregate.add(_named("a1", "Q1", "Berlin", 1, "LOC"))
    aggregate.add(_named("a2", "Q1", "Berlin", 2, "GPE"))
    aggregate.add(_named("a3", "Q1", "Berlin", 1, "LOC"))
    (entity,) = aggregate.entities()
    assert entity.type == "GPE"  # 2 mentions each; tie broken alphabetically


def test_graph_nodes_and_edges() -> None:
    graph = build_graph(make_results())
    usa = graph.nodes["Q30"]
    assert usa["kind"] == "entity"
    assert usa["name"] == "USA"
    assert usa["mention_count"] == 3
    assert usa["aliases"] == "USA | Vereinigte Staaten | Vereinigten Staaten"
    assert graph.edges["Q30", "article:a1", "mentioned_in"] == {"kind": "mention", "count": 2}
    assert graph.edges["Q30", "article:a2", "mentioned_in"]["count"] == 1
    assert sum(1 for node in graph if node == "Q30") == 1

    relation = graph.edges["Q30", "Q183", "negotiates_with:0"]
    assert relation["kind"] == "relation"
    assert relation["evidence"] == "Die USA und Deutschland verhandeln."
    assert (relation["article"], relation["start"], relation["sentence"]) == ("a1", 0, 0)
    assert relation["attributes"] == '{"topic": "Zölle"}'
    assert graph.edges["Q6279", "Q30", "speaks_for:0"]["modality"] == "reported"

    event = graph.nodes["event:a1#e1"]
    assert (event["kind"], event["type"], event["trigger"], event["article"]) == ("event", "threat", "drohen", "a1")
    assert event["literal_arguments"] == "topic=Zöllen"
    assert graph.edges["event:a1#e1", "Q30", "agent"]["role"] == "agent"
    assert graph.edges["event:a1#e1", "article:a1", "reported_in"]["kind"] == "reported_in"


def test_failed_article_is_a_node_with_error() -> None:
    graph = build_graph(make_results())
    article = graph.nodes["article:a3"]
    assert article["kind"] == "article"
    assert article["error"] == "broken.txt: empty text"
    assert graph.nodes["article:a1"]["error"] == ""
    assert graph.nodes["article:a2"]["title"] == ""
    assert graph.degree("article:a3") == 0


def test_all_attributes_are_plain() -> None:
    graph = build_graph(make_results())
    for node, data in graph.nodes(data=True):
        assert data, node
        for name, value in data.items():
            assert _plain(value), (node, name, value)
    for u, v, key, data in graph.edges(keys=True, data=True):
        assert isinstance(key, str)
        for name, value in data.items():
            assert _plain(value), (u, v, key, name, value)


def test_same_input_same_graph_in_any_order() -> None:
    results = make_results()
    forward = build_graph(results)
    backward = build_graph(list(reversed(results)))
    assert list(forward.nodes(data=True)) == list(backward.nodes(data=True))
    assert list(forward.edges(keys=True, data=True)) == list(backward.edges(keys=True, data=True))


def test_unknown_entity_in_relation_gets_stub_node() -> None:
    result = make_results()[0]
    result.relations.append(
        Relation(source="Q30", target="Q999", type="sanctions", evidence=Span(text="x", start=0, end=1, sentence=0))
    )
    graph = build_graph([result])
    assert graph.nodes["Q999"] == {
        "kind": "entity", "name": "Q999", "type": "", "mention_count": 0, "article_count": 0, "aliases": "",
    }


def test_clashing_event_ids_are_qualified() -> None:
    first, second, _ = make_results()
    second.events.append(first.events[0].model_copy())
    graph = build_graph([first, second])
    assert graph.nodes["event:a1#e1"]["article"] == "a1"
    assert graph.nodes["event:a2#a1#e1"]["article"] == "a2"


def test_build_graph_accepts_aggregate() -> None:
    aggregate = CorpusAggregate()
    for result in make_results():
        aggregate.add(result)
    assert list(build_graph(aggregate).edges(keys=True)) == list(build_graph(make_results()).edges(keys=True))
