"""Fault tests: kill -9 at any moment, two writers at once, a damaged cache.

Whatever happens, an output folder shows one run's complete set of files (the previous run's or the new
one's, never a mix) to every reader, and running the same command again gives exactly a clean run's bytes.
"""

from __future__ import annotations

import json
import re
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from support import make_results
from typer.testing import CliRunner

import newsgraph
from newsgraph.cache import CACHE_FILE
from newsgraph.cli import app, main
from newsgraph.tools.diff import diff_outputs
from newsgraph.errors import CacheError, ExportError
from newsgraph.graph.export import (
    ARTICLES_FILE,
    ENTITIES_FILE,
    JOURNAL_FILE,
    LOCK_FILE,
    OUTPUT_FILES,
    output_lock,
    read_entities,
    read_results,
    recover,
    write_outputs,
)
from newsgraph.records import ArticleResult
from newsgraph.tools.view import write_view

pytestmark = pytest.mark.skipif(os.name != "posix", reason="kill -9, fork and flock are POSIX")

runner = CliRunner()
TESTS = Path(__file__).resolve().parent
SWITCH_NAMES = frozenset([*OUTPUT_FILES, JOURNAL_FILE])
Files = dict[str, bytes]
LibrarySets = tuple[Path, Files, Files, Callable[[], object]]
"""The working folder (holding the old set), the old and the new set, and the writer of the new set."""
CliSets = tuple[Path, Path, list[str], Files, Files]
"""The working folder, a pristine copy of it, the new run's arguments, the old and the new set."""

# --- helpers ---------------------------------------------------------------------------------------


def kill_at_switch_step(out: Path, step: int) -> None:
    """From now on, SIGKILL this process just before its ``step``-th rename or delete of a file of the output
    set in ``out`` (the commit journal included; temp and lock files not counted). Used in forked children
    and, imported, in subprocesses running the real CLI."""
    out = out.resolve()
    done = [0]

    def counted(original: Callable[..., object], position: int) -> Callable[..., object]:
        def hooked(*args: object, **kwargs: object) -> object:
            target = Path(os.fsdecode(args[position])).resolve()  # type: ignore[arg-type]
            if target.parent == out and target.name in SWITCH_NAMES:
                done[0] += 1
                if done[0] == step:
                    os.kill(os.getpid(), signal.SIGKILL)
            return original(*args, **kwargs)
        return hooked

    os.replace = counted(os.replace, 1)  # type: ignore[assignment]
    os.unlink = counted(os.unlink, 0)  # type: ignore[assignment]


def _in_child(action: Callable[[], object]) -> int:
    """Run ``action`` in a forked child; its exit status (a negative signal number when killed)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            action()
        except BaseException:  # noqa: BLE001 - reported through the exit code
            code = 3
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def snapshot(out: Path) -> dict[str, bytes]:
    """The output set as a reader sees it: every output file present, by name."""
    return {name: (out / name).read_bytes() for name in OUTPUT_FILES if (out / name).is_file()}


def _folder(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def assert_one_set(out: Path, *sets: dict[str, bytes]) -> int:
    """After recovery the folder holds exactly one of ``sets``; returns its index."""
    recover(out)
    assert not (out / JOURNAL_FILE).exists()
    seen = snapshot(out)
    for index, files in enumerate(sets):
        if seen == files:
            return index
    mixed = {name: [i for i, files in enumerate(sets) if files.get(name) == data] for name, data in seen.items()}
    raise AssertionError(f"a mix of sets (file: sets it matches): {mixed}")


def _results(n: int, tag: str) -> list[ArticleResult]:
    base = make_results()
    return [base[i % len(base)].model_copy(update={"article": base[i % len(base)].article.model_copy(
        update={"id": f"{tag}{i}"})}) for i in range(n)]


@pytest.fixture()
def library_sets(tmp_path: Path) -> LibrarySets:
    """A folder holding an old set (all formats and graph.html) and the writer of a new set (default
    formats, so graph.gexf and graph.html are stale), with both sets as references."""
    old_results, new_results = _results(40, "old"), _results(60, "new")
    refs = {}
    for name, results, options in (("old", old_results, {"formats": ("jsonl", "graphml", "json", "gexf"),
                                                           "html": True}),
                                   ("new", new_results, {})):
        folder = tmp_path / name / "out"  # one folder name: graph.html's title names it
        write_outputs(results, folder, **options)  # type: ignore[arg-type]
        refs[name] = snapshot(folder)
    out = tmp_path / "work" / "out"
    shutil.copytree(tmp_path / "old" / "out", out)
    return out, refs["old"], refs["new"], lambda: write_outputs(new_results, out)


# --- (a) kill -9 at every step of the switch and at random moments, then resume --------------------


def test_a_kill_at_any_step_of_the_switch_leaves_one_complete_set(library_sets: LibrarySets) -> None:
    out, old, new, write_new = library_sets
    steps = 0
    while True:
        steps += 1
        status = _in_child(lambda: (kill_at_switch_step(out, steps), write_new()))
        if status == 0:
            break  # the step after the last one: the run finished
        assert status == -signal.SIGKILL
        # the commit journal goes in place at step 1: a kill before it keeps the old set, after it the new
        assert assert_one_set(out, old, new) == (0 if steps == 1 else 1), f"killed before step {steps}"
        assert _in_child(write_new) == 0  # resume
        assert _folder(out) == new  # byte for byte, and no temp, journal or lock file left
        shutil.rmtree(out)
        shutil.copytree(out.parent.parent / "old" / "out", out)
    # journal in, 4 renames + manifest, 2 stale files out, journal out
    assert steps - 1 == 9
    assert _folder(out) == new


def test_random_kills_then_resume_equal_a_clean_run(library_sets: LibrarySets) -> None:
    out, old, new, write_new = library_sets
    pristine = out.parent.parent / "old" / "out"
    started = time.perf_counter()
    assert _in_child(write_new) == 0
    duration = time.perf_counter() - started
    rng = random.Random(18)
    for _ in range(12):
        shutil.rmtree(out)
        shutil.copytree(pristine, out)
        delay = rng.uniform(0, duration)

        def killed_after_delay() -> None:
            threading.Timer(delay, os.kill, (os.getpid(), signal.SIGKILL)).start()
            write_new()
            time.sleep(60)  # finished before the timer: wait for it (a kill after the run is a moment too)

        assert _in_child(killed_after_delay) == -signal.SIGKILL
        assert_one_set(out, old, new)
        assert _in_child(write_new) == 0  # resume
        assert _folder(out) == new


KILLED_CLI = """
import sys
sys.path.insert(0, {tests!r})
from pathlib import Path
from test_faults import kill_at_switch_step
from newsgraph.cli import main
kill_at_switch_step(Path(sys.argv[1]), int(sys.argv[2]))
sys.argv = ["newsgraph", *sys.argv[3:]]
main()
"""


def _corpus(path: Path, n: int, tag: str) -> Path:
    path.write_text("".join(json.dumps({"id": f"{tag}{i}", "text": f"Kerry traf {i} Mal in Paris Angela Merkel. "
                                        "Siemens baut in Berlin."}) + "\n" for i in range(n)), encoding="utf-8")
    return path


@pytest.fixture()
def cli_sets(use_stand_in: Path, tmp_path: Path) -> CliSets:
    """An output folder holding an old run's set (gexf and graph.html too) and its cache, a pristine copy of
    it, the arguments of a new run (default formats), and both runs' sets as clean runs write them."""
    old_in, new_in = _corpus(tmp_path / "old.jsonl", 5, "o"), _corpus(tmp_path / "new.jsonl", 24, "n")
    old_args = [str(old_in), "--lang", "de", "-q", "--format", "graphml,json,gexf", "--html"]
    new_args = [str(new_in), "--lang", "de", "-q", "--set", "batch_size=4"]
    refs = {}
    for name, args in (("old", old_args), ("new", new_args)):
        folder = tmp_path / name / "out"  # one folder name: graph.html's title names it
        assert runner.invoke(app, ["extract", *args, "-o", str(folder), "--no-cache"]).exit_code == 0
        refs[name] = snapshot(folder)
    pristine = tmp_path / "pristine" / "out"
    assert runner.invoke(app, ["extract", *old_args, "-o", str(pristine)]).exit_code == 0
    assert snapshot(pristine) == refs["old"]
    out = tmp_path / "work" / "out"
    shutil.copytree(pristine, out)
    return out, pristine, new_args, refs["old"], refs["new"]


def _pythonpath() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(TESTS.parent / "src"),
                                                                      os.environ.get("PYTHONPATH")]))}


def _wait_for_lock(out: Path, process: subprocess.Popen[bytes]) -> None:
    """Until ``process`` holds the output lock, i.e. has started its run proper (or has ended)."""
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        try:
            if json.loads((out / LOCK_FILE).read_text(encoding="utf-8"))["pid"] == process.pid:
                return
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.01)


def _cli_in_child(argv: list[str], *, step: int = 0, delay: float | None = None, out: Path) -> int:
    """``newsgraph extract`` in a forked child (the modules are loaded already, so it starts at once), killed
    before its ``step``-th switch step or ``delay`` seconds after it started (then it waits for the kill)."""

    def run() -> None:
        if step:
            kill_at_switch_step(out, step)
        if delay is not None:
            threading.Timer(delay, os.kill, (os.getpid(), signal.SIGKILL)).start()
        sys.argv = ["newsgraph", *argv]
        try:
            main()
        except SystemExit:
            pass
        if delay is not None:
            time.sleep(60)

    return _in_child(run)


def test_a_killed_extract_run_resumes_to_a_clean_runs_bytes(cli_sets: CliSets) -> None:
    """``newsgraph extract`` killed before every step of its switch and at random moments, then resumed.

    Two of the kills hit a fresh ``newsgraph extract`` process; the others, for speed, hit forked copies of
    this one running the same CLI entry point.
    """
    out, pristine, args, old, new = cli_sets
    argv = ["extract", *args, "-o", str(out)]
    script = KILLED_CLI.format(tests=str(TESTS))
    killed = subprocess.run([sys.executable, "-c", script, str(out), "4", *argv], env=_pythonpath(),
                            capture_output=True, text=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert assert_one_set(out, old, new) == 1
    for step in range(1, 10):  # the journal goes in at step 1: before it the old set stays, after it the new
        shutil.rmtree(out)
        shutil.copytree(pristine, out)
        assert _cli_in_child(argv, step=step, out=out) == -signal.SIGKILL
        assert assert_one_set(out, old, new) == (0 if step == 1 else 1), f"killed before step {step}"
    assert _cli_in_child(argv, step=10, out=out) == 0  # there are 9 steps

    shutil.rmtree(out)
    shutil.copytree(pristine, out)
    rng = random.Random(7)
    started = time.perf_counter()
    assert _cli_in_child(argv, out=out) == 0
    duration = time.perf_counter() - started
    shutil.rmtree(out)
    shutil.copytree(pristine, out)
    for _ in range(8):  # random moments, each run resuming the one before (the cache fills up)
        assert _cli_in_child(argv, delay=rng.uniform(0, duration), out=out) == -signal.SIGKILL
        assert_one_set(out, old, new)
    process = subprocess.Popen([sys.executable, "-c", script, str(out), "0", *argv], env=_pythonpath(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for_lock(out, process)
    time.sleep(rng.uniform(0, duration))
    process.kill()
    process.wait(timeout=60)
    assert_one_set(out, old, new)

    resumed = runner.invoke(app, argv)
    assert resumed.exit_code == 0, resumed.output
    assert snapshot(out) == new
    assert not [p.name for p in out.iterdir() if ".tmp-" in p.name or p.name in (JOURNAL_FILE, LOCK_FILE)]


# --- (e) every reader sees one set after a kill between the renames ------------------------------


def _same_results(ref: Path, out: Path) -> bool:
    return list(read_results(out / ARTICLES_FILE)) == list(read_results(ref / ARTICLES_FILE))


def _same_entities(ref: Path, out: Path) -> bool:
    return list(read_entities(out / ENTITIES_FILE)) == list(read_entities(ref / ENTITIES_FILE))


def _view_of_the_new_set(ref: Path, out: Path) -> bool:
    # graph.html of a kill-mixed folder would show the new articles beside old files
    return write_view(out) == out / "graph.html" and {**snapshot(ref), "graph.html": b""}.keys() == snapshot(out).keys()


READERS: dict[str, Callable[[Path, Path], bool]] = {
    "newsgraph diff": lambda ref, out: runner.invoke(app, ["diff", str(ref), str(out)]).exit_code == 0,
    "diff_outputs": lambda ref, out: not diff_outputs(ref, out).differs,
    "read_results": _same_results,
    "read_entities": _same_entities,
    "write_view": _view_of_the_new_set,
}


@pytest.mark.parametrize("reader", list(READERS))
def test_a_reader_after_a_kill_between_renames_sees_the_new_set(library_sets: LibrarySets, reader: str) -> None:
    out, old, new, write_new = library_sets
    # killed after articles.jsonl was renamed, before entities.jsonl: on disk, for now, a mix
    assert _in_child(lambda: (kill_at_switch_step(out, 3), write_new())) == -signal.SIGKILL
    assert (out / ARTICLES_FILE).read_bytes() == new[ARTICLES_FILE]
    assert (out / ENTITIES_FILE).read_bytes() == old[ENTITIES_FILE]
    assert READERS[reader](out.parent.parent / "new" / "out", out)
    assert not (out / JOURNAL_FILE).exists()
    if reader != "write_view":
        assert snapshot(out) == new


# --- (b) two writers at once --------------------------------------------------------------------


def _blocked_run(argv: list[str], started: Path, go: Path) -> None:
    """``newsgraph extract`` that stops before its first batch until ``go`` exists (run in a child)."""
    import newsgraph.pipeline

    original = newsgraph.pipeline.annotate_batch

    def annotate_batch(*args: object, **kwargs: object) -> object:
        started.touch()
        while not go.exists():
            time.sleep(0.01)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    newsgraph.pipeline.annotate_batch = annotate_batch  # type: ignore[assignment]
    sys.argv = ["newsgraph", *argv]
    main()


def test_a_second_run_on_the_folder_stops_with_exit_2_and_the_first_is_intact(cli_sets: CliSets) -> None:
    out, _, args, _, new = cli_sets
    started, go = out.parent / "started", out.parent / "go"
    first = os.fork()
    if first == 0:  # pragma: no cover - the child: the first run
        try:
            _blocked_run(["extract", *args, "-o", str(out)], started, go)
        except SystemExit as e:
            os._exit(e.code if isinstance(e.code, int) else 3)
        os._exit(3)
    try:
        deadline = time.monotonic() + 120
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert started.exists()
        before = _folder(out)
        other = _corpus(out.parent / "other.jsonl", 2, "x")
        second = runner.invoke(app, ["extract", str(other), "--lang", "de", "-o", str(out)])
        assert second.exit_code == 2, second.output
        message = " ".join(second.output.split())
        assert f"another newsgraph run (pid {first}, started " in message
        assert f"is writing {out}; wait for it to finish or choose another output folder (-o)" in message
        # the library's writers stop the same way: the outputs, and the cache in the folder
        with pytest.raises(ExportError, match=f"pid {first}"):
            write_outputs(make_results(), out)
        with pytest.raises(ExportError, match=f"pid {first}"):
            list(newsgraph.extract(["Siemens baut in Paris."], lang="de", cache=out / CACHE_FILE))
        assert _folder(out) == before  # nothing written, the cache not touched
    finally:
        go.touch()
        _, status = os.waitpid(first, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    assert snapshot(out) == new
    assert not (out / LOCK_FILE).exists()


def test_the_lock_dies_with_its_process(tmp_path: Path) -> None:
    out = tmp_path / "out"

    def hold_and_die() -> None:
        with output_lock(out):
            os.kill(os.getpid(), signal.SIGKILL)

    assert _in_child(hold_and_die) == -signal.SIGKILL
    assert (out / LOCK_FILE).exists()  # left behind by the kill, but nobody holds it
    write_outputs(make_results(), out)
    assert not (out / LOCK_FILE).exists()


# --- (d) a damaged cache ------------------------------------------------------------------------


def _damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "random bytes":
        path.write_bytes(random.Random(1).randbytes(len(data)))
    else:  # broken pages: bytes flipped all over the b-tree pages after the first
        flipped = bytearray(data)
        for i in range(4096, len(flipped), 97):
            flipped[i] ^= 0xFF
        path.write_bytes(bytes(flipped))


def _table(output: str) -> dict[str, str]:
    return {line.split("│")[1].strip(): line.split("│")[2].strip() for line in output.splitlines()
            if line.count("│") == 3}


@pytest.mark.parametrize("how", ["truncated", "random bytes", "broken pages"])
def test_a_damaged_cache_is_rebuilt_and_the_output_is_right(use_stand_in: Path, tmp_path: Path, how: str) -> None:
    src = _corpus(tmp_path / "in.jsonl", 40, "a")
    args = ["extract", str(src), "--lang", "de", "--set", "batch_size=4"]
    clean = tmp_path / "clean" / "out"
    assert runner.invoke(app, [*args, "-q", "-o", str(clean), "--no-cache"]).exit_code == 0
    out = tmp_path / "run" / "out"
    assert runner.invoke(app, [*args, "-q", "-o", str(out)]).exit_code == 0
    _damage(out / CACHE_FILE, how)
    again = runner.invoke(app, [*args, "-o", str(out)])
    assert again.exit_code == 0, again.output
    assert re.search(r"warning: .*the result cache was damaged \(.*\); started a new one", again.output, re.S)
    assert (_table(again.output)["from cache"], _table(again.output)["processed"]) == ("0", "40")
    assert snapshot(out) == snapshot(clean)
    rerun = runner.invoke(app, [*args, "-o", str(out)])  # the new cache is whole: everything comes from it
    assert (_table(rerun.output)["from cache"], _table(rerun.output)["processed"]) == ("40", "0")
    assert snapshot(out) == snapshot(clean)


def test_a_damaged_file_of_another_name_is_never_deleted(use_stand_in: Path, tmp_path: Path) -> None:
    precious = tmp_path / "notes.db"
    precious.write_bytes(b"my own notes, not SQLite " * 40)
    with pytest.raises(CacheError, match="--no-cache"):
        list(newsgraph.extract(["Siemens baut in Paris."], lang="de", cache=precious))
    assert precious.read_bytes() == b"my own notes, not SQLite " * 40
