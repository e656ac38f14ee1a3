"""Tests for newsgraph.tools.diff and ``newsgraph diff``: added/removed/changed records, tolerances, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import make_results
from typer.testing import CliRunner

from newsgraph.cli import app
from newsgraph.tools.diff import TOLERANCES, check_ignore, diff_canonical, diff_outputs, pair_articles
from newsgraph.errors import ConfigError, ExportError
from newsgraph.graph.export import write_outputs
from newsgraph.records import ArticleResult, Entity, Event, Relation

runner = CliRunner()


def _changed_results() -> list[ArticleResult]:
    """make_results() with: Biden renamed, Deutschland gone, Frankreich new, one relation and one
    event different, and one more mention of USA."""
    results = make_results()
    first, second = results[0], results[1]
    first.entities = [e for e in first.entities if e.id != "Q183"]
    first.entities.append(Entity(id="Q142", name="Frankreich", type="GPE", mention_count=1, articles=["a1"]))
    usa = next(e for e in first.entities if e.id == "Q30")
    usa.mention_count += 1
    first.relations[0] = Relation(
        source="Q30", target="Q142", type="negotiates_with", evidence=first.relations[0].evidence
    )
    first.events[0] = Event.model_validate({**first.events[0].model_dump(), "modality": "feared"})
    second.entities[0] = Entity.model_validate({**second.entities[0].model_dump(), "name": "Joe Biden"})
    return results


@pytest.fixture()
def outputs(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    write_outputs(make_results(), old)
    write_outputs(_changed_results(), new)
    return old, new


def test_identical_outputs_do_not_differ(tmp_path: Path) -> None:
    write_outputs(make_results(), tmp_path / "a")
    write_outputs(make_results(), tmp_path / "b")
    diff = diff_outputs(tmp_path / "a", tmp_path / "b")
    assert not diff.differs and diff.rows() == [] and diff.notes == []


def test_added_removed_changed(outputs: tuple[Path, Path]) -> None:
    diff = diff_outputs(*outputs)
    assert diff.differs
    assert [e.id for e in diff.entities_added] == ["Q142"]
    assert [e.id for e in diff.entities_removed] == ["Q183"]
    changes = {c.id: c.changes for c in diff.entities_changed}
    assert changes["Q6279"] == (("name", "Biden", "Joe Biden"),)
    assert changes["Q30"] == (("mention_count", 3, 4),)
    assert [(r.source, r.target) for r in diff.relations_removed] == [("Q30", "Q183")]
    assert [(r.source, r.target) for r in diff.relations_added] == [("Q30", "Q142")]
    assert [e.modality for e in diff.events_removed] == ["asserted"]
    assert [e.modality for e in diff.events_added] == ["feared"]
    assert diff.summary() == "entities +1 -1 ~2; relations +1 -1; events +1 -1"


def test_rows_are_readable(outputs: tuple[Path, Path]) -> None:
    text = diff_outputs(*outputs).to_text()
    assert "- entity   Deutschland (Q183)  [GPE, 1 mention]" in text
    assert "+ relation USA (Q30) -negotiates_with-> Frankreich (Q142)" in text
    assert "~ entity   Joe Biden (Q6279)  [name: 'Biden' → 'Joe Biden']" in text
    assert "+ event    threat «drohen»  [feared; agent=USA (Q30), topic=Zöllen; a1 @" in text


@pytest.mark.parametrize(
    ("ignore", "entities_changed", "relations", "events"),
    [
        ({"mention-counts"}, ["Q6279"], 2, 2),
        ({"names"}, ["Q30"], 2, 2),
        ({"names", "mention-counts"}, [], 2, 2),
        ({"relations"}, ["Q30", "Q6279"], 0, 2),
        ({"events", "relations"}, ["Q30", "Q6279"], 0, 0),
    ],
)
def test_tolerances(
    outputs: tuple[Path, Path], ignore: set[str], entities_changed: list[str], relations: int, events: int
) -> None:
    diff = diff_outputs(*outputs, ignore=ignore)
    assert [c.id for c in diff.entities_changed] == entities_changed
    assert len(diff.relations_added) + len(diff.relations_removed) == relations
    assert len(diff.events_added) + len(diff.events_removed) == events
    assert diff.ignore == frozenset(ignore)


def test_only_tolerated_changes_do_not_differ(tmp_path: Path) -> None:
    results = make_results()
    results[1].entities[0].name = "Joe Biden"
    results[0].entities[0].mention_count = 9
    write_outputs(make_results(), tmp_path / "old")
    write_outputs(results, tmp_path / "new")
    assert diff_outputs(tmp_path / "old", tmp_path / "new").differs
    assert not diff_outputs(tmp_path / "old", tmp_path / "new", ignore=["names,mention-counts"]).differs


def test_offsets_tolerance_matches_shifted_evidence() -> None:
    article = {"article": "a1", "error": None, "entities": [], "events": [["meeting", "asserted", "trifft", 6, []]],
               "relations": [["Q1", "meets", "Q2", "asserted", 0, 20]]}
    shifted = {**article, "events": [["meeting", "asserted", "trifft", 9, []]],
               "relations": [["Q1", "meets", "Q2", "asserted", 3, 23]]}
    assert diff_canonical([article], [shifted]).differs
    assert not diff_canonical([article], [shifted], ignore={"offsets"}).differs


def test_duplicate_relations_count(tmp_path: Path) -> None:
    results = make_results()
    results[0].relations.append(results[0].relations[0].model_copy())
    write_outputs(make_results(), tmp_path / "old")
    write_outputs(results, tmp_path / "new")
    diff = diff_outputs(tmp_path / "old", tmp_path / "new")
    assert len(diff.relations_added) == 1 and not diff.relations_removed


def test_entities_files_compare_entities_only(outputs: tuple[Path, Path]) -> None:
    old, new = outputs
    diff = diff_outputs(old / "entities.jsonl", new / "entities.jsonl")
    assert [e.id for e in diff.entities_added] == ["Q142"]
    assert not diff.relations_added and not diff.events_added
    assert any("relations not compared" in note for note in diff.notes)
    assert any("events not compared" in note for note in diff.notes)


def test_bad_paths_and_tolerances(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="no such file or folder"):
        diff_outputs(tmp_path / "missing", tmp_path)
    with pytest.raises(ExportError, match="no entities.jsonl"):
        diff_outputs(tmp_path, tmp_path)
    (tmp_path / "junk.jsonl").write_text("{}\n", encoding="utf-8")
    with pytest.raises(ExportError, match="not a valid Entity"):
        diff_outputs(tmp_path / "junk.jsonl", tmp_path / "junk.jsonl")
    with pytest.raises(ConfigError, match="unknown tolerance"):
        check_ignore(["mention-count"])
    assert check_ignore([" Names , types", "events"]) == {"names", "types", "events"}
    assert set(TOLERANCES) >= {"mention-counts", "names", "relations", "events"}


def test_to_dict_is_json(outputs: tuple[Path, Path]) -> None:
    data = json.loads(json.dumps(diff_outputs(*outputs).to_dict()))
    assert data["differs"] is True
    assert data["counts"]["entities_added"] == 1
    assert data["entities"]["changed"][0]["changes"] == {"mention_count": {"old": 3, "new": 4}}
    assert data["events"]["added"][0]["arguments"] == [["agent", "Q30"], ["topic", "Zöllen"]]


# --- command line -----------------------------------------------------------------------------


def test_cli_has_help_text() -> None:
    for command in ("diff", "view"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert any(c.name == command and (c.callback.__doc__ or "").strip() for c in app.registered_commands)


def test_cli_exit_0_when_same(tmp_path: Path) -> None:
    write_outputs(make_results(), tmp_path / "a")
    write_outputs(make_results(), tmp_path / "b")
    result = runner.invoke(app, ["diff", str(tmp_path / "a"), str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    assert "no differences" in result.output


def test_cli_exit_1_with_table(outputs: tuple[Path, Path]) -> None:
    result = runner.invoke(app, ["diff", str(outputs[0]), str(outputs[1])])
    assert result.exit_code == 1
    assert "Frankreich (Q142)" in result.output and "Deutschland (Q183)" in result.output
    assert "differs from" in result.output


def test_cli_ignore_and_json(outputs: tuple[Path, Path]) -> None:
    old, new = (str(p) for p in outputs)
    result = runner.invoke(app, ["diff", old, new, "--json", "--ignore", "names", "--ignore", "mention-counts"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["ignore"] == ["mention-counts", "names"] and data["entities"]["changed"] == []
    entities_only = ["diff", f"{old}/entities.jsonl", f"{old}/entities.jsonl", "--json"]
    assert runner.invoke(app, entities_only).exit_code == 0


def test_cli_exit_2_on_bad_input(outputs: tuple[Path, Path], tmp_path: Path) -> None:
    assert runner.invoke(app, ["diff", str(tmp_path / "nope"), str(outputs[1])]).exit_code == 2
    assert runner.invoke(app, ["diff", str(outputs[0]), str(outputs[1]), "--ignore", "bogus"]).exit_code == 2


def test_extract_baseline(use_stand_in: Path, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("John Kerry traf Angela Merkel in Berlin.", encoding="utf-8")
    base = tmp_path / "base"
    assert runner.invoke(app, ["extract", str(article), "--lang", "de", "-o", str(base), "-q"]).exit_code == 0
    same = runner.invoke(app, ["extract", str(article), "--lang", "de", "-o", str(tmp_path / "same"), "--baseline", str(base)])
    assert same.exit_code == 0, same.output
    article.write_text("John Kerry traf Angela Merkel in Paris.", encoding="utf-8")
    changed = runner.invoke(app, ["extract", str(article), "--lang", "de", "-o", str(tmp_path / "new"), "-q", "--baseline", str(base)])
    assert changed.exit_code == 1
    assert "Paris" in changed.output
    missing = runner.invoke(app, ["extract", str(article), "--lang", "de", "-o", str(tmp_path / "x"), "--baseline", str(tmp_path / "no")])
    assert missing.exit_code == 2 and not (tmp_path / "x").exists()
    itself = runner.invoke(app, ["extract", str(article), "--lang", "de", "-o", str(base), "--baseline", str(base)])
    assert itself.exit_code == 2


def test_articles_added_removed_and_text_changes() -> None:
    def article(article_id: str, start: int) -> dict[str, object]:
        return {"article": article_id, "error": None, "entities": [], "events": [],
                "relations": [["Q1", "meets", "Q2", "asserted", start, start + 20]]}

    old = [article("kerry-0123456789ab", 0), article("gone-aaaaaaaaaaaa", 0)]
    new = [article("kerry-ba9876543210", 7), article("fresh", 0)]
    diff = diff_canonical(old, new)
    # the edited article is paired by its name; offsets into two different texts are not compared
    assert diff.articles_renamed == {"kerry-0123456789ab": "kerry-ba9876543210"}
    assert diff.articles_removed == ["gone-aaaaaaaaaaaa"] and diff.articles_added == ["fresh"]
    assert [r.article for r in diff.relations_removed] == ["gone-aaaaaaaaaaaa"]
    assert [r.article for r in diff.relations_added] == ["fresh"]
    assert any("changed its text" in note for note in diff.notes)
    assert diff.summary().startswith("articles +1 -1; ")
    assert pair_articles({"a-0123456789ab", "b"}, {"a-ffffffffffff", "b"}) == {"a-0123456789ab": "a-ffffffffffff"}
    assert pair_articles({"a"}, {"a-ffffffffffff"}) == {}


# --- a broken output is never "no differences" (issue 18) ----------------------------------------------


def _break_articles(folder: Path, how: str) -> None:
    articles = folder / "articles.jsonl"
    articles.unlink()
    if how == "directory":
        articles.mkdir()
    elif how == "dangling-link":
        articles.symlink_to(folder / "gone.jsonl")


@pytest.mark.parametrize("how", ["missing", "directory", "dangling-link"])
@pytest.mark.parametrize("side", [0, 1])
def test_cli_exit_2_when_an_output_has_no_readable_articles_jsonl(tmp_path: Path, how: str, side: int) -> None:
    folders = [tmp_path / "a", tmp_path / "b"]
    for folder in folders:
        write_outputs(make_results(), folder)
    _break_articles(folders[side], how)
    result = runner.invoke(app, ["diff", str(folders[0]), str(folders[1])])
    assert result.exit_code == 2, result.output
    squeezed = "".join(result.output.split())  # rich wraps long paths anywhere
    state = "articles.jsonl is not a file" if how == "directory" else "no articles.jsonl here"
    assert "".join(f"{folders[side]}: {state}, so this is not a complete newsgraph output".split()) in squeezed
    assert "nodifferences" not in squeezed
    with pytest.raises(ExportError, match="not a complete newsgraph output"):
        diff_outputs(*folders)


def test_a_moved_file_is_not_reported_as_a_changed_text(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "kerry.txt").write_text("John Kerry traf Angela Merkel.", encoding="utf-8")
    assert runner.invoke(app, ["extract", str(corpus), "--lang", "de", "-o", str(tmp_path / "old"), "-q"]).exit_code == 0
    (corpus / "2024").mkdir()
    (corpus / "kerry.txt").rename(corpus / "2024" / "kerry.txt")
    assert runner.invoke(app, ["extract", str(corpus), "--lang", "de", "-o", str(tmp_path / "moved"), "-q"]).exit_code == 0
    moved = diff_outputs(tmp_path / "old", tmp_path / "moved")
    assert len(moved.articles_renamed) == 1
    assert [note for note in moved.notes if "changed its text" in note] == []
    assert any("not its text" in note for note in moved.notes)
    (corpus / "2024" / "kerry.txt").write_text("John Kerry traf Olaf Scholz.", encoding="utf-8")
    assert runner.invoke(app, ["extract", str(corpus), "--lang", "de", "-o", str(tmp_path / "edited"), "-q"]).exit_code == 0
    edited = diff_outputs(tmp_path / "moved", tmp_path / "edited")
    assert any("changed its text" in note for note in edited.notes)
