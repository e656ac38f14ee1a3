"""What the commands share: how a usage error is reported, how option types read in the help."""

from __future__ import annotations

from typing import Any, NoReturn

import typer
import typer.core
from rich.console import Console
from rich.markup import escape

EXIT_USAGE = 2
"""Exit code of a usage error: a bad option, a path that cannot be used; nothing was read or written."""


def usage_error(error: Exception, console: Console | None = None) -> NoReturn:
    """Print ``error: <message> (<code>)`` on stderr and exit with code 2.

    The code (from :class:`newsgraph.errors.Errors`, when the error has one) follows the message, which
    stays as the library raised it.

    Args:
        error: The error to report (a :class:`newsgraph.errors.NewsgraphError` as a rule).
        console: Where to print; default a new stderr console.

    Raises:
        typer.Exit: Always, with code 2, chained to ``error``.
    """
    console = console if console is not None else Console(stderr=True)
    code = getattr(error, "code", None)
    console.print(f"[red]error:[/red] {escape(str(error))}{f' ({code})' if code else ''}", highlight=False)
    raise typer.Exit(EXIT_USAGE) from error


_LABELS = {"bool": "", "str": "TEXT", "int": "INTEGER", "int range": "INTEGER", "float": "NUMBER",
           "float range": "NUMBER", "path": "PATH", "file": "PATH", "directory": "FOLDER", "datetime": "DATETIME"}


def readable_type(label: str, *, repeatable: bool = True) -> str:
    """A typer type label as the help shows it: ``<str>`` → ``TEXT``, ``<list[str]>`` → ``TEXT...``,
    ``<int range>`` → ``INTEGER`` (the range is shown beside it), ``<bool>`` (a flag) → nothing; a choice
    keeps its values.

    Args:
        label: typer's label, e.g. ``"<list[str]>"``.
        repeatable: Mark a list with ``...`` (an argument's name carries it already).

    Returns:
        The readable label, ``""`` for a flag.
    """
    inner = label.strip().removeprefix("<").removesuffix(">")
    many = inner.startswith("list[") and inner.endswith("]")
    if many:
        inner = inner[len("list["):-1]
    readable = _LABELS.get(inner, inner if "|" in inner else inner.upper())
    return readable + ("..." if many and repeatable and readable else "")


def use_readable_types() -> None:
    """Show :func:`readable_type` labels in every command's help, in place of typer's ``<bool>``, ``<str>``
    and ``<list[str]>`` (a typer without ``display_type`` shows click's labels, which read well already)."""
    parameter: Any = getattr(typer.core, "_TyperParameter", None)
    original = getattr(parameter, "display_type", None)
    if original is None or getattr(original, "readable", False):
        return

    def display_type(self: Any, ctx: Any) -> str:
        label = original(self, ctx)
        return readable_type(label, repeatable=not isinstance(self, typer.core.TyperArgument)) if isinstance(
            label, str) else label

    display_type.readable = True  # type: ignore[attr-defined]
    parameter.display_type = display_type
