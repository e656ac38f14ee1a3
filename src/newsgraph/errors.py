"""newsgraph's error hierarchy: every message says what went wrong, where, and how to fix it."""

from __future__ import annotations

from pathlib import Path


class NewsgraphError(Exception):
    """Base class of every error newsgraph raises on purpose."""


class ConfigError(NewsgraphError):
    """A setting is missing or has a bad value; the message names the key and the fix."""


class InputError(NewsgraphError):
    """An input file or text cannot be read as an article.

    Args:
        message: What is wrong.
        path: The file (or ``-`` for stdin) the problem is in.
        line: 1-based line number (or list index for JSON) where it is, if known.
    """

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.reason = message
        where = self.path or "<input>"
        if line is not None:
            where += f":{line}"
        super().__init__(f"{where}: {message}")


class LanguageError(NewsgraphError):
    """No pipeline is available for an article's language."""


class ModelError(NewsgraphError):
    """A pipeline cannot be found or loaded; the message says how to get it."""


class ExportError(NewsgraphError):
    """Output cannot be written."""


class CacheError(NewsgraphError):
    """The result cache in the output folder cannot be read or written; the message says how to start afresh."""


class EngineError(NewsgraphError):
    """The NLP stage's engine (worker processes, a Dask cluster) cannot be started or failed during a run."""
