"""``newsgraph extract``: articles in, knowledge graph and JSON records out."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from newsgraph.cli.diff import print_diff
from newsgraph.config import load_settings, parse_overrides
from newsgraph.diff import check_ignore, diff_outputs
from newsgraph.errors import ConfigError, NewsgraphError
from newsgraph.export import ExportSummary, check_formats, output_lock, write_outputs
from newsgraph.cache import CACHE_FILE
from newsgraph.pipeline import RunStats, extract, paths_to_sources
from newsgraph.records import ArticleResult

MAX_FAILURES_SHOWN = 50
"""Failures listed after a run; the rest are counted (each has its error record in articles.jsonl)."""


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
                if len(failures) < MAX_FAILURES_SHOWN:  # a bounded list: a run can have millions of articles
                    failures.append(result.error)
            progress.update(task, description=f"{counts['articles']} articles, {counts['failed']} failed")
            yield result


def _summary_table(
    summary: ExportSummary, out: Path, counts: dict[str, int], seconds: float, stats: RunStats
) -> Table:
    table = Table(title="newsgraph extract", show_header=False)
    table.add_row("articles", str(counts["articles"]))
    table.add_row("failed", str(counts["failed"]))
    table.add_row("from cache", str(stats.from_cache))
    table.add_row("processed", str(stats.processed))
    for etype, n in sorted(summary.entities_by_type.items()):
        table.add_row(f"entities {etype}", str(n))
    table.add_row("relations", str(summary.relations))
    table.add_row("events", str(summary.events))
    table.add_row("words/s (incl. model loading)", f"{counts['words'] / seconds:,.0f}" if seconds > 0 else "-")
    table.add_row("output", str(out))
    return table


def extract_cli(
    paths: list[str] = typer.Argument(..., help="Files, folders (recursive), globs, or - for stdin."),
    out: Path = typer.Option(Path("newsgraph-out"), "--out", "-o", help="Output folder."),
    lang: str | None = typer.Option(None, "--lang", help="auto (metadata, then detection) or a code such as de."),
    fmt: str | None = typer.Option(None, "--format", help="Graph formats, comma-separated: graphml, json, gexf."),
    model: Path | None = typer.Option(None, "--model", help="Use this spaCy pipeline folder (e.g. a transformer one)."),
    on_error: str | None = typer.Option(None, "--on-error", help="skip: record bad inputs and go on; fail: stop at the first."),
    max_bytes: int | None = typer.Option(None, "--max-bytes", help="Reject input files larger than this."),
    config: Path | None = typer.Option(None, "--config", help="TOML settings file (default: ./newsgraph.toml if present)."),
    overrides: list[str] = typer.Option([], "--set", help="Override a setting: --set batch_size=32 (repeatable)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No summary table."),
    baseline: Path | None = typer.Option(None, "--baseline", help="After writing, diff against this output folder; exit 1 if it differs."),
    ignore: list[str] = typer.Option([], "--ignore", help="Tolerances for --baseline, as in `newsgraph diff --ignore`."),
    html: bool = typer.Option(False, "--html", help="Also write OUT/graph.html, the interactive graph page."),
    accurate: bool = typer.Option(
        False, "--accurate", help='Run the fine-tuned encoder NER (slower; needs pip install "newsgraph[accurate]").'
    ),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="NLP worker processes (default 1); with --engine dask: LocalCluster workers."
    ),
    engine: str | None = typer.Option(
        None, "--engine", help='local (default) or dask: run the NLP on a Dask cluster (pip install "newsgraph[dask]").'
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="With --engine dask: the scheduler address (tcp://host:8786); default a LocalCluster."
    ),
    use_cache: bool | None = typer.Option(
        None, "--cache/--no-cache",
        help=f"Reuse and record finished articles in OUT/{CACHE_FILE} (default); --no-cache runs everything.",
    ),
) -> None:
    """Extract entities, relations and events from articles and write the knowledge graph.

    Writes articles.jsonl (one record per article, errors included), entities.jsonl and the graph
    (graph.graphml, graph.json; graph.gexf with --format gexf). Settings come from defaults <
    newsgraph.toml < NEWSGRAPH_* environment < --set and the flags. Exit code 0 when every input
    was processed, 1 when some failed (or the output differs from --baseline), 2 on a usage error.

    Finished articles are kept in OUT/newsgraph-cache.sqlite: a re-run skips the unchanged ones, and a run
    that was interrupted resumes where it stopped (the output files are only replaced at the end, all at
    once). A second run on the same OUT while one is writing it stops with exit code 2.
    """
    console = Console(stderr=True)
    flags = {"lang": lang, "model": model, "on_error": on_error, "max_bytes": max_bytes,
             "formats": fmt.split(",") if fmt is not None else None, "accurate": accurate or None,
             "workers": workers, "engine": engine, "scheduler": scheduler, "result_cache": use_cache}
    try:
        cli_values = {**parse_overrides(overrides), **{k: v for k, v in flags.items() if v is not None}}
        settings = load_settings(file=config, overrides=cli_values)
        formats = check_formats(["jsonl", *[f.strip() for f in settings.formats if f.strip()]])
        check_ignore(ignore)
        if baseline is not None and not baseline.exists():
            raise ConfigError(f"--baseline: {baseline} does not exist; give a folder written by `newsgraph extract`.")
        if baseline is not None and baseline.resolve() == out.resolve():
            raise ConfigError("--baseline: is the output folder itself; write the new output elsewhere with -o.")
    except ConfigError as e:
        console.print(f"[red]error:[/red] {escape(str(e))}", highlight=False)
        raise typer.Exit(2) from e
    counts = {"articles": 0, "words": 0, "failed": 0}
    failures: list[str] = []
    stats = RunStats()
    started = time.perf_counter()
    try:
        # the library records every failure; the CLI stops after the first one with --on-error fail,
        # so the records up to and including it are still written
        results = extract(paths_to_sources(paths), settings=settings.model_copy(update={"on_error": "skip"}),
                          cache=out / CACHE_FILE if settings.result_cache else None, stats=stats)
        if settings.on_error == "fail":
            results = _stop_after_first_error(results)
        # one writer per output folder for the whole run (cache and outputs): a second one stops here, before
        # it reads an input or opens the cache (extract only checks the settings until it is iterated)
        with output_lock(out):
            summary = write_outputs(_with_progress(results, console, counts, failures), out, formats=formats,
                                    html=html)
    except NewsgraphError as e:
        console.print(f"[red]error:[/red] {escape(str(e))}", highlight=False)
        raise typer.Exit(2) from e
    seconds = time.perf_counter() - started
    for failure in failures:
        console.print(f"[yellow]failed:[/yellow] {escape(failure)}", highlight=False)
    if counts["failed"] > len(failures):
        console.print(f"[yellow]… and {counts['failed'] - len(failures)} more failures[/yellow] "
                      f"(each has an error record in {out / 'articles.jsonl'})", highlight=False)
    if not quiet:
        console.print(_summary_table(summary, out, counts, seconds, stats))
    differs = False
    try:
        if baseline is not None:
            diff = diff_outputs(baseline, out, ignore=ignore)
            print_diff(diff, console)
            differs = diff.differs
    except NewsgraphError as e:
        console.print(f"[red]error:[/red] {escape(str(e))}", highlight=False)
        raise typer.Exit(2) from e
    raise typer.Exit(1 if counts["failed"] or differs else 0)
