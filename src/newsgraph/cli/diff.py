"""``newsgraph diff``: what changed between two extraction outputs (for CI regression checks)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from newsgraph.cli.common import usage_error
from newsgraph.tools.diff import TOLERANCES, OutputDiff, diff_outputs
from newsgraph.errors import NewsgraphError

_STYLES = {"+": "green", "-": "red", "~": "yellow"}


def diff_table(diff: OutputDiff, *, max_rows: int = 50) -> Table:
    """A rich table of the differences, at most ``max_rows`` rows (the rest are counted)."""
    table = Table(title=f"newsgraph diff: {escape(diff.summary())}", title_justify="left")
    table.add_column("", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("item")
    table.add_column("detail")
    rows = diff.rows()
    for row in rows[:max_rows]:
        style = _STYLES.get(row.change, "")
        table.add_row(f"[{style}]{row.change}[/{style}]", row.section, escape(row.item), escape(row.detail))
    if len(rows) > max_rows:
        table.add_row("", "", f"… and {len(rows) - max_rows} more (all with --json)", "")
    return table


def print_diff(diff: OutputDiff, console: Console, *, max_rows: int = 50) -> None:
    """Print notes, then either the table or a one-line all-clear."""
    for note in diff.notes:
        console.print(f"[yellow]note:[/yellow] {escape(note)}", highlight=False)
    ignored = f" (ignoring {', '.join(sorted(diff.ignore))})" if diff.ignore else ""
    if diff.differs:
        console.print(diff_table(diff, max_rows=max_rows))
        console.print(f"[red]{escape(diff.new)} differs from {escape(diff.old)}{ignored}[/red]", highlight=False)
    else:
        console.print(f"[green]no differences{ignored}[/green]", highlight=False)


def diff_cli(
    old: Path = typer.Argument(..., help="Baseline: an output folder or its entities.jsonl."),
    new: Path = typer.Argument(..., help="Output to check: an output folder or its entities.jsonl."),
    ignore: list[str] = typer.Option(
        [], "--ignore", help=f"Tolerate these differences (repeatable or comma-separated): {', '.join(TOLERANCES)}."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the differences as JSON instead of a table."),
    max_rows: int = typer.Option(50, "--max-rows", help="Table rows to show at most (--json shows all)."),
) -> None:
    """Compare two outputs: added, removed and changed entities, relations and events.

    Entities are matched by id (name, type, mention count); relations and events, read from
    articles.jsonl when both sides are folders, by their canonical form. Exit code 0 when nothing
    differs beyond the --ignore tolerances, 1 when something does, 2 on a bad option or a path that
    is not a readable newsgraph output (a folder without entities.jsonl and articles.jsonl, a file
    that is not an entities.jsonl).
    """
    try:
        diff = diff_outputs(old, new, ignore=ignore)
    except NewsgraphError as e:
        usage_error(e)
    if as_json:
        typer.echo(json.dumps(diff.to_dict(), ensure_ascii=False, indent=1))
    else:
        print_diff(diff, Console(), max_rows=max_rows)
    raise typer.Exit(1 if diff.differs else 0)
