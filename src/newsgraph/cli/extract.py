"""``newsgraph extract``: articles in, knowledge graph and JSON records out."""

from __future__ import annotations

import json
import signal
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text
from rich.table import Table

from newsgraph.cli.common import usage_error
from newsgraph.cache import CACHE_FILE
from newsgraph.cli.diff import print_diff
from newsgraph.config import load_settings, parse_overrides
from newsgraph.errors import ConfigError, NewsgraphError
from newsgraph.graph.export import ARTICLES_FILE
from newsgraph.ingest.count import count_articles
from newsgraph.pipeline import paths_to_sources
from newsgraph.records import ArticleResult
from newsgraph.runner import RunSummary, run

EXIT_SIGINT, EXIT_SIGTERM = 130, 143
"""Exit codes of a run stopped by Ctrl-C (SIGINT) or SIGTERM: 128 + the signal number, as shells report it."""


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C's KeyboardInterrupt so that the run stops the same way: nothing swallows
    it, the half-written output files are removed and the finished batches stay in the cache."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise _Terminated()


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Handle SIGTERM like SIGINT while the run lasts; the previous handler is restored afterwards."""
    try:
        previous, installed = signal.signal(signal.SIGTERM, _raise_terminated), True
    except ValueError:  # not the main thread (an embedding application): leave signals alone
        previous, installed = None, False
    try:
        yield
    finally:
        if installed:
            signal.signal(signal.SIGTERM, previous)


@contextmanager
def _warnings_to_console(console: Console) -> Iterator[None]:
    """Show warnings raised during the run (a rebuilt cache, say) as one plain line, not Python's file:line form."""

    def show(message: Warning | str, category: type[Warning], filename: str, lineno: int,
             file: object = None, line: str | None = None) -> None:
        console.print(f"[yellow]warning:[/yellow] {escape(str(message))}", highlight=False, soft_wrap=True)

    with warnings.catch_warnings():
        warnings.showwarning = show
        yield


def _interrupted_message(error: KeyboardInterrupt, summary: RunSummary, cached: bool) -> str:
    what = "terminated (SIGTERM)" if isinstance(error, _Terminated) else "interrupted"
    out, finished = summary.out, summary.articles - summary.failed
    kept = (f"{finished} finished {'article is' if finished == 1 else 'articles are'} in the cache {out / CACHE_FILE}"
            if cached else "the cache is off (--no-cache), so a new run starts from the first article")
    previous = ("the previous output files are unchanged" if (out / ARTICLES_FILE).exists()
                else "no output files were written")
    return (f"{what} after {summary.articles} of the articles read; {kept}; {previous}; "
            "run the same command again to resume.")


class _RateColumn(ProgressColumn):
    """Articles per second, from Rich's moving window."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f} articles/s" if speed else "- articles/s", style="progress.data.speed")


def _columns(total: int | None) -> list[ProgressColumn]:
    """A bar with done/total and ETA when the total is known, else a spinner with the count."""
    if total is None:
        return [SpinnerColumn(), TextColumn("{task.completed} articles"), _RateColumn(),
                TextColumn("{task.description}"), TimeElapsedColumn()]
    return [BarColumn(), MofNCompleteColumn(), TextColumn("articles"), _RateColumn(), TextColumn("{task.description}"),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn()]


@contextmanager
def _progress(console: Console, summary: RunSummary, total: int | None = None,
              *, show: bool = True) -> Iterator[Callable[[ArticleResult], None]]:
    """A progress bar (on a terminal only, unless ``show`` is off): articles done of ``total``, articles/s
    and the time left when the total is known; yields the callback that advances it."""
    with Progress(*_columns(total), console=console, transient=True,
                  disable=not (show and console.is_terminal)) as progress:
        task = progress.add_task("", total=total)

        def advance(result: ArticleResult) -> None:
            failed = f"{summary.failed} failed" if summary.failed else ""
            progress.update(task, completed=summary.articles, description=failed)

        yield advance


def _count(sources: Sequence[object], out: Path) -> int | None:
    """The progress bar's total; None (a spinner) when unknown or when counting fails (the run reports it)."""
    try:
        return count_articles(sources, exclude=[out])
    except (OSError, NewsgraphError):
        return None


def _summary_table(summary: RunSummary) -> Table:
    table = Table(title="newsgraph extract", show_header=False)
    table.add_row("articles", str(summary.articles))
    table.add_row("failed", str(summary.failed))
    table.add_row("from cache", str(summary.from_cache))
    table.add_row("processed", str(summary.processed))
    table.add_row("workers", str(summary.workers))
    for etype, n in sorted(summary.entities_by_type.items()):
        table.add_row(f"entities {etype}", str(n))
    table.add_row("relations", str(summary.relations))
    table.add_row("events", str(summary.events))
    table.add_row("words", f"{summary.words:,}")
    table.add_row("seconds (model loading)", f"{summary.seconds:,.1f} ({summary.load_seconds:,.1f})")
    table.add_row("words/s (processing alone)", f"{summary.processing_words_per_second:,.0f}")
    table.add_row("words/s (incl. model loading)", f"{summary.words_per_second:,.0f}")
    table.add_row("articles/s (incl. model loading)", f"{summary.articles_per_second:,.2f}")
    table.add_row("output", str(summary.out))
    return table


def _print_report(console: Console, summary: RunSummary, quiet: bool) -> None:
    """The failures (at most MAX_FAILURES, the rest counted), then the summary table unless quiet."""
    for failure in summary.failures:
        console.print(f"[yellow]failed:[/yellow] {escape(failure)}", highlight=False)
    if summary.failed > len(summary.failures):
        console.print(f"[yellow]… and {summary.failed - len(summary.failures)} more failures[/yellow] "
                      f"(each has an error record in {summary.out / 'articles.jsonl'})", highlight=False)
    if not quiet:
        console.print(_summary_table(summary))


def extract_cli(
    paths: list[str] = typer.Argument(..., help="Files, folders (recursive), globs, or - for stdin."),
    out: Path = typer.Option(Path("newsgraph-out"), "--out", "-o", help="Output folder."),
    lang: str | None = typer.Option(None, "--lang", help="auto (metadata, then detection) or a code such as de."),
    fmt: str | None = typer.Option(None, "--format", help="Output formats, comma-separated: graphml, json, gexf; parquet (tables extra); ttl, jsonld (rdf extra)."),
    model: Path | None = typer.Option(None, "--model", help="Use this spaCy pipeline folder (e.g. a transformer one)."),
    on_error: str | None = typer.Option(None, "--on-error", help="skip: record bad inputs and go on; fail: stop at the first."),
    max_bytes: int | None = typer.Option(None, "--max-bytes", help="Reject input files larger than this."),
    config: Path | None = typer.Option(None, "--config", help="TOML settings file (default: ./newsgraph.toml if present)."),
    overrides: list[str] = typer.Option([], "--set", help="Override a setting: --set batch_size=32 (repeatable)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary table (failures and errors still print)."),
    as_json: bool = typer.Option(False, "--json", help="Print the run summary as JSON on stdout (keys: README, 'Exit codes') instead of the table."),
    baseline: Path | None = typer.Option(None, "--baseline", help="After writing, diff against this output folder; exit 1 if it differs."),
    ignore: list[str] = typer.Option([], "--ignore", help="Tolerances for --baseline, as in `newsgraph diff --ignore`."),
    html: bool = typer.Option(False, "--html", help="Also write OUT/graph.html, the interactive graph page."),
    fast: bool = typer.Option(
        False, "--fast",
        help="German: run the CNN pipeline (de_newsgraph; about twice as fast, less accurate) instead of the default "
             "encoder pipeline (NER, tags and parse from one ONNX encoder pass). Setting: fast = true.",
    ),
    device: str | None = typer.Option(
        None, "--device", help="Where the encoder runs: cpu (default) or cuda (needs onnxruntime-gpu and a GPU)."
    ),
    accurate: bool = typer.Option(
        False, "--accurate",
        help="Kept for old scripts: the encoder pipeline it switched on is the default now (not with --fast); with "
             '--set accurate_model=DIR a torch encoder NER replaces the CNN NER (pip install "newsgraph\\[accurate]").',
    ),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="NLP worker processes (default 1); with --engine dask: LocalCluster workers."
    ),
    engine: str | None = typer.Option(
        None, "--engine", help='local (default) or dask: run the NLP on a Dask cluster (pip install "newsgraph\\[dask]").'
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
    was processed, 1 when some failed (or the output differs from --baseline), 2 on a usage error
    (a bad option, an input path that does not exist, -o naming a file; nothing is read or written),
    130 when interrupted by Ctrl-C and 143 by SIGTERM. The output folder (and any other newsgraph
    output folder) is never read as input: walks and globs skip it, with a note.

    Finished articles are kept in OUT/newsgraph-cache.sqlite: a re-run skips the unchanged ones, and a run
    that was interrupted resumes where it stopped (the output files are only replaced at the end, all at
    once). A second run on the same OUT while one is writing it stops with exit code 2.
    """
    console = Console(stderr=True)
    flags = {"lang": lang, "model": model, "on_error": on_error, "max_bytes": max_bytes,
             "formats": fmt.split(",") if fmt is not None else None, "accurate": accurate or None,
             "fast": fast or None, "device": device,
             "workers": workers, "engine": engine, "scheduler": scheduler, "result_cache": use_cache}
    try:
        cli_values = {**parse_overrides(overrides), **{k: v for k, v in flags.items() if v is not None}}
        settings = load_settings(file=config, overrides=cli_values)
    except ConfigError as e:
        usage_error(e, console)
    summary = RunSummary(out=out)
    baseline_error: NewsgraphError | None = None
    sources = paths_to_sources(paths)
    total = None if quiet or not console.is_terminal else _count(sources, out)
    try:
        with _sigterm_as_interrupt(), _warnings_to_console(console), \
                _progress(console, summary, total, show=not quiet) as on_result:
            run(sources, out, settings=settings, html=html, baseline=baseline, ignore=ignore,
                on_result=on_result, summary=summary)
    except NewsgraphError as e:
        if not summary.paths:  # nothing written: a usage error, a lock held, a cache that cannot be read, ...
            usage_error(e, console)
        baseline_error = e  # the output is written, the baseline cannot be read: reported after the summary
    except KeyboardInterrupt as e:
        console.print(f"[yellow]{escape(_interrupted_message(e, summary, settings.result_cache))}[/yellow]",
                      highlight=False, soft_wrap=True)  # not wrapped: the cache's path stays whole
        raise typer.Exit(EXIT_SIGTERM if isinstance(e, _Terminated) else EXIT_SIGINT) from None
    finally:
        for folder in summary.skipped_folders:
            console.print(f"[yellow]note:[/yellow] {escape(str(folder))}", highlight=False, soft_wrap=True)
    _print_report(console, summary, quiet or as_json)
    if as_json:
        typer.echo(json.dumps(summary.as_dict(), ensure_ascii=False, sort_keys=True))
    if baseline_error is not None:
        usage_error(baseline_error, console)
    if summary.diff is not None:
        print_diff(summary.diff, console)
    raise typer.Exit(1 if summary.failed or (summary.diff is not None and summary.diff.differs) else 0)
