"""What the commands share: how a usage error is reported."""

from __future__ import annotations

from typing import NoReturn

import typer
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
