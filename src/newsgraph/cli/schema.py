"""``newsgraph schema``: print the JSON Schema of the exported records."""

from __future__ import annotations

import typer

from newsgraph.records import schema_text


def schema_cli() -> None:
    """Print the JSON Schema of one line of articles.jsonl (ArticleResult and nested records)."""
    typer.echo(schema_text())
