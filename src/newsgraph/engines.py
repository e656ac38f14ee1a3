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
import os
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

IN_FLIGHT_PER_WORKER = 2
"""Batches submitted ahead per worker: one running, one waiting, so no worker idles between batches."""


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
    """Pool initializer: end this worker once its parent is gone. A parent killed with SIGKILL cannot stop
    its workers, and they would otherwise wait for work forever, each holding a loaded model."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="newsgraph-parent-watch", daemon=True).start()


class ProcessPoolEngine:
    """Runs batches in ``workers`` local processes (started fresh with ``spawn``, so nothing of this
    process's state leaks into them; each loads the model once, on its first batch). The workers exit by
    themselves when this process dies, even of SIGKILL.

    Args:
        workers: Number of worker processes.
    """

    def __init__(self, *, workers: int) -> None:
        self.workers = workers
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_exit_with_parent, initargs=(os.getpid(),))

    def map(
        self, fn: Callable[[list[T]], R], items: Iterable[tuple[K, list[T]]]
    ) -> Iterator[tuple[K, R | None]]:
        """See :class:`Engine`.

        Raises:
            EngineError: A worker process died (killed, or out of memory).
        """
        def submit(batch: list[T]) -> Future[R]:
            return self._pool.submit(fn, batch)

        return _ordered(submit, _wait_local, items, IN_FLIGHT_PER_WORKER * self.workers)

    def close(self) -> None:
        """Cancel what has not started and wait for the workers to exit."""
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

    Raises:
        ConfigError: The extra is missing, or the scheduler cannot be reached.
    """

    def __init__(self, *, scheduler: str | None, workers: int) -> None:
        check_dask()
        from distributed import Client, LocalCluster

        self._cluster: Any = None
        try:
            if scheduler:
                self._client = Client(scheduler, timeout=SCHEDULER_TIMEOUT)
            else:
                self._cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                             dashboard_address=None, silence_logs=logging.ERROR)
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


def make_engine(settings: Settings) -> Engine:
    """The engine that ``settings`` ask for.

    Args:
        settings: Uses ``engine``, ``workers`` and ``scheduler``.

    Returns:
        ``DaskEngine`` for ``engine="dask"``; otherwise ``ProcessPoolEngine`` for ``workers > 1`` and
        ``InProcessEngine`` for one worker.

    Raises:
        ConfigError: The Dask extra is missing or its scheduler cannot be reached.
    """
    if settings.engine == "dask":
        return DaskEngine(scheduler=settings.scheduler or None, workers=settings.workers)
    if settings.workers > 1:
        return ProcessPoolEngine(workers=settings.workers)
    return InProcessEngine()
