"""Tests for newsgraph.graph.tables: the Parquet tables (``--format parquet``) and ``newsgraph.read``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import make_results

import newsgraph
from newsgraph.errors import ConfigError, ExportError
from newsgraph.graph import formats
from newsgraph.graph.export import check_formats, write_outputs
from newsgraph.graph.tables import COLUMNS, PARQUET_FILES, TABLES, schema

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pd = pytest.importorskip("pandas")

MANIFEST = "newsgraph-manifest.json"


def _manifest_files(folder: Path) -> set[str]:
    return set(json.loads((folder / MANIFEST).read_text())["files"])


def test_parquet_files_are_written_in_the_set_with_their_fixed_schema(tmp_path: Path) -> None:
    summary = write_outputs(make_results(), tmp_path, formats=["jsonl", "parquet"])

    parquet = set(PARQUET_FILES.values())
    assert parquet <= {path.name for path in summary.paths}
    assert _manifest_files(tmp_path) == {"articles.jsonl", "entities.jsonl", *parquet}
    for table, name in PARQUET_FILES.items():
        assert pq.read_schema(tmp_path / name).remove_metadata() == schema(table)
    assert [name for name, _ in COLUMNS["event_arguments"]] == pq.read_schema(
        tmp_path / "event_arguments.parquet").names


def test_tables_hold_the_records(tmp_path: Path) -> None:
    write_outputs(make_results(), tmp_path, formats=["parquet"])
    tables = newsgraph.read(tmp_path)

    assert list(tables._fields) == list(TABLES)
    assert list(tables.articles["article_id"]) == ["a1", "a2", "a3"]
    assert tables.articles.loc[2, "error"] == "broken.txt: empty text"
    assert pd.isna(tables.articles.loc[0, "error"])
    assert len(tables.mentions) == 5
    assert sorted(tables.entities["entity_id"]) == ["Q183", "Q30", "Q6279"]
    assert tables.entities.set_index("entity_id").loc["Q30", "mention_count"] == 3
    relation = tables.relations.iloc[0]
    assert (relation["source"], relation["type"], relation["target"]) == ("Q30", "negotiates_with", "Q183")
    assert dict(relation["attributes"]) == {"topic": "Zölle"}
    assert list(tables.events["event_id"]) == ["a1#e1"]
    arguments = tables.event_arguments
    assert list(arguments["role"]) == ["agent", "topic"]
    # nullable integers stay integers (not float64) when an offset is missing
    assert str(arguments["start"].dtype) == "Int64"
    assert str(tables.articles["line"].dtype) == "Int64"


def test_read_without_parquet_builds_the_same_tables_from_jsonl(tmp_path: Path) -> None:
    write_outputs(make_results(), tmp_path / "pq", formats=["parquet"])
    write_outputs(make_results(), tmp_path / "jsonl", formats=["jsonl"])

    from_parquet, from_jsonl = newsgraph.read(tmp_path / "pq"), newsgraph.read(tmp_path / "jsonl")
    for table in TABLES:
        pd.testing.assert_frame_equal(getattr(from_parquet, table), getattr(from_jsonl, table))


def test_empty_tables_keep_their_columns(tmp_path: Path) -> None:
    write_outputs([], tmp_path, formats=["parquet"])
    tables = newsgraph.read(tmp_path)
    assert tables.events.empty
    assert list(tables.events.columns) == [name for name, _ in COLUMNS["events"]]


def test_parquet_is_deterministic(tmp_path: Path) -> None:
    write_outputs(make_results(), tmp_path / "one", formats=["parquet"])
    write_outputs(make_results(), tmp_path / "two", formats=["parquet"])
    for name in PARQUET_FILES.values():
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_a_run_without_parquet_removes_the_old_parquet_files(tmp_path: Path) -> None:
    write_outputs(make_results(), tmp_path, formats=["parquet"])
    write_outputs(make_results()[:1], tmp_path, formats=["jsonl"])

    assert not any((tmp_path / name).exists() for name in PARQUET_FILES.values())
    assert list(newsgraph.read(tmp_path).articles["article_id"]) == ["a1"]


def test_a_failed_parquet_write_keeps_the_previous_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_outputs(make_results(), tmp_path, formats=["parquet"])
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}

    def broken(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("newsgraph.graph.export.FILE_FORMATS",
                        {"parquet": formats.FileFormat("parquet", tuple(PARQUET_FILES.values()), ("pyarrow",),
                                                       "tables", broken)})
    with pytest.raises(ExportError, match="No space left"):
        write_outputs(make_results()[:1], tmp_path, formats=["parquet"])
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == before


def test_parquet_without_pyarrow_is_a_config_error_that_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ConfigError, match=r'pip install "newsgraph\[tables\]"') as caught:
        check_formats(["parquet"])
    assert caught.value.code == "E018"


def test_read_names_a_folder_without_output(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="no articles.jsonl") as caught:
        newsgraph.read(tmp_path)
    assert caught.value.code == "E413"


def test_a_parquet_file_of_the_output_is_never_read_as_input(tmp_path: Path) -> None:
    from newsgraph.errors import InputPathError
    from newsgraph.ingest.read import check_sources

    write_outputs(make_results(), tmp_path, formats=["parquet", "ttl"])
    for name in ("relations.parquet", "graph.ttl"):
        with pytest.raises(InputPathError, match="is a file newsgraph writes in the output folder"):
            check_sources([tmp_path / name], out=tmp_path)
