"""A whole extraction run, as ``newsgraph extract`` does it: read, process, cache, write, view, diff.

The module is called ``runner`` (not ``run``) so that ``import newsgraph.runner`` never shadows the
function ``newsgraph.run``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsgraph.cache import CACHE_FILE
from newsgraph.config import Settings, settings_from_options
from newsgraph.tools.diff import OutputDiff, check_ignore, diff_outputs
from newsgraph.errors import ConfigError, Errors
from newsgraph.graph.export import check_formats, output_lock, write_outputs
from newsgraph.ingest.read import SkippedFolder
from newsgraph.pipeline import RunStats, Source, extract
from newsgraph.records import ArticleResult

MAX_FAILURES = 50
"""Failures kept in :attr:`RunSummary.failures`; the rest are counted (each has its error record in articles.jsonl)."""


@dataclass
class RunSummary:
    """What a run did: filled in while it goes, complete when :func:`run` returns."""

    out: Path
    """The output folder."""
    articles: int = 0
    """Articles read (bad inputs included)."""
    failed: int = 0
    """Articles with an error record."""
    failures: list[str] = field(default_factory=list)
    """The first :data:`MAX_FAILURES` errors, each starting with the file (and line) it is about."""
    from_cache: int = 0
    """Articles whose result came from the result cache (the cache hits)."""
    processed: int = 0
    """Articles sent through the NLP stage."""
    skipped_folders: list[SkippedFolder] = field(default_factory=list)
    """Folders not read as input because they hold newsgraph output."""
    entities_by_type: dict[str, int] = field(default_factory=dict)
    """Corpus-level entities written, by type."""
    relations: int = 0
    """Relations written."""
    events: int = 0
    """Events written."""
    words: int = 0
    """Words (whitespace-separated) in the article texts."""
    seconds: float = 0.0
    """Wall time from the call to the written output (model loading included, the baseline diff not)."""
    load_seconds: float = 0.0
    """The part of ``seconds`` spent starting workers and loading pipelines: a Dask LocalCluster's start, then,
    measured in the workers, each local worker process's start (spawn and imports) and its pipeline loading
    (workers start and load in parallel: the longest time one worker spent). A fixed cost per run, so
    :attr:`processing_words_per_second` of one and of several workers compare like with like."""
    workers: int = 0
    """Worker processes that ran NLP batches (0 when every article came from the cache)."""
    paths: list[Path] = field(default_factory=list)
    """The files written (empty until the output is written)."""
    diff: OutputDiff | None = None
    """The comparison with ``baseline``, if one was given."""

    @property
    def entities(self) -> int:
        """All corpus-level entities written."""
        return sum(self.entities_by_type.values())

    @property
    def processing_seconds(self) -> float:
        """``seconds`` without the model loading: reading, NLP, cache and writing."""
        return max(self.seconds - self.load_seconds, 0.0)

    @property
    def words_per_second(self) -> float:
        """Words of all articles read per second of the whole run (model loading included); 0 before it ends."""
        return self.words / self.seconds if self.seconds > 0 else 0.0

    @property
    def processing_words_per_second(self) -> float:
        """Words per second of the processing alone (model loading left out); 0 before the run ends."""
        return self.words / self.processing_seconds if self.processing_seconds > 0 else 0.0

    @property
    def articles_per_second(self) -> float:
        """Articles read per second of the whole run (model loading included); 0 before it ends."""
        return self.articles / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, object]:
        """The summary as JSON-ready data (``newsgraph extract --json`` prints it; README, "Exit codes").

        Returns:
            ``out``, ``articles``, ``failed``, ``failures``, ``from_cache``, ``processed``, ``skipped_folders``
            (path and reason), ``entities`` (total), ``entities_by_type``, ``relations``, ``events``,
            ``words``, ``seconds``, ``load_seconds``, ``processing_seconds``, ``words_per_second`` (model
            loading included), ``processing_words_per_second`` (left out), ``articles_per_second``,
            ``workers``, ``paths`` (the files written) and ``diff`` (null, or ``differs`` and the counts per
            kind of difference).
        """
        return {
            "out": str(self.out), "articles": self.articles, "failed": self.failed, "failures": list(self.failures),
            "from_cache": self.from_cache, "processed": self.processed,
            "skipped_folders": [{"path": folder.path, "reason": folder.reason} for folder in self.skipped_folders],
            "entities": self.entities, "entities_by_type": dict(self.entities_by_type), "relations": self.relations,
            "events": self.events, "words": self.words, "seconds": round(self.seconds, 3),
            "load_seconds": round(self.load_seconds, 3), "processing_seconds": round(self.processing_seconds, 3),
            "words_per_second": round(self.words_per_second, 1),
            "processing_words_per_second": round(self.processing_words_per_second, 1),
            "articles_per_second": round(self.articles_per_second, 3), "workers": self.workers,
            "paths": [str(path) for path in self.paths],
            "diff": None if self.diff is None else {"differs": self.diff.differs, **self.diff.counts()},
        }


def failure_line(result: ArticleResult) -> str:
    """The error of a failed result, starting with the file (and line) it is about."""
    error, article = result.error or "", result.article
    if article.path is None:  # a text given directly, or an input error that names no file
        return error if article.id.startswith("error:") else f"{article.id}: {error}"
    where = article.path + (f":{article.line}" if article.line is not None else "")
    return error if error.startswith(f"{article.path}:") else f"{where}: {error}"


def check_out(out: Path) -> None:
    """The output folder must be a folder (existing or not): a file there, or above it, is a usage error.

    Raises:
        ConfigError: ``out`` or one of its parents exists and is not a folder.
    """
    for folder in (out, *out.parents):
        if folder.exists() or folder.is_symlink():
            if not folder.is_dir():
                what = "is a file" if folder.is_file() else "is not a folder"
                raise ConfigError(Errors.E017.format(folder=folder, what=what))
            return


def check_baseline(baseline: Path | None, out: Path) -> None:
    """Check a baseline folder before a run: it must exist and not be the output folder.

    Raises:
        ConfigError: ``baseline`` does not exist or is ``out``.
    """
    if baseline is not None and not baseline.exists():
        raise ConfigError(Errors.E015.format(baseline=baseline))
    if baseline is not None and baseline.resolve() == out.resolve():
        raise ConfigError(Errors.E016)


def _stop_after_first_error(results: Iterator[ArticleResult]) -> Iterator[ArticleResult]:
    for result in results:
        yield result
        if result.error:
            return


def _counted(results: Iterator[ArticleResult], summary: RunSummary,
             on_result: Callable[[ArticleResult], None] | None) -> Iterator[ArticleResult]:
    for result in results:
        summary.articles += 1
        summary.words += len(result.article.text.split())
        if result.error:
            summary.failed += 1
            if len(summary.failures) < MAX_FAILURES:  # a bounded list: a run can have millions of articles
                summary.failures.append(failure_line(result))
        if on_result is not None:
            on_result(result)
        yield result


def run(
    sources: Iterable[Source] | Source,
    out: Path,
    *,
    settings: Settings | None = None,
    html: bool = False,
    baseline: Path | None = None,
    ignore: Sequence[str] = (),
    on_result: Callable[[ArticleResult], None] | None = None,
    summary: RunSummary | None = None,
    **options: object,
) -> RunSummary:
    """Run an extraction into an output folder, as ``newsgraph extract`` does.

    Reads the sources, processes them (reusing and recording results in ``OUT/newsgraph-cache.sqlite``
    when ``result_cache`` is on), writes ``articles.jsonl``, ``entities.jsonl`` and the graph files
    (holding the folder's lock for the whole run), with ``html`` the page ``graph.html``, and with
    ``baseline`` compares the new output with that folder.

    With ``on_error="fail"`` the run stops after the first article that fails; the records up to and
    including it are written, and ``failed`` is 1. With ``on_error="skip"`` (the default) every bad
    input gets its error record and the run goes on.

    Args:
        sources: Files, folders, globs (``Path``), raw texts (``str``) or ``Article`` objects, as for
            :func:`newsgraph.extract`. The output folder is never read as input.
        out: The output folder; created if missing.
        settings: Complete settings; default: the defaults with ``options`` applied.
        html: Also write ``graph.html``.
        baseline: An output folder to compare the new output with (``summary.diff``).
        ignore: Tolerances for the comparison, as for :func:`newsgraph.tools.diff.diff_outputs`.
        on_result: Called with each result as it is written (after it is counted in ``summary``), e.g. to
            show progress.
        summary: Filled in as the run goes instead of a new one: pass one to read the counts of a run
            that raised or was interrupted.
        **options: Individual settings instead of ``settings`` (``lang``, ``formats``, ``result_cache``, ...).

    Returns:
        The summary: counts, the first failures, what was written and the baseline diff.

    Raises:
        ConfigError: A bad setting, format, tolerance or baseline (before anything is read or written).
        InputPathError: A path source cannot be used (before anything is read or written).
        ExportError: The output cannot be written, or another process is writing the folder.
        CacheError: The result cache cannot be opened, read or written.
        NewsgraphError: The baseline is not a readable newsgraph output (raised after the output is
            written; ``summary`` then holds the run's counts).
        KeyboardInterrupt: Interrupted; the finished batches stay in the cache and the previous output
            files are unchanged.

    Example:
        >>> import newsgraph
        >>> from pathlib import Path
        >>> summary = newsgraph.run([Path("seeds/")], Path("out"), lang="de", html=True)  # doctest: +SKIP
        >>> summary.articles, summary.entities_by_type  # doctest: +SKIP
    """
    started = time.perf_counter()
    settings = settings if settings is not None else settings_from_options(options)
    summary = summary if summary is not None else RunSummary(out=out)
    formats = check_formats(["jsonl", *[f.strip() for f in settings.formats if f.strip()]])
    check_ignore(ignore)
    check_out(out)
    check_baseline(baseline, out)
    stats = RunStats(skipped_folders=summary.skipped_folders)
    # the library's extract records every failure; with on_error="fail" the run stops after the first one,
    # so the records up to and including it are still written
    results = extract(sources, settings=settings.model_copy(update={"on_error": "skip"}),
                      cache=out / CACHE_FILE if settings.result_cache else None, stats=stats, out=out)
    if settings.on_error == "fail":
        results = _stop_after_first_error(results)
    try:
        # one writer per output folder for the whole run (cache and outputs): a second one stops here, before
        # it reads an input or opens the cache (extract only checks settings and paths until iterated)
        with output_lock(out):
            written = write_outputs(_counted(results, summary, on_result), out, formats=formats, html=html)
    finally:
        summary.from_cache, summary.processed = stats.from_cache, stats.processed
        summary.load_seconds, summary.workers = stats.load_seconds, stats.workers
    summary.seconds = time.perf_counter() - started
    summary.entities_by_type = dict(written.entities_by_type)
    summary.relations, summary.events, summary.paths = written.relations, written.events, list(written.paths)
    if baseline is not None:
        summary.diff = diff_outputs(baseline, out, ignore=ignore)
    return summary


__all__ = ["MAX_FAILURES", "RunSummary", "check_baseline", "check_out", "failure_line", "run"]
