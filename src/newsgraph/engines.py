"""Where the NLP stage runs: in this process, in local worker processes, or on a Dask cluster.

An engine maps a function over batches and gives the results back in input order, with a bounded
number of batches in flight, so memory does not grow with the input and the output does not depend on
which worker finished first. The engines know nothing about NLP: the pipeline hands them a picklable
function (a module-level function, or a ``functools.partial`` of one) that each worker runs; whatever
the function caches per process (the loaded spaCy pipeline) is loaded once per worker.
"""

from __future__ import annotations

import importlib.util
import logging
import multiprocessing
import multiprocessing.util
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol, TypeVar

from newsgraph.config import Settings
from newsgraph.errors import ConfigError, EngineError, Errors

K = TypeVar("K")
T = TypeVar("T")
R = TypeVar("R")

DASK_PIP = 'pip install "newsgraph[dask]"'
"""The install command for the Dask engine's extra, as the error messages give it."""

SCHEDULER_TIMEOUT = "20s"
"""How long the Dask engine tries to reach a scheduler before it gives up."""

IN_FLIGHT_PER_WORKER = 8
"""Batches submitted ahead per worker. Results come back in input order, so a worker that finished every
batch behind a long-running one idles until it is done: a deep window (the pipeline sends tasks of a few
articles) keeps both busy, and bounds the results held back to a few dozen articles per worker."""


class Engine(Protocol):
    """Runs a function over batches; results come back in input order.

    ``map`` pulls ``items`` lazily, keeping at most a few batches per worker in flight. An empty batch is
    never sent to a worker: it comes back as ``None`` in its place.
    """

    def map(
        self, fn: Callable[[list[T]], R], items: Iterable[tuple[K, list[T]]]
    ) -> Iterator[tuple[K, R | None]]:
        """``(key, fn(batch))`` for every ``(key, batch)`` of ``items``, in order (``None`` for an empty batch)."""
        ...

    def close(self) -> None:
        """Stop the workers (pending batches are cancelled)."""
        ...


class _Pending(Protocol):
    def done(self) -> bool: ...

    def result(self) -> Any: ...


def _ordered(
    submit: Callable[[list[T]], _Pending],
    wait: Callable[[_Pending], R],
    items: Iterable[tuple[K, list[T]]],
    window: int,
) -> Iterator[tuple[K, R | None]]:
    """Submit batches ahead (at most ``window`` running) and yield their results in input order;
    ``wait`` gets a submitted batch's result (and turns the engine's failures into EngineError).
    Batches waiting behind a running one (empty ones included: their results were known up front) are
    bounded too, at ``2 * window``, so a long stretch of cached batches does not pile up in memory."""
    pending: deque[tuple[K, _Pending | None]] = deque()
    running = 0
    for key, batch in items:
        pending.append((key, submit(batch) if batch else None))
        running += bool(batch)
        # hand back whatever is ready at the head; block on the head only when the window is full
        while pending and (pending[0][1] is None or pending[0][1].done() or running >= window
                           or len(pending) >= 2 * window):
            head_key, future = pending.popleft()
            if future is None:
                yield head_key, None
            else:
                running -= 1
                yield head_key, wait(future)
    while pending:
        head_key, future = pending.popleft()
        yield head_key, None if future is None else wait(future)


_RESUME_HINT = Errors.E303


def _wait_local(future: _Pending) -> Any:
    try:
        return future.result()
    except BrokenProcessPool as e:
        raise EngineError(Errors.E301.format(error=e, resume=_RESUME_HINT)) from e


def _wait_dask(future: _Pending) -> Any:
    try:
        return future.result()
    except Exception as e:  # noqa: BLE001 - the function isolates article failures: what is left is the cluster's
        raise EngineError(Errors.E302.format(type=type(e).__name__, error=e, resume=_RESUME_HINT)) from e


class InProcessEngine:
    """Runs every batch in this process, one after the other (``workers=1``)."""

    def map(
        self, fn: Callable[[list[T]], R], items: Iterable[tuple[K, list[T]]]
    ) -> Iterator[tuple[K, R | None]]:
        """See :class:`Engine`."""
        for key, batch in items:
            yield key, fn(batch) if batch else None

    def close(self) -> None:
        """Nothing to stop."""


PARENT_CHECK_SECONDS = 1.0
"""How often a local worker checks that the process that started it is still there."""


def _exit_with_parent(parent: int) -> None:
    """End this worker once its parent is gone. A parent killed with SIGKILL cannot stop its workers, and
    they would otherwise wait for work forever, each holding a loaded model."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="newsgraph-parent-watch", daemon=True).start()


_startup_seconds = 0.0
"""In a local worker process: seconds from its spawn until it was ready for work, until reported."""


def _start_worker(parent: int, preload: tuple[str, ...], spawned: float) -> None:
    """Pool initializer: import ``preload`` (what the tasks' function needs, the bulk of a worker's start),
    note how long the start took, and watch the parent."""
    global _startup_seconds
    for module in preload:
        importlib.import_module(module)
    _startup_seconds = max(time.time() - spawned, 0.0)  # wall clocks of one host: spawned is the parent's
    _exit_with_parent(parent)
    # last of multiprocessing's exit steps: the parent's close() waits for its workers to exit, and tearing
    # down an interpreter that holds a loaded pipeline takes a second or two
    multiprocessing.util.Finalize(None, _exit_now, exitpriority=-100)


def _exit_now() -> None:
    """End a local worker process without the interpreter's teardown: every result has been sent (the
    result queue writes synchronously) and the worker holds no files."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    os._exit(0)


def take_startup_seconds() -> float:
    """The seconds this local worker process took to start (spawn and ``preload`` imports), once: the first
    call returns them, later calls (and calls in any other process) 0.

    Returns:
        Seconds, measured from the moment the parent started the pool.
    """
    global _startup_seconds
    seconds, _startup_seconds = _startup_seconds, 0.0
    return seconds


class ProcessPoolEngine:
    """Runs batches in ``workers`` local processes (started fresh with ``spawn``, so nothing of this
    process's state leaks into them; each loads the model once, on its first batch). The processes start
    with the first batch, and each reports how long its start took (:func:`take_startup_seconds`). The
    workers exit by themselves when this process dies, even of SIGKILL.

    Args:
        workers: Number of worker processes.
        preload: Modules each worker imports as it starts, before its first batch.
    """

    def __init__(self, *, workers: int, preload: tuple[str, ...] = ()) -> None:
        self.workers = workers
        self.preload = preload
        self._pool: ProcessPoolExecutor | None = None

    def _started_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:  # started with the first batch, so its startup is measured from when it begins
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_start_worker,
                                             initargs=(os.getpid(), self.preload, time.time()))
        return self._pool

    def map(
        self, fn: Callable[[list[T]], R], items: Iterable[tuple[K, list[T]]]
    ) -> Iterator[tuple[K, R | None]]:
        """See :class:`Engine`.

        Raises:
            EngineError: A worker process died (killed, or out of memory).
        """
        def submit(batch: list[T]) -> Future[R]:
            return self._started_pool().submit(fn, batch)

        return _ordered(submit, _wait_local, items, IN_FLIGHT_PER_WORKER * self.workers)

    def close(self) -> None:
        """Cancel what has not started and wait for the workers to exit."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def check_dask() -> None:
    """Check that the Dask extra is installed.

    Raises:
        ConfigError: ``dask.distributed`` cannot be imported; the message gives the install command.
    """
    if importlib.util.find_spec("dask") is None or importlib.util.find_spec("distributed") is None:
        raise ConfigError(Errors.E013.format(pip=DASK_PIP))


class DaskEngine:
    """Runs batches as tasks on a Dask distributed cluster.

    Each worker process loads the model once (on its first batch) and keeps it for every later one.
    Batches are submitted ahead (two per worker thread) and gathered in input order.

    Args:
        scheduler: Address of a running scheduler (``tcp://host:8786``); its workers need newsgraph and the
            model installed. ``None`` starts a LocalCluster of ``workers`` single-threaded processes.
        workers: Size of the LocalCluster (ignored with ``scheduler``).
        preload: Modules the LocalCluster's workers import as they start (a cluster of your own is started
            with ``dask worker --preload``).

    Raises:
        ConfigError: The extra is missing, or the scheduler cannot be reached.
    """

    def __init__(self, *, scheduler: str | None, workers: int, preload: tuple[str, ...] = ()) -> None:
        check_dask()
        from distributed import Client, LocalCluster

        self._cluster: Any = None
        try:
            if scheduler:
                self._client = Client(scheduler, timeout=SCHEDULER_TIMEOUT)
            else:
                self._cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                             dashboard_address=None, silence_logs=logging.ERROR,
                                             preload=list(preload))
                self._client = Client(self._cluster)
        except (OSError, TimeoutError) as e:
            if self._cluster is not None:
                self._cluster.close()
            where = f"the Dask scheduler at {scheduler}" if scheduler else "a Dask LocalCluster"
            raise ConfigError(Errors.E014.format(where=where, error=e)) from e
        threads = sum(self._client.nthreads().values())
        self.window = IN_FLIGHT_PER_WORKER * max(1, threads)

    def map(
        self, fn: Callable[[list[T]], R], items: Iterable[tuple[K, list[T]]]
    ) -> Iterator[tuple[K, R | None]]:
        """See :class:`Engine`.

        Raises:
            EngineError: A task failed on the cluster (a worker died, say).
        """
        def submit(batch: list[T]) -> Any:
            return self._client.submit(fn, batch, pure=False)

        return _ordered(submit, _wait_dask, items, self.window)

    def close(self) -> None:
        """Disconnect; shut the LocalCluster down if this engine started it."""
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_engine(settings: Settings, *, preload: tuple[str, ...] = ()) -> Engine:
    """The engine that ``settings`` ask for.

    Args:
        settings: Uses ``engine``, ``workers`` and ``scheduler``.
        preload: Modules that the worker processes this engine starts import as they start (the module of the
            function they will run, so that its imports are part of their start, not of the first batch).

    Returns:
        ``DaskEngine`` for ``engine="dask"``; otherwise ``ProcessPoolEngine`` for ``workers > 1`` and
        ``InProcessEngine`` for one worker.

    Raises:
        ConfigError: The Dask extra is missing or its scheduler cannot be reached.
    """
    if settings.engine == "dask":
        return DaskEngine(scheduler=settings.scheduler or None, workers=settings.workers, preload=preload)
    if settings.workers > 1:
        return ProcessPoolEngine(workers=settings.workers, preload=preload)
    return InProcessEngine()
