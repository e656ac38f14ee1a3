"""Tests for newsgraph.graph.export: streamed, atomic, deterministic output files and reading them back."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from support import make_results

from newsgraph import __version__
from newsgraph.errors import ConfigError, ExportError
from newsgraph.graph.export import (
    JOURNAL_FILE,
    LOCK_FILE,
    VIEW_FILE,
    output_lock,
    read_entities,
    read_manifest,
    read_results,
    write_outputs,
)
from newsgraph.records import SCHEMA_VERSION, Article, ArticleResult, Entity
from newsgraph.tools.view import write_view

ALL_FORMATS = ("jsonl", "graphml", "json", "gexf")
ALL_FILES = ["articles.jsonl", "entities.jsonl", "graph.gexf", "graph.graphml", "graph.json"]
MANIFEST = "newsgraph-manifest.json"


def _files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_writes_all_formats_and_summary(tmp_path: Path) -> None:
    summary = write_outputs(make_results(), tmp_path / "out", formats=ALL_FORMATS)
    out = tmp_path / "out"
    assert _files(out) == sorted([*ALL_FILES, MANIFEST])
    assert sorted(path.name for path in summary.paths) == ALL_FILES
    assert (summary.articles_ok, summary.articles_failed) == (2, 1)
    assert summary.entities_by_type == {"GPE": 2, "PER": 1}
    assert (summary.relations, summary.events) == (2, 1)


def test_default_formats(tmp_path: Path) -> None:
    write_outputs(make_results(), tmp_path)
    assert _files(tmp_path) == ["articles.jsonl", "entities.jsonl", "graph.graphml", "graph.json", MANIFEST]


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
    for name in [*ALL_FILES, MANIFEST]:
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


# --- one run's set of files: manifest, stale files, graph.html, the switch, the lock ----------------


def test_manifest_lists_the_files_of_the_run(tmp_path: Path) -> None:
    write_outputs(make_results(), tmp_path, formats=ALL_FORMATS)
    manifest = read_manifest(tmp_path)
    assert manifest is not None
    assert (manifest["newsgraph"], manifest["schema_version"]) == (__version__, SCHEMA_VERSION)
    assert sorted(manifest["files"]) == ALL_FILES
    for name, entry in manifest["files"].items():
        data = (tmp_path / name).read_bytes()
        assert entry == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def test_files_of_an_earlier_run_that_this_run_does_not_write_are_removed(tmp_path: Path) -> None:
    write_outputs(make_results(), tmp_path, formats=ALL_FORMATS, html=True)
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    write_outputs(make_results()[:1], tmp_path)
    assert _files(tmp_path) == ["articles.jsonl", "entities.jsonl", "graph.graphml", "graph.json", MANIFEST,
                                "notes.txt"]  # graph.gexf and graph.html were of the earlier run
    assert sorted(read_manifest(tmp_path)["files"]) == ["articles.jsonl", "entities.jsonl", "graph.graphml",
                                                        "graph.json"]


def test_html_is_written_with_the_set(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs(make_results(), out, html=True)
    page = (out / VIEW_FILE).read_bytes()
    assert VIEW_FILE in read_manifest(out)["files"]
    assert write_view(out) == out / VIEW_FILE  # the page of the same results, as `newsgraph view` writes it
    assert (out / VIEW_FILE).read_bytes() == page


def test_write_view_into_the_folder_joins_its_set(tmp_path: Path) -> None:
    write_outputs(make_results(), tmp_path)
    before = read_manifest(tmp_path)
    write_view(tmp_path)
    after = read_manifest(tmp_path)
    assert after["files"] == {**before["files"], VIEW_FILE: after["files"][VIEW_FILE]}
    write_outputs(make_results(), tmp_path)  # a run without --html: the page of the earlier run goes
    assert not (tmp_path / VIEW_FILE).exists()


def test_a_failure_after_the_commit_point_is_finished_by_the_next_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_outputs(make_results()[:1], tmp_path, formats=ALL_FORMATS)
    new = make_results()
    real_replace, calls = os.replace, []

    def failing_replace(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 3:  # the journal and articles.jsonl are in place, entities.jsonl is not
            raise OSError(5, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(ExportError, match="cannot finish switching the output files"):
        write_outputs(new, tmp_path)
    monkeypatch.setattr(os, "replace", real_replace)
    assert (tmp_path / JOURNAL_FILE).exists()
    assert list(read_results(tmp_path / "articles.jsonl")) == new  # the reader finished the switch
    assert not (tmp_path / JOURNAL_FILE).exists()
    assert _files(tmp_path) == ["articles.jsonl", "entities.jsonl", "graph.graphml", "graph.json", MANIFEST]
    assert len(list(read_entities(tmp_path / "entities.jsonl"))) == 3


@pytest.mark.parametrize("journal", [b"\x00garbage", json.dumps(
    {"format": 1, "rename": [["../../etc/passwd", "articles.jsonl"]], "delete": []}).encode(), json.dumps(
    {"format": 1, "rename": [], "delete": ["../elsewhere.txt"]}).encode()])
def test_a_journal_that_is_not_ours_is_refused(tmp_path: Path, journal: bytes) -> None:
    write_outputs(make_results(), tmp_path)
    (tmp_path / JOURNAL_FILE).write_bytes(journal)
    with pytest.raises(ExportError, match=r"\.newsgraph-commit\.json.*delete it"):
        list(read_results(tmp_path / "articles.jsonl"))


def test_the_output_lock_is_reentrant_here_and_exclusive_for_other_processes(tmp_path: Path) -> None:
    with output_lock(tmp_path):
        with output_lock(tmp_path):  # the CLI holds it around the library calls that take it again
            write_outputs(make_results(), tmp_path)
        held = json.loads((tmp_path / LOCK_FILE).read_text(encoding="utf-8"))
        assert held["pid"] == os.getpid()
        read, write = os.pipe()
        child = os.fork()
        if child == 0:  # pragma: no cover - the other process
            try:
                write_outputs(make_results(), tmp_path)
                message = "written"
            except ExportError as e:
                message = str(e)
            os.write(write, message.encode())
            os._exit(0)
        os.waitpid(child, 0)
        os.close(write)
        message = os.read(read, 4096).decode()
    assert message.startswith(f"another newsgraph run (pid {os.getpid()}, started {held['started']}) "
                              f"is writing {tmp_path}; wait for it to finish")
    assert not (tmp_path / LOCK_FILE).exists()


def test_entities_file_lines_carry_no_empty_mention_lists(tmp_path: Path) -> None:
    write_outputs(make_results(), tmp_path)
    lines = [json.loads(line) for line in (tmp_path / "entities.jsonl").read_text(encoding="utf-8").splitlines()]
    assert lines and all("mentions" not in line and line["mention_count"] >= 1 for line in lines)
    assert {entity.id for entity in read_entities(tmp_path / "entities.jsonl")} == {line["id"] for line in lines}
