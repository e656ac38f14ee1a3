"""Per-article guards of the NLP stage: a size limit checked up front and a time limit enforced with SIGALRM.

The size limits (settings ``max_chars``, and ``max_tokens`` checked after tokenisation) bound memory: the
pipeline's arrays grow with the number of tokens, about 20 KB each (a 1 MB article took 3.7 GB; a run of
punctuation marks is one token per character). The time limit (setting ``article_timeout``) turns a runaway article
into an error record instead of a stalled run. It needs a POSIX interval timer and the main thread of
the process (the local engine, and its worker processes); where neither is available (Windows, Dask
worker threads) it is skipped and the run relies on the linear-time work of every stage instead. The
timer interrupts Python code only between bytecodes: a single long call into compiled code finishes
first (the tokenizer is only ever fed bounded pieces, see :mod:`newsgraph.nlp.tokenize`).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from newsgraph.errors import Errors


class ArticleTimeout(BaseException):
    """Raised inside the NLP stage when an article is over its time limit.

    A ``BaseException`` (like ``KeyboardInterrupt``), so that no ``except Exception`` in a component
    swallows it and carries on with the slow article.
    """


def timeout_message(seconds: float) -> str:
    """The error of an article that took too long."""
    return str(Errors.E501.format(seconds=seconds))


def size_message(chars: int, max_chars: int) -> str:
    """The error of an article over the size limit."""
    return str(Errors.E502.format(chars=chars, max_chars=max_chars))


def token_message(tokens: int, max_tokens: int) -> str:
    """The error of an article with more tokens than the limit (a long run of punctuation marks is one
    token per character)."""
    return str(Errors.E503.format(tokens=tokens, max_tokens=max_tokens))


def timer_available() -> bool:
    """True where :func:`deadline` can enforce a limit: a POSIX interval timer, the main thread, and no
    interval timer already running (someone else's is left alone)."""
    return (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
            and signal.getitimer(signal.ITIMER_REAL)[0] == 0)


def _raise_timeout(signum: int, frame: FrameType | None) -> None:
    raise ArticleTimeout()


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`ArticleTimeout` in the block once ``seconds`` have passed.

    Args:
        seconds: The limit; ``0`` (or where :func:`timer_available` is false): no limit.

    Raises:
        ArticleTimeout: the block ran for longer than ``seconds``.
    """
    if seconds <= 0 or not timer_available():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _raise_timeout)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
