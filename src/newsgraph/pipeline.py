"""The one place that chains the stages: load → detect language → NLP → resolve → records."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from newsgraph.cache import ResultCache, article_key, encode_result, open_cache
from newsgraph.config import Settings, settings_from_options
from newsgraph.engines import Engine, check_dask, make_engine, take_startup_seconds
from newsgraph.errors import ConfigError, Errors, InputError, LanguageError, ModelError, NewsgraphError
from newsgraph.ingest.read import SkippedFolder, article_from_text, check_sources, read_articles
from newsgraph.ingest.langid import check_languages, detect_language
from newsgraph.nlp.convert import analysed_text, doc_to_result, title_offset
from newsgraph.nlp.limits import ArticleTimeout, deadline, size_message, timeout_message, token_message
from newsgraph.nlp.loading import (
    ENCODER_NER,
    ENCODER_PIPELINE,
    ONNX_ENCODER,
    PIPELINES,
    check_mode,
    encoder_models,
    encoder_ner_dir,
    load_pipeline,
    pipelines_loaded,
    uses_encoder_pipeline,
)
from newsgraph.nlp.tokenize import tokenize
from newsgraph.records import Article, ArticleResult

Source = str | Path | Article


def error_result(article: Article, message: str) -> ArticleResult:
    """An ArticleResult that records why an article could not be processed."""
    return ArticleResult(article=article, error=str(message), warnings=list(article.warnings))


def _input_error_result(error: InputError) -> ArticleResult:
    origin = error.path or "<input>"
    article_id = f"error:{origin}" + (f":{error.line}" if error.line is not None else "")
    article = Article(id=article_id, text="", path=error.path, line=error.line)
    return error_result(article, str(error))


def iter_articles(
    sources: Iterable[Source],
    *,
    max_bytes: int,
    exclude: Iterable[Path] = (),
    skipped: list[SkippedFolder] | None = None,
) -> Iterator[Article | InputError]:
    """Articles from a mix of files/folders/globs/``-`` (``Path``), ``Article`` objects and raw
    texts (``str``), in order; bad inputs come out as ``InputError`` in their place. Neighbouring
    paths are read in one go, so a file named twice (a folder and a glob) is read once. Folders in
    ``exclude`` and newsgraph output folders are not walked into; each is added to ``skipped`` once."""
    paths: list[Path] = []
    exclude = list(exclude)
    for source in sources:
        if isinstance(source, Path):
            paths.append(source)
            continue
        if paths:
            yield from read_articles(paths, max_bytes=max_bytes, on_error="collect", exclude=exclude, skipped=skipped)
            paths = []
        if isinstance(source, Article):
            yield source
        else:
            yield _text_article(source)
    if paths:
        yield from read_articles(paths, max_bytes=max_bytes, on_error="collect", exclude=exclude, skipped=skipped)


def _text_article(text: str) -> Article | InputError:
    try:
        return article_from_text(text)
    except InputError as e:
        return e
    except Exception as e:  # noqa: BLE001 - one bad text must not cost the others
        return InputError(Errors.E105.format(type=type(e).__name__, error=e))


def _choose_lang(article: Article, options: Settings) -> str | None:
    if options.lang != "auto":
        return options.lang
    if article.lang:
        return article.lang.lower().split("-")[0]
    return detect_language(article.text, candidates=tuple(options.languages))


def _pipeline_name(nlp: Language) -> str:
    name = f"{nlp.meta.get('lang', '')}_{nlp.meta.get('name', 'pipeline')}-{nlp.meta.get('version', '0')}"
    # records say which NER made them: accurate mode runs the fine-tuned encoder in the same pipeline
    encoders = [pipe for pipe in (ENCODER_PIPELINE, ENCODER_NER, ONNX_ENCODER) if pipe in nlp.pipe_names]
    return f"{name}+{encoders[0]}" if encoders else name


def annotate_batch(articles: list[Article], settings: Settings) -> list[ArticleResult]:
    """Detect the language of each article, then run its pipeline over the batch: the NLP stage.

    This is what an engine's workers run (it pickles by reference, with the settings). Pipelines are
    loaded once per process and kept, so a worker loads the model on its first batch only.

    Args:
        articles: One batch, in input order.
        settings: The run's settings (``lang``, ``languages``, ``model``, ``accurate``, ``accurate_model``).

    Returns:
        One result per article, in the same order; an article that cannot be processed gets an error
        result (the others in its batch are not affected).
    """
    results: list[ArticleResult | None] = [None] * len(articles)
    by_lang: dict[str, list[int]] = {}
    for i, article in enumerate(articles):
        try:
            lang = _choose_lang(article, settings)
        except Exception as e:  # noqa: BLE001 - one article's detection failing must not cost its batch
            results[i] = error_result(article, Errors.E212.format(type=type(e).__name__, error=e))
            continue
        if lang is None:
            results[i] = error_result(article, Errors.E213)
            continue
        article.lang = lang
        by_lang.setdefault(lang, []).append(i)
    for lang, indices in by_lang.items():
        try:
            nlp = _timed_load(lang, settings)
        except (LanguageError, ModelError) as e:
            for i in indices:
                results[i] = error_result(articles[i], str(e))
            continue
        except Exception as e:  # noqa: BLE001 - a pipeline that breaks on loading fails its language's articles only
            for i in indices:
                results[i] = error_result(articles[i], Errors.E214.format(lang=lang, type=type(e).__name__, error=e))
            continue
        name = _pipeline_name(nlp)
        batch = [articles[i] for i in indices]
        for i, result in zip(indices, _annotate(nlp, batch, name, settings)):
            results[i] = result
    return [r for r in results if r is not None]


_loading = threading.local()
"""Per thread (a Dask worker may run several): seconds spent loading pipelines so far."""


def _timed_load(lang: str, settings: Settings) -> Language:
    """:func:`load_pipeline`, its time added to this thread's loading seconds when it loaded a pipeline or failed
    to (a pipeline loaded before is taken from the process's cache and costs no loading time)."""
    loaded_before = pipelines_loaded()
    started = time.perf_counter()
    failed = True
    try:
        nlp = load_pipeline(lang, model=settings.model, fast=settings.fast, device=settings.device,
                            accurate=settings.accurate, accurate_model=settings.accurate_model,
                            accurate_onnx=settings.accurate_onnx)
        failed = False
        return nlp
    finally:
        if failed or pipelines_loaded() != loaded_before:
            _loading.seconds = getattr(_loading, "seconds", 0.0) + time.perf_counter() - started


@dataclass
class BatchOutput:
    """What a worker sends back for one batch: the results and how it spent its time."""

    results: list[ArticleResult]
    """One result per article, in batch order."""
    load_seconds: float
    """Seconds this batch spent loading pipelines (only a worker's first batch of a language loads one); a
    local worker process's first batch adds the seconds the process took to start."""
    worker: str
    """The worker process that ran it (``host:pid``)."""
    encoded: list[bytes | None] = field(default_factory=list)
    """With ``encode``: each result as the result cache stores it (:func:`~newsgraph.cache.encode_result`)."""


def process_batch(articles: list[Article], settings: Settings, *, encode: bool = False) -> BatchOutput:
    """:func:`annotate_batch` as the engines run it: the results, with the time spent loading pipelines
    measured where the loading happens (in the worker), and with ``encode`` the results encoded for the
    result cache there too, so that the process writing the cache does not spend its time on it.

    Args:
        articles: One batch, in input order.
        settings: The run's settings.
        encode: Also encode each result for the result cache.

    Returns:
        The results, their cache encodings and the batch's loading time and worker.
    """
    before = getattr(_loading, "seconds", 0.0)
    results = annotate_batch(articles, settings)
    encoded = [encode_result(result) for result in results] if encode else []
    load = getattr(_loading, "seconds", 0.0) - before + take_startup_seconds()
    return BatchOutput(results=results, load_seconds=load,
                       worker=f"{socket.gethostname()}:{os.getpid()}", encoded=encoded)


DATE_KEY = "newsgraph_date"


def make_doc(nlp: Language, article: Article) -> Doc:
    """Tokenise an article (in time linear in its length, see :mod:`newsgraph.nlp.tokenize`) and hand its
    metadata date to the components (relative time resolution).

    The Doc holds :func:`~newsgraph.nlp.convert.analysed_text`: the body, then the headline as a sentence of its
    own, so that entities, relations and events of the headline are found and merge with the body's."""
    doc = tokenize(nlp, analysed_text(article))
    offset = title_offset(article)
    if offset is not None:
        first = doc.char_span(offset, len(doc.text), alignment_mode="expand")
        if first is not None and len(first):
            doc[first.start].is_sent_start = True
    if article.date:
        doc.user_data[DATE_KEY] = article.date
    return doc


def _checked_doc(nlp: Language, article: Article, settings: Settings) -> Doc | str:
    """The article's Doc, or why it is not processed: over ``max_chars`` (checked before tokenising) or
    ``max_tokens``, or the tokenizer failed."""
    size = len(analysed_text(article))
    if size > settings.max_chars:
        return size_message(size, settings.max_chars)
    try:
        doc = make_doc(nlp, article)
    except Exception as e:  # noqa: BLE001 - reported on the record, run goes on
        return Errors.E215.format(type=type(e).__name__, error=e)
    return token_message(len(doc), settings.max_tokens) if len(doc) > settings.max_tokens else doc


def _annotate(nlp: Language, articles: list[Article], name: str, settings: Settings) -> list[ArticleResult]:
    """Run the pipeline over a batch; if the batch fails or takes longer than ``article_timeout`` seconds,
    retry one by one (each article with its own ``article_timeout``) so a single bad or slow article becomes
    an error record instead of taking its neighbours down. Articles over ``max_chars`` or ``max_tokens``
    are not processed (an error record each)."""
    checked = [_checked_doc(nlp, article, settings) for article in articles]
    results = [error_result(a, c) if isinstance(c, str) else None for a, c in zip(articles, checked)]
    todo = [(a, c) for a, c in zip(articles, checked) if isinstance(c, Doc)]
    try:
        with deadline(settings.article_timeout):
            docs = nlp.pipe(doc for _, doc in todo)
            done = iter([doc_to_result(doc, a, model=name) for (a, _), doc in zip(todo, docs)])
    except (Exception, ArticleTimeout):  # noqa: BLE001 - isolate the failing or slow article below
        done = (_annotate_one(nlp, a, name, settings.article_timeout) for a, _ in todo)
    return [result if result is not None else next(done) for result in results]


def _annotate_one(nlp: Language, article: Article, name: str, timeout: float) -> ArticleResult:
    try:
        with deadline(timeout):
            return doc_to_result(nlp(make_doc(nlp, article)), article, model=name)
    except ArticleTimeout:
        return error_result(article, timeout_message(timeout))
    except Exception as e:  # noqa: BLE001 - reported on the record, run goes on
        return error_result(article, Errors.E215.format(type=type(e).__name__, error=e))


@dataclass
class RunStats:
    """What a run did so far, filled in by :func:`extract` as results are yielded."""

    from_cache: int = 0
    """Articles whose result came from the result cache (no NLP run)."""
    processed: int = 0
    """Articles sent through the NLP stage."""
    skipped_folders: list[SkippedFolder] = field(default_factory=list)
    """Folders not read as input: the run's output folder and other newsgraph output folders met while
    walking folders or expanding globs (each once)."""
    load_seconds_by_worker: dict[str, float] = field(default_factory=dict)
    """Seconds each worker process (``host:pid``) that ran a batch spent starting (a local worker process:
    its spawn and imports) and loading pipelines."""
    startup_seconds: float = 0.0
    """Seconds this process spent starting the engine (a Dask LocalCluster with its workers, or connecting to
    a scheduler)."""

    @property
    def workers(self) -> int:
        """Worker processes that ran NLP batches (0 when every article came from the cache)."""
        return len(self.load_seconds_by_worker)

    @property
    def load_seconds(self) -> float:
        """Wall time the run spent starting workers and loading pipelines: the engine's start, then the
        workers start and load in parallel, so the longest one's."""
        return self.startup_seconds + max(self.load_seconds_by_worker.values(), default=0.0)

    def add(self, output: BatchOutput) -> None:
        """Count a processed batch's worker and loading time."""
        self.load_seconds_by_worker[output.worker] = (self.load_seconds_by_worker.get(output.worker, 0.0)
                                                      + output.load_seconds)


def extract(
    sources: Iterable[Source] | Source,
    *,
    settings: Settings | None = None,
    cache: Path | None = None,
    stats: RunStats | None = None,
    out: Path | None = None,
    **options: object,
) -> Iterator[ArticleResult]:
    """Extract entities, relations and events from articles, one ArticleResult per article.

    Articles are read, processed and yielded batch by batch, so memory stays flat however long the
    input is. With ``workers > 1`` or ``engine="dask"`` the NLP stage runs in worker processes (each loads
    the model once); results still come in input order and are the same as with one worker.

    Args:
        sources: Raw texts (``str``), files/folders/globs (``Path``), or ``Article`` objects; a single
            source may be passed on its own.
        settings: Complete settings (the CLI passes the merged settings tree).
        cache: A result cache file (SQLite, created if missing; the CLI uses
            ``OUT/newsgraph-cache.sqlite``): articles already in it with the same pipeline version skip the
            NLP, and every finished batch is committed to it, so an interrupted run resumes where it stopped.
            ``None``: no cache.
        stats: Filled in with the number of articles taken from the cache and processed, and the folders
            skipped as newsgraph output.
        out: The run's output folder (the CLI's ``-o``): never read as input. A path source that is it or
            lies inside it is refused; walks and globs leave it out (and any other newsgraph output folder).
        **options: Individual settings instead (``lang``, ``model``, ``accurate``, ``accurate_model``,
            ``max_bytes``, ``batch_size``, ``on_error``, ``languages``, ``workers``, ``engine``,
            ``scheduler``); see :class:`newsgraph.config.Settings`.

    Returns:
        An iterator over results in input order. Bad inputs and unsupported languages yield a result
        with ``error`` set (with ``on_error="fail"`` the first one raises instead). So does any
        unexpected exception while reading, detecting the language of, processing or converting one
        input: its record names the exception type and message, and the run goes on.

    Raises:
        InputPathError: a path source does not exist, a glob matches no files, or a source is (inside)
            ``out`` or is a newsgraph output folder (raised on the call, before anything is read, when
            ``sources`` is a list or tuple; a path in a stream of sources is checked when it is reached).
        ConfigError: an option is unknown or invalid; a fixed ``lang`` that no pipeline serves; ``engine="dask"``
            without the extra (raised on the call, before any article is read) or with a scheduler that cannot
            be reached.
        ModelError: German's encoder pipeline (the default) or an ``accurate_model`` cannot run: its models or
            onnxruntime are missing (raised on the call,
            before any article is read).
        CacheError: the cache file cannot be opened, read or written.
        EngineError: a worker process or the Dask cluster failed.
        NewsgraphError: with ``on_error="fail"``, for the first article that fails.

    Example:
        >>> import newsgraph
        >>> results = list(newsgraph.extract(["Angela Merkel besuchte am Montag Paris."]))
        >>> [e.name for e in results[0].entities]
    """
    opts = settings if settings is not None else settings_from_options(options)
    if opts.model is None and opts.lang != "auto" and opts.lang not in PIPELINES:
        # a language fixed for the whole run that nothing can serve: say so before reading anything
        raise ConfigError(Errors.E201.format(lang=opts.lang, supported=", ".join(sorted(PIPELINES))))
    # a missing extra or model is a setup problem of the whole run, not of one article: fail before reading
    check_mode(fast=opts.fast, accurate=opts.accurate, device=opts.device)
    for lang in (opts.languages if opts.lang == "auto" else [opts.lang]):
        if uses_encoder_pipeline(lang, model=opts.model, fast=opts.fast, accurate_model=opts.accurate_model):
            encoder_models(opts.accurate_model)
        else:
            encoder_ner_dir(lang, model=opts.model, fast=opts.fast, accurate=opts.accurate,
                            accurate_model=opts.accurate_model, accurate_onnx=opts.accurate_onnx)
    if opts.lang == "auto":
        check_languages(opts.languages)
    if opts.engine == "dask":
        check_dask()
    if isinstance(sources, (str, Path, Article)):
        sources = [sources]
    if isinstance(sources, Sequence):
        check_sources([s for s in sources if isinstance(s, Path)], out=out)
    else:  # a stream of sources is not held in memory: its paths are checked as they come
        sources = _checked_paths(sources, out)
    return _extract(sources, opts, cache, stats if stats is not None else RunStats(), out)


def _checked_paths(sources: Iterable[Source], out: Path | None) -> Iterator[Source]:
    for source in sources:
        if isinstance(source, Path):
            check_sources([source], out=out)
        yield source


@dataclass
class _Batch:
    """One batch on its way through the engine: results known up front (bad inputs, cache hits) by
    position, and the positions of the articles sent to the NLP stage, with their cache keys."""

    done: dict[int, ArticleResult]
    todo: list[int]
    keys: list[str]
    size: int
    cached: int


def _plan(items: list[Article | InputError], cache: ResultCache | None) -> tuple[_Batch, list[Article]]:
    done: dict[int, ArticleResult] = {}
    articles: dict[int, Article] = {}
    for i, item in enumerate(items):
        if isinstance(item, InputError):
            done[i] = _input_error_result(item)
        else:
            articles[i] = item
    keys = {i: article_key(article) for i, article in articles.items()} if cache is not None else {}
    found = cache.get(list(keys.values())) if cache is not None else {}
    done.update({i: found[keys[i]] for i in articles if keys.get(i) in found})
    todo = [i for i in articles if i not in done]
    batch = _Batch(done=done, todo=todo, keys=[keys[i] for i in todo] if keys else [], size=len(items),
                   cached=len(articles) - len(todo))
    return batch, [articles[i] for i in todo]


PARALLEL_TASK_ARTICLES = 4
"""With several workers (or Dask), a batch goes to the workers as tasks of at most this many articles: at the
end of a run one worker can be busy with the last task while the others have run out of work, so a task
must be short (4 articles take about a second on the encoder pipeline; 16 took 4 s, 64 a quarter
minute), and tasks this small cost no more CPU per article than whole batches (the encoder runs each
Doc on its own). Results do not depend on how articles are grouped for the NLP (the tests compare 1 and 2
workers, the benchmark 100 articles in batches of 32 and 4)."""


def _tasks(planned: Iterable[tuple[_Batch, list[Article]]], size: int
           ) -> Iterator[tuple[tuple[_Batch, bool], list[Article]]]:
    """The engine's tasks: each batch's articles for the NLP in chunks of ``size`` (one empty task for a batch
    that needs none), keyed by the batch and whether the chunk is its last."""
    for batch, fresh in planned:
        starts = range(0, len(fresh), size) or range(1)
        for start in starts:
            yield (batch, start == starts[-1]), fresh[start:start + size]


def _started_engine(opts: Settings, stats: RunStats) -> Engine:
    """The run's engine; the seconds its start takes here (a Dask LocalCluster's) count as loading."""
    started = time.perf_counter()
    engine = make_engine(opts, preload=(__name__,))
    stats.startup_seconds += time.perf_counter() - started
    return engine


def _extract(sources: Iterable[Source], opts: Settings, cache_path: Path | None, stats: RunStats,
             out: Path | None) -> Iterator[ArticleResult]:
    stream = iter_articles(sources, max_bytes=opts.max_bytes, exclude=[out] if out is not None else [],
                           skipped=stats.skipped_folders)
    process = partial(process_batch, settings=opts, encode=cache_path is not None)
    parallel = opts.engine == "dask" or opts.workers > 1
    task_size = min(opts.batch_size, PARALLEL_TASK_ARTICLES) if parallel else opts.batch_size
    with open_cache(cache_path, opts) as cache, closing(_started_engine(opts, stats)) as engine:
        batches = (_plan(items, cache) for items in iter(lambda: list(islice(stream, opts.batch_size)), []))
        outputs: list[BatchOutput] = []
        for (batch, last), output in engine.map(process, _tasks(batches, task_size)):
            if output is not None:
                stats.add(output)
                outputs.append(output)
            if not last:
                continue
            fresh = [result for output in outputs for result in output.results]
            if cache is not None:
                cache.put_encoded(zip(batch.keys, (blob for output in outputs for blob in output.encoded)))
                cache.commit()  # once per batch: a killed run keeps every batch it finished
            outputs = []
            stats.processed += len(fresh)
            stats.from_cache += batch.cached
            results = batch.done | dict(zip(batch.todo, fresh))
            for i in range(batch.size):
                result = results[i]
                if result.error and opts.on_error == "fail":
                    raise NewsgraphError(result.error)
                yield result


def paths_to_sources(paths: Iterable[str]) -> list[Source]:
    """CLI arguments to sources: every argument names a file, folder, glob, or ``-`` (stdin)."""
    return [Path(p) for p in paths]


__all__ = ["extract", "annotate_batch", "BatchOutput", "error_result", "iter_articles", "paths_to_sources",
           "process_batch", "RunStats"]
