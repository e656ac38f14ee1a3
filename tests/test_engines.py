"""Engines: ordered, bounded batch maps in-process, in worker processes and on Dask, with the same output."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import newsgraph
from newsgraph.config import Settings
from newsgraph.engines import (
    DASK_PIP,
    InProcessEngine,
    ProcessPoolEngine,
    _ordered,
    make_engine,
)
from newsgraph.errors import ConfigError, EngineError
from newsgraph.graph.export import write_outputs

TEXTS = [f"Kerry traf in Paris Angela Merkel zum {n}. Mal. Siemens baut in Berlin." for n in range(1, 30)]
OUTPUT_FILES = ("articles.jsonl", "entities.jsonl", "graph.graphml", "graph.json", "graph.gexf")


class FakeFuture:
    """A future that is done once the test says so."""

    def __init__(self, value: list[int]) -> None:
        self.value = value
        self.finished = False

    def done(self) -> bool:
        return self.finished

    def result(self) -> list[int]:
        self.finished = True
        return self.value


def test_results_come_back_in_input_order_with_a_bounded_window() -> None:
    submitted: list[FakeFuture] = []

    def submit(batch: list[int]) -> FakeFuture:
        future = FakeFuture([x * 10 for x in batch])
        submitted.append(future)
        running = sum(not f.finished for f in submitted)
        assert running <= 3, "more batches in flight than the window"
        if len(submitted) % 2 == 0:
            future.finished = True  # every second batch finishes early, out of order
        return future

    items = [(f"b{i}", [i, i + 1]) for i in range(8)]
    out = list(_ordered(submit, lambda f: f.result(), iter(items), window=3))
    assert out == [(f"b{i}", [i * 10, (i + 1) * 10]) for i in range(8)]


def test_empty_batches_are_never_submitted() -> None:
    calls: list[list[int]] = []

    def submit(batch: list[int]) -> FakeFuture:
        calls.append(batch)
        return FakeFuture(batch)

    out = list(_ordered(submit, lambda f: f.result(), [("a", []), ("b", [1]), ("c", [])], window=2))
    assert out == [("a", None), ("b", [1]), ("c", None)] and calls == [[1]]


def test_items_are_pulled_lazily() -> None:
    pulled: list[int] = []

    def items() -> Iterator[tuple[int, list[int]]]:
        for i in range(100):
            pulled.append(i)
            yield i, [i]

    results = _ordered(lambda batch: FakeFuture(batch), lambda f: f.result(), items(), window=2)
    assert next(results) == (0, [0]) and len(pulled) <= 3


def test_finished_batches_do_not_pile_up_behind_a_running_one() -> None:
    pulled: list[int] = []

    def items() -> Iterator[tuple[int, list[int]]]:
        for i in range(200):  # one batch to annotate, then a long stretch of cached (empty) ones
            pulled.append(i)
            yield i, [i] if i == 0 else []

    results = _ordered(lambda batch: FakeFuture(batch), lambda f: f.result(), items(), window=2)
    assert next(results) == (0, [0]) and len(pulled) <= 4
    assert len(list(results)) == 199


def test_in_process_engine_maps_in_order() -> None:
    assert list(InProcessEngine().map(sorted, [("a", [3, 1]), ("b", []), ("c", [2])])) == [
        ("a", [1, 3]), ("b", None), ("c", [2])]


def test_process_pool_engine_maps_in_order() -> None:
    engine = ProcessPoolEngine(workers=2)
    try:
        items = [(i, [i % 3, -i]) for i in range(12)]
        assert list(engine.map(sorted, items)) == [(i, sorted([i % 3, -i])) for i in range(12)]
    finally:
        engine.close()


def _die(batch: list[int]) -> list[int]:
    os._exit(3)


def test_a_dying_worker_is_an_engine_error_that_says_how_to_resume() -> None:
    engine = ProcessPoolEngine(workers=1)
    try:
        with pytest.raises(EngineError, match="resume"):
            list(engine.map(_die, [(0, [1])]))
    finally:
        engine.close()


@pytest.mark.parametrize(("settings", "kind"), [
    (Settings(), InProcessEngine), (Settings(workers=2), ProcessPoolEngine)])
def test_make_engine_follows_the_settings(settings: Settings, kind: type) -> None:
    engine = make_engine(settings)
    try:
        assert isinstance(engine, kind)
    finally:
        engine.close()


def test_dask_without_the_extra_names_the_install_command(use_stand_in: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name in ("dask", "distributed") else real(name, *a))
    with pytest.raises(ConfigError, match=rf"\[dask\]") as error:
        newsgraph.extract(TEXTS, lang="de", engine="dask")  # raised on the call, before reading
    assert DASK_PIP in str(error.value)


def _outputs(folder: Path, **options: Any) -> dict[str, bytes]:
    # fast: the stand-in takes the place of the CNN pipeline (see conftest.use_stand_in); the worker processes
    # get it through the settings
    results = newsgraph.extract(TEXTS, lang="de", batch_size=4, fast=True, **options)
    write_outputs(results, folder, formats=("graphml", "json", "gexf"))
    return {name: (folder / name).read_bytes() for name in OUTPUT_FILES}


@pytest.fixture(scope="module")
def one_worker_output(stand_in_models: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSGRAPH_MODELS", str(stand_in_models))
        return _outputs(tmp_path_factory.mktemp("one"))


def test_two_workers_write_byte_identical_output(use_stand_in: Path, tmp_path: Path,
                                                  one_worker_output: dict[str, bytes]) -> None:
    assert _outputs(tmp_path, workers=2) == one_worker_output


dask_missing = pytest.mark.skipif(importlib.util.find_spec("distributed") is None,
                                  reason='needs the dask extra: pip install "newsgraph[dask]"')


@dask_missing
def test_dask_local_cluster_writes_byte_identical_output(use_stand_in: Path, tmp_path: Path,
                                                          one_worker_output: dict[str, bytes]) -> None:
    assert _outputs(tmp_path, engine="dask", workers=2) == one_worker_output


def _pipeline_loads() -> tuple[int, int]:
    from newsgraph.nlp.loading import _load_cached

    info = _load_cached.cache_info()
    return info.misses, info.hits


@dask_missing
def test_dask_scheduler_address_and_one_model_load_per_worker(stand_in_models: Path, tmp_path: Path,
                                                               one_worker_output: dict[str, bytes]) -> None:
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        # the workers find the model by its path: they do not share this process's environment
        output = _outputs(tmp_path, engine="dask", scheduler=cluster.scheduler_address,
                          model=stand_in_models / "de_newsgraph")
        loads = client.run(_pipeline_loads)
    assert output == one_worker_output
    batches = -(-len(TEXTS) // 4)
    assert len(loads) == 2
    assert all(misses <= 1 for misses, _ in loads.values()), loads  # at most one load per worker ...
    assert sum(misses + hits for misses, hits in loads.values()) == batches  # ... reused for every batch


@dask_missing
def test_an_unreachable_scheduler_is_a_config_error(use_stand_in: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("newsgraph.engines.SCHEDULER_TIMEOUT", "1s")
    with pytest.raises(ConfigError, match="cannot connect to the Dask scheduler at tcp://127.0.0.1:9"):
        list(newsgraph.extract(TEXTS[:1], lang="de", engine="dask", scheduler="tcp://127.0.0.1:9"))


ORPHANING_PARENT = """
import os, signal
from newsgraph.engines import ProcessPoolEngine
engine = ProcessPoolEngine(workers=2)
list(engine.map(sorted, [(i, [i]) for i in range(4)]))
print(" ".join(str(pid) for pid in engine._pool._processes), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"  # an orphan's zombie waits for init to reap it: it holds no memory any more


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
def test_workers_exit_when_their_parent_is_killed() -> None:
    import subprocess
    import sys
    import time

    parent = subprocess.run([sys.executable, "-c", ORPHANING_PARENT], capture_output=True, text=True, timeout=120)
    assert parent.returncode == -9, parent.stderr
    workers = [int(pid) for pid in parent.stdout.split()]
    assert len(workers) == 2
    deadline = time.monotonic() + 60  # a bound on the wait, not a speed requirement
    while any(map(_running, workers)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(map(_running, workers)), "orphaned workers still running"


def test_parallel_runs_send_a_batch_as_several_tasks() -> None:
    from newsgraph.pipeline import _Batch, _tasks

    def batch(n: int) -> _Batch:
        return _Batch(done={}, todo=list(range(n)), keys=[], size=n, cached=0)

    planned = [(batch(5), list("abcde")), (batch(0), []), (batch(2), list("fg"))]
    tasks = [(key[0].size, key[1], chunk) for key, chunk in _tasks(planned, 2)]
    assert tasks == [(5, False, ["a", "b"]), (5, False, ["c", "d"]), (5, True, ["e"]), (0, True, []),
                     (2, True, ["f", "g"])]


def test_two_workers_split_big_batches_and_write_the_same_bytes(use_stand_in: Path, tmp_path: Path,
                                                                one_worker_output: dict[str, bytes]) -> None:
    from newsgraph.pipeline import PARALLEL_TASK_ARTICLES, RunStats

    stats = RunStats()
    results = newsgraph.extract(TEXTS, lang="de", batch_size=64, fast=True, workers=2, stats=stats)
    write_outputs(results, tmp_path, formats=("graphml", "json", "gexf"))
    assert {name: (tmp_path / name).read_bytes() for name in OUTPUT_FILES} == one_worker_output
    assert len(TEXTS) > PARALLEL_TASK_ARTICLES and stats.processed == len(TEXTS)


def _startup_and_preloaded(batch: list[int]) -> tuple[float, bool]:
    import sys

    from newsgraph.engines import take_startup_seconds

    return take_startup_seconds(), "colorsys" in sys.modules


def test_a_local_worker_imports_its_preload_and_reports_its_start_once() -> None:
    # the start (spawn, imports) is part of the run's loading, not of its processing (issue 21)
    engine = ProcessPoolEngine(workers=1, preload=("colorsys",))
    try:
        (_, first), (_, second) = engine.map(_startup_and_preloaded, [(0, [0]), (1, [1])])
    finally:
        engine.close()
    assert first is not None and second is not None
    assert first[0] > 0 and first[1]
    assert second == (0.0, True)


def _tear_down_marker(batch: list[str]) -> int:
    import atexit

    atexit.register(Path(batch[0]).write_text, "the interpreter was torn down")
    return os.getpid()


def test_closing_the_pool_does_not_wait_for_the_workers_interpreter_teardown(tmp_path: Path) -> None:
    # tearing down an interpreter that holds a loaded pipeline takes a second or two, at the end of every run
    marker = tmp_path / "torn-down"
    engine = ProcessPoolEngine(workers=1)
    try:
        assert [pid for _, pid in engine.map(_tear_down_marker, [(0, [str(marker)])])]
    finally:
        engine.close()
    assert not marker.exists()
