"""``newsgraph view``: write the interactive graph page of an output folder."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from newsgraph.cli.common import usage_error
from newsgraph.errors import NewsgraphError
from newsgraph.tools.view import VIEW_FILE, write_view


def view_cli(
    out_dir: Path = typer.Argument(..., help="An output folder written by `newsgraph extract`."),
    output: Path | None = typer.Option(None, "--output", "-o", help=f"HTML file to write (default: OUT/{VIEW_FILE})."),
    max_entities: int = typer.Option(300, "--max-entities", help="Show at most this many entities (the most mentioned)."),
    max_evidence: int = typer.Option(5, "--max-evidence", help="Evidence sentences kept per node."),
) -> None:
    """Write one self-contained HTML page of the graph: search, type filters, evidence per node.

    The page works offline (the graph library is inlined), colours entities by type, sizes them
    by mentions, shows events as their own nodes and labels relation edges. Exit code 0 when
    written, 2 when OUT has no articles.jsonl or the file cannot be written.
    """
    console = Console(stderr=True)
    try:
        path = write_view(out_dir, output, max_entities=max_entities, max_evidence=max_evidence)
    except NewsgraphError as e:
        usage_error(e, console)
    console.print(f"wrote {escape(str(path))}", highlight=False)
