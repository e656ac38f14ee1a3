"""The ``newsgraph`` command line: a thin typer layer over the library, one file per command."""

from __future__ import annotations

import typer

from newsgraph import __version__
from newsgraph.cli import diff as _diff
from newsgraph.cli import evaluate as _evaluate
from newsgraph.cli import extract as _extract
from newsgraph.cli import info as _info
from newsgraph.cli import models as _models
from newsgraph.cli import schema as _schema
from newsgraph.cli import view as _view
from newsgraph.cli.common import use_readable_types

use_readable_types()  # TEXT, PATH, INTEGER in the help instead of <str>, <path>, <bool>

app = typer.Typer(
    name="newsgraph",
    help="Turn news articles into a knowledge graph of persons, organisations, places and events.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"newsgraph {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """Turn news articles into a knowledge graph of persons, organisations, places and events."""


app.command("extract")(_extract.extract_cli)
app.command("evaluate")(_evaluate.evaluate_cli)
app.command("info")(_info.info_cli)
app.command("schema")(_schema.schema_cli)
app.command("diff")(_diff.diff_cli)
app.command("view")(_view.view_cli)
app.add_typer(_models.models_app, name="models")


def main() -> None:
    """Console-script entry point."""
    app()
