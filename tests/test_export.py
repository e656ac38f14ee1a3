"""Tests for newsgraph.export: streamed, atomic, deterministic output files and reading them back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from test_graph import make_results

from newsgraph.errors import ConfigError, ExportError
from newsgraph.export import read_entities, read_results, write_outputs
from newsgraph.records import Article, ArticleResult, Entity

ALL_FORMATS = ("jsonl", "graphml", "json", "gexf")
ALL_FILES = ["articles.jsonl", "entities.jsonl", "graph.gexf", "graph.graphml", "graph.json"]


def _files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_writes_all_formats_and_summary(tmp_path: Path) -> None:
    summary = write_outputs(make_results(), tmp_path / "out", formats=ALL_FORMATS)
    out = tmp_path / "out"
    assert _files(out) == ALL_FILES
    assert sorted(path.name for path in summary.paths) == ALL_FILES
    assert (summary.articles_ok, summary.articles_failed) == (2, 1)
    assert summary.entities_by_type == {"GPE": 2, "PER": 1}
    assert (summary.relations, summary.events) == (2, 1)


def test_default_formats(tmp_path: Path) -> None:
    write_outputs(make_results(), tmp_path)
    assert _files(tmp_path) == ["articles.jsonl", "entities.jsonl", "graph.graphml", "graph.json"]


def test_graph_files_read_back(tmp_path: Path) -> None:
    write_outputs(make_results(), tmp_path, formats=ALL_FORMATS)

    graphml = nx.read_graphml(tmp_path / "graph.graphml", force_multigraph=True)
    assert graphml.nodes["Q30"]["name"] == "USA"
    assert graphml.nodes["Q30"]["mention_count"] == 3
    assert graphml.nodes["article:a3"]["error"] == "broken.txt: empty text"
    assert graphml.edges["Q30", "Q183", "negotiates_with:0"]["type"] == "negotiates_with"

    gexf = nx.read_gexf(tmp_path / "graph.gexf")
    assert gexf.nodes["Q30"]["label"] == "USA"
    relation = next(data for u, v, data in gexf.edges(data=True) if (u, v) == ("Q30", "Q183"))
    assert relation["relation_type"] == "negotiates_with"
    assert relation["start_char"] == 0

    data = json.loads((tmp_path / "graph.json").read_text(encoding="utf-8"))
    graph = nx.node_link_graph(data, edges="links")
    assert graph.is_directed() and graph.is_multigraph()
    assert graph.nodes["Q30"]["aliases"] == "USA | Vereinigte Staaten | Vereinigten Staaten"
    assert graph.edges["Q30", "article:a1", "mentioned_in"]["count"] == 2


def test_control_characters_never_reach_the_xml_files(tmp_path: Path) -> None:
    article = Article(id="a\x01", text="Paris\x0b liegt an der Seine.", title="Tag\x02 eins", path="in\udcfe.txt")
    paris = Entity(id="Q90", name="Paris", type="GPE", mention_count=1)
    write_outputs([ArticleResult(article=article, entities=[paris])], tmp_path, formats=ALL_FORMATS)
    graph = nx.read_graphml(tmp_path / "graph.graphml", force_multigraph=True)
    assert graph.nodes["article:a "]["title"] == "Tag  eins"
    assert nx.read_gexf(tmp_path / "graph.gexf").nodes["Q90"]["label"] == "Paris"


def test_entities_jsonl_sorted_and_readable(tmp_path: Path) -> None:
    write_outputs(make_results(), tmp_path)
    entities = list(read_entities(tmp_path / "entities.jsonl"))
    assert [(e.type, e.name, e.id) for e in entities] == [
        ("GPE", "Deutschland", "Q183"),
        ("GPE", "USA", "Q30"),
        ("PER", "Biden", "Q6279"),
    ]
    assert all(entity.mentions == [] for entity in entities)


def test_read_results_round_trip(tmp_path: Path) -> None:
    results = make_results()
    write_outputs(results, tmp_path)
    assert list(read_results(tmp_path / "articles.jsonl")) == results


def test_failed_article_in_articles_jsonl(tmp_path: Path) -> None:
    write_outputs(make_results(), tmp_path)
    lines = (tmp_path / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["article"]["id"] for line in lines] == ["a1", "a2", "a3"]  # input order
    failed = json.loads(lines[2])
    assert failed["error"] == "broken.txt: empty text"
    assert failed["entities"] == []


def test_byte_identical_runs(tmp_path: Path) -> None:
    write_outputs(make_results(), tmp_path / "one", formats=ALL_FORMATS)
    write_outputs(make_results(), tmp_path / "two", formats=ALL_FORMATS)
    for name in ALL_FILES:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    assert b"lastmodifieddate" not in (tmp_path / "one" / "graph.gexf").read_bytes()


def test_failed_writer_leaves_old_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = {"articles.jsonl": b"old articles\n", "graph.graphml": b"<old/>\n"}
    for name, content in old.items():
        (tmp_path / name).write_bytes(content)

    def broken_write_graphml(graph: nx.MultiDiGraph, path: Path, **kwargs: object) -> None:
        Path(path).write_text("<graphml half-writ", encoding="utf-8")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(nx, "write_graphml", broken_write_graphml)
    with pytest.raises(RuntimeError, match="disk on fire"):
        write_outputs(make_results(), tmp_path, formats=ALL_FORMATS)
    assert _files(tmp_path) == sorted(old)  # no partial new files, no temp files
    for name, content in old.items():
        assert (tmp_path / name).read_bytes() == content


def test_failing_input_stream_leaves_nothing(tmp_path: Path) -> None:
    def results() -> Iterator[ArticleResult]:
        yield from make_results()[:2]
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_outputs(results(), tmp_path)
    assert _files(tmp_path) == []


def test_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="'pdf'.*jsonl, graphml, json, gexf"):
        write_outputs(make_results(), tmp_path / "out", formats=["graphml", "pdf"])
    assert not (tmp_path / "out").exists()


def test_out_dir_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(ExportError, match="out"):
        write_outputs(make_results(), blocker)
    with pytest.raises(ExportError):
        write_outputs(make_results(), blocker / "sub")


def test_read_results_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "articles.jsonl"
    good = make_results()[0].model_dump_json()
    path.write_text(f"{good}\n\n{{\"article\": 1}}\n", encoding="utf-8")
    results = read_results(path)
    assert isinstance(next(results), ArticleResult)
    with pytest.raises(ExportError, match=r"articles\.jsonl:3"):
        next(results)


def test_read_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="missing.jsonl"):
        list(read_entities(tmp_path / "missing.jsonl"))
