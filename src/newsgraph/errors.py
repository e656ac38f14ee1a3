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


class InputPathError(InputError):
    """A path named as input cannot be used: it does not exist, a pattern matches no files, or it is the
    run's own output folder. A usage error, raised before anything is read or written.

    Args:
        problems: ``(path as given, what is wrong with it)`` for every unusable path, in argument order.
        hint: How to fix it, said once after the problems.
    """

    def __init__(self, problems: list[tuple[str, str]], *, hint: str = "") -> None:
        self.problems = list(problems)
        self.path = problems[0][0] if problems else None
        self.line = None
        self.reason = "; ".join(f"{path}: {problem}" for path, problem in problems)
        NewsgraphError.__init__(self, f"{self.reason}. {hint + ' ' if hint else ''}Nothing was read or written.")


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
