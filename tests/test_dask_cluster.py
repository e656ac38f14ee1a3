"""A real Dask cluster, started as on several machines: `dask scheduler` and two `dask worker` commands.

The workers are separate processes that share nothing with the test but the environment they are started
with (``PYTHONPATH`` to this checkout, ``NEWSGRAPH_MODELS`` to the stand-in pipeline), as cluster machines
share an installation. ``newsgraph extract --engine dask --scheduler tcp://127.0.0.1:PORT`` must write the
same bytes as the local engine, also when a worker is killed in the middle of the run.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsgraph.cli import app

pytestmark = pytest.mark.skipif(importlib.util.find_spec("distributed") is None,
                                reason='needs the dask extra: pip install "newsgraph[dask]"')

TESTS = Path(__file__).resolve().parent
DASK = Path(sys.executable).with_name("dask")
OUTPUT_FILES = ("articles.jsonl", "entities.jsonl", "graph.graphml", "graph.json")
BATCH_DELAY = 0.6
"""Seconds every batch takes longer on the cluster's workers, so that a worker can be killed mid-batch."""
START_TIMEOUT = 60.0
"""A bound on the cluster's start-up (imports on a loaded 2-core machine), not a speed requirement."""

# Loaded by each worker (`dask worker --preload`): every batch leaves a marker (worker pid, first article)
# and takes BATCH_DELAY seconds longer, so the test sees which worker runs what and can kill one mid-batch.
PRELOAD = '''
import os, time
from pathlib import Path

import newsgraph.pipeline as pipeline

# a worker imports its preload more than once: wrap the real function only
_annotate_batch = getattr(pipeline.annotate_batch, "__wrapped__", pipeline.annotate_batch)


def annotate_batch(articles, settings):
    markers = Path(os.environ["NEWSGRAPH_TEST_MARKERS"])
    (markers / f"{{os.getpid()}}.{{articles[0].id}}").touch()
    time.sleep({delay})
    return _annotate_batch(articles, settings)


annotate_batch.__wrapped__ = _annotate_batch
pipeline.annotate_batch = annotate_batch
'''


@dataclass
class Cluster:
    """A running scheduler and its workers."""

    address: str
    markers: Path


def _corpus(path: Path, count: int) -> Path:
    rows = [{"id": f"a{n:02d}", "text": f"Kerry traf in Paris Angela Merkel zum {n}. Mal. Siemens baut in Berlin."}
            for n in range(count)]
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def _start(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    # a process group of its own: the cleanup kills the command with whatever it started (a worker's nanny
    # starts the worker process)
    with log.open("wb") as handle:
        return subprocess.Popen(argv, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait(timeout=30)


def _logs(folder: Path) -> str:
    return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-2000:]}" for log in sorted(folder.glob("*.log")))


def _scheduler_address(scheduler_file: Path, process: subprocess.Popen[bytes], logs: Path) -> str:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        try:
            return str(json.loads(scheduler_file.read_text(encoding="utf-8"))["address"])
        except (OSError, ValueError, KeyError):
            time.sleep(0.1)
    raise AssertionError(f"the dask scheduler did not start:\n{_logs(logs)}")


@pytest.fixture(scope="module")
def cluster(stand_in_models: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """`dask scheduler` on a free port of 127.0.0.1 and two single-threaded `dask worker` processes."""
    from distributed import Client

    root = tmp_path_factory.mktemp("cluster")
    markers = root / "markers"
    markers.mkdir()
    preload = root / "slow_batches.py"
    preload.write_text(PRELOAD.format(delay=BATCH_DELAY), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(TESTS.parent / "src"),
                                                                     os.environ.get("PYTHONPATH")])),
           "NEWSGRAPH_MODELS": str(stand_in_models), "NEWSGRAPH_TEST_MARKERS": str(markers),
           "OPENBLAS_NUM_THREADS": "1"}
    scheduler_file = root / "scheduler.json"
    processes = [_start([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                         "--scheduler-file", str(scheduler_file)], env, root / "scheduler.log")]
    try:
        # the workers start alongside: they wait for the scheduler file to name the scheduler's address
        for name in ("w1", "w2"):
            processes.append(_start([str(DASK), "worker", "--scheduler-file", str(scheduler_file), "--name", name,
                                     "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1",
                                     "--preload", str(preload), "--local-directory", str(root / name)],
                                    env, root / f"{name}.log"))
        address = _scheduler_address(scheduler_file, processes[0], root)
        with Client(address, timeout="30s") as client:
            try:
                client.wait_for_workers(2, timeout=START_TIMEOUT)
            except TimeoutError:
                raise AssertionError(f"the dask workers did not start:\n{_logs(root)}") from None
        yield Cluster(address=address, markers=markers)
    finally:
        for process in reversed(processes):
            _stop(process)


def _extract(source: Path, out: Path, *options: str) -> dict[str, bytes]:
    # the stand-in takes the place of the CNN pipeline: --fast
    result = CliRunner().invoke(app, ["extract", str(source), "-o", str(out), "--lang", "de", "--no-cache", "-q",
                                      "--fast", "--set", "batch_size=2", *options])
    assert result.exit_code == 0, result.output
    return {name: (out / name).read_bytes() for name in OUTPUT_FILES}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _corpus(tmp_path_factory.mktemp("corpus") / "articles.jsonl", 16)


@pytest.fixture(scope="module")
def local_output(stand_in_models: Path, corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSGRAPH_MODELS", str(stand_in_models))
        return _extract(corpus, tmp_path_factory.mktemp("local") / "out")


def test_scheduler_and_worker_commands_write_the_local_engines_bytes(
        cluster: Cluster, corpus: Path, local_output: dict[str, bytes], tmp_path: Path) -> None:
    output = _extract(corpus, tmp_path / "out", "--engine", "dask", "--scheduler", cluster.address)
    assert output == local_output
    workers = {marker.name.split(".")[0] for marker in cluster.markers.iterdir()}
    assert len(workers) == 2, "both workers should have run batches"


def _kill_first_busy_worker(markers: Path, killed: list[tuple[int, str]], stop: threading.Event) -> None:
    """Kill (SIGKILL) the worker process that starts the run's second batch, while that batch runs."""
    while not stop.is_set():
        started = sorted(markers.iterdir(), key=lambda marker: marker.stat().st_mtime_ns)
        if len(started) >= 2:
            pid, article = started[1].name.split(".", 1)
            time.sleep(BATCH_DELAY / 3)  # inside the batch's delay: the batch is running
            os.kill(int(pid), signal.SIGKILL)
            killed.append((int(pid), article))
            return
        time.sleep(0.02)


def test_a_worker_killed_mid_run_is_survived_and_every_record_written_once(
        cluster: Cluster, corpus: Path, local_output: dict[str, bytes], tmp_path: Path) -> None:
    for marker in cluster.markers.iterdir():
        marker.unlink()
    killed: list[tuple[int, str]] = []
    stop = threading.Event()
    killer = threading.Thread(target=_kill_first_busy_worker, args=(cluster.markers, killed, stop), daemon=True)
    killer.start()
    try:
        output = _extract(corpus, tmp_path / "out", "--engine", "dask", "--scheduler", cluster.address)
    finally:
        stop.set()
        killer.join()
    assert killed, "no worker was killed: the run ended before its second batch started"
    pid, article = killed[0]
    # the killed worker's batch ran again on a live worker ...
    runs = [marker.name.split(".")[0] for marker in cluster.markers.iterdir() if marker.name.endswith(f".{article}")]
    assert str(pid) in runs and len(runs) >= 2, runs
    # ... and the output holds every record once, in input order, as the local engine writes it
    assert output == local_output
