"""``newsgraph extract``: articles in, knowledge graph and JSON records out."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from newsgraph.errors import NewsgraphError
from newsgraph.export import ExportSummary, write_outputs
from newsgraph.pipeline import extract, paths_to_sources
from newsgraph.records import ArticleResult

DEFAULT_FORMATS = "graphml,json"


def _stop_after_first_error(results: Iterator[ArticleResult]) -> Iterator[ArticleResult]:
    for result in results:
        yield result
        if result.error:
            return


def _with_progress(
    results: Iterator[ArticleResult], console: Console, counts: dict[str, int], failures: list[str]
) -> Iterator[ArticleResult]:
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task("extracting", total=None)
        for result in results:
            counts["articles"] += 1
            counts["words"] += len(result.article.text.split())
            if result.error:
                counts["failed"] += 1
                failures.append(result.error)
            progress.update(task, description=f"{counts['articles']} articles, {counts['failed']} failed")
            yield result


def _summary_table(summary: ExportSummary, out: Path, counts: dict[str, int], seconds: float) -> Table:
    table = Table(title="newsgraph extract", show_header=False)
    table.add_row("articles", str(counts["articles"]))
    table.add_row("failed", str(counts["failed"]))
    for etype, n in sorted(summary.entities_by_type.items()):
        table.add_row(f"entities {etype}", str(n))
    table.add_row("relations", str(summary.relations))
    table.add_row("events", str(summary.events))
    table.add_row("words/s", f"{counts['words'] / seconds:,.0f}" if seconds > 0 else "-")
    table.add_row("output", str(out))
    return table


def extract_cli(
    paths: list[str] = typer.Argument(..., help="Files, folders (recursive), globs, or - for stdin."),
    out: Path = typer.Option(Path("newsgraph-out"), "--out", "-o", help="Output folder."),
    lang: str = typer.Option("auto", "--lang", help="auto (metadata, then detection) or a code such as de."),
    fmt: str = typer.Option(DEFAULT_FORMATS, "--format", help="Graph formats, comma-separated: graphml, json, gexf."),
    model: Path | None = typer.Option(None, "--model", help="Use this spaCy pipeline folder (e.g. a transformer one)."),
    on_error: str = typer.Option("skip", "--on-error", help="skip: record bad inputs and go on; fail: stop at the first."),
    max_bytes: int = typer.Option(10_000_000, "--max-bytes", help="Reject input files larger than this."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No summary table."),
) -> None:
    """Extract entities, relations and events from articles and write the knowledge graph.

    Writes articles.jsonl (one record per article, errors included), entities.jsonl and the graph
    (graph.graphml, graph.json; graph.gexf with --format gexf). Exit code 0 when every input was
    processed, 1 when some failed, 2 on a usage error.
    """
    if on_error not in ("skip", "fail"):
        raise typer.BadParameter("use skip or fail", param_hint="--on-error")
    console = Console(stderr=True)
    counts = {"articles": 0, "words": 0, "failed": 0}
    failures: list[str] = []
    formats = ["jsonl", *[f.strip() for f in fmt.split(",") if f.strip()]]
    started = time.perf_counter()
    try:
        results = extract(paths_to_sources(paths), lang=lang, model=model, max_bytes=max_bytes)
        if on_error == "fail":
            results = _stop_after_first_error(results)
        summary = write_outputs(_with_progress(results, console, counts, failures), out, formats=formats)
    except NewsgraphError as e:
        console.print(f"[red]error:[/red] {e}")
        raise typer.Exit(2) from e
    seconds = time.perf_counter() - started
    for failure in failures:
        console.print(f"[yellow]failed:[/yellow] {escape(failure)}", highlight=False)
    if not quiet:
        console.print(_summary_table(summary, out, counts, seconds))
    raise typer.Exit(1 if counts["failed"] else 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(typer.run(extract_cli))
