"""The result cache: finished ArticleResults in SQLite, keyed by article content and pipeline version.

A run writes every successfully processed article to ``OUT/newsgraph-cache.sqlite`` and commits once
per batch, so a run that is killed leaves a consistent cache behind; the next run over the same input
takes those articles from the cache instead of running the NLP again (incremental runs and resume are
the same mechanism). Failed articles are never cached: they are retried on every run.

Every result is stored under its article key *and* the pipeline version that made it, and is only ever read
back by that version, so a run with other settings or another model never sees it, even when two processes
write one file. The rows of the :data:`KEEP_VERSIONS` most recently used versions are kept (switching
between, say, the default and ``--accurate`` runs stays incremental); older ones are deleted on open.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import warnings
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from newsgraph import __version__
from newsgraph.encoder.package import PACKAGE_FILE
from newsgraph.encoder.onnx_runtime import INFO_FILE as ONNX_INFO_FILE
from newsgraph.encoder.syntax_heads import META_FILE as SYNTAX_META_FILE
from newsgraph.config import Settings
from newsgraph.errors import CacheError, Errors, NewsgraphError
from newsgraph.graph.export import output_lock
from newsgraph.records import SCHEMA_VERSION, Article, ArticleResult

CACHE_FILE = "newsgraph-cache.sqlite"
"""The cache's file name inside the output folder."""

CACHE_FORMAT = "2"
"""Layout of the SQLite file; a file of another layout is rebuilt, not read (format 1 kept one pipeline
version per file, which a concurrent run with other settings could overwrite)."""

KEEP_VERSIONS = 3
"""Pipeline versions whose results a cache file keeps: the most recently opened ones."""

# Settings that change what a result contains; the rest (workers, engine, formats, ...) only change how
# or where it is computed, and must not invalidate the cache.
RESULT_SETTINGS: tuple[str, ...] = ("lang", "languages", "model", "fast", "device", "accurate", "accurate_model")

_SQL_VARIABLES = 500  # below SQLite's smallest limit on host parameters per statement (999)


def article_key(article: Article) -> str:
    """The content hash of an article as read: text and every metadata field (id, path, line, ...),
    since all of them end up in its ArticleResult.

    Args:
        article: The article before language detection.

    Returns:
        A hex SHA-256 digest.
    """
    return hashlib.sha256(article.model_dump_json().encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """A digest of newsgraph's own code and data files: any change to the components, lexicons or
    gazetteer invalidates the cache even without a version bump."""
    digest = hashlib.sha256()
    root = resources.files("newsgraph")
    stack = [root]
    files = []
    while stack:
        folder = stack.pop()
        for entry in folder.iterdir():
            if entry.is_dir():
                if entry.name not in ("__pycache__", "view", "vendor"):
                    stack.append(entry)
            elif entry.name.endswith((".py", ".json", ".tsv")):
                files.append(entry)
    for entry in sorted(files, key=lambda e: str(e)):
        digest.update(str(entry).removeprefix(str(root)).encode("utf-8"))
        digest.update(entry.read_bytes())
    return digest.hexdigest()


def _model_files_digest(folder: Path) -> str:
    digest = hashlib.sha256(str(folder.resolve()).encode("utf-8"))
    for name in ("meta.json", "config.cfg", "config.json", PACKAGE_FILE, ONNX_INFO_FILE, SYNTAX_META_FILE):
        file = folder / name
        if file.is_file():
            digest.update(file.read_bytes())
    return digest.hexdigest()


def _pipeline_folders() -> list[Path]:
    """The folders of every language's pipeline that is installed (a missing one cannot make results)."""
    from newsgraph.nlp.loading import PIPELINES, model_path

    folders = []
    for lang in sorted(PIPELINES):
        try:
            folders.append(model_path(lang))
        except NewsgraphError:
            continue
    return folders


def _accurate_folders(settings: Settings) -> list[Path]:
    """The encoder models the run uses: German's encoder pipeline (ONNX encoder and syntax heads) unless
    ``fast``, and an ``accurate_model`` NER (none of what cannot run and so makes no results)."""
    from newsgraph.nlp.loading import PIPELINES, encoder_models, encoder_ner_dir, uses_encoder_pipeline

    folders: list[Path] = []
    if uses_encoder_pipeline("de", model=settings.model, fast=settings.fast, accurate_model=settings.accurate_model):
        try:
            models = encoder_models(settings.accurate_model)
            folders += [models.encoder, models.heads]
        except NewsgraphError:
            pass
    for lang in sorted(PIPELINES):
        try:
            ner = encoder_ner_dir(lang, model=settings.model, fast=settings.fast, accurate=settings.accurate,
                                  accurate_model=settings.accurate_model, accurate_onnx=settings.accurate_onnx)
        except NewsgraphError:
            continue
        if ner is not None and ner not in folders:
            folders.append(ner)
    return folders


def pipeline_version(settings: Settings) -> str:
    """The "pipeline version" half of the cache key: everything besides the article that decides its result.

    It covers the newsgraph version, the records' schema version, a digest of newsgraph's code and data
    files, the result-relevant settings (:data:`RESULT_SETTINGS`), and the ``meta.json`` and ``config.cfg``
    of every pipeline the run may load (a retrained model has new ones), with accurate mode also the
    ``newsgraph_ner_package.json`` or ``config.json`` of its encoder NER. Not covered: model weights
    changed in place under the same meta and config; run with ``--no-cache`` after doing that.

    Args:
        settings: The run's settings.

    Returns:
        A hex SHA-256 digest.
    """
    folders = [Path(settings.model)] if settings.model is not None else _pipeline_folders()
    folders += _accurate_folders(settings)
    parts = {
        "newsgraph": __version__,
        "schema": SCHEMA_VERSION,
        "code": _code_digest(),
        "settings": {name: str(getattr(settings, name)) for name in RESULT_SETTINGS},
        "pipelines": sorted(_model_files_digest(folder) for folder in folders),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


class ResultCache:
    """ArticleResults by article key, for one pipeline version, in a SQLite file.

    Rows are keyed by ``(article key, pipeline version)`` and this object reads and writes only its own
    version's, so results of other settings or models in the same file are never served. Opening the file
    deletes the rows of versions older than the :data:`KEEP_VERSIONS` most recently opened ones. Writes
    are grouped with :meth:`put` and made durable with :meth:`commit` (once per batch).

    Args:
        path: The SQLite file; created (with its folder) if missing.
        version: :func:`pipeline_version` of the run.

    A damaged ``newsgraph-cache.sqlite`` (truncated, overwritten, not SQLite; checked with ``PRAGMA
    quick_check`` on open) is deleted and started afresh, with a ``RuntimeWarning`` and :attr:`rebuilt`
    set; a file of another name is never deleted: it is an error instead.

    Raises:
        CacheError: The file cannot be created or written (read-only, locked, disk full), or is damaged or
            not a newsgraph cache and not named ``newsgraph-cache.sqlite`` (the message says to delete it
            or run with ``--no-cache``).

    Example:
        >>> with ResultCache(Path("out/newsgraph-cache.sqlite"), version=pipeline_version(settings)) as cache:
        ...     cached = cache.get([article_key(article)])  # doctest: +SKIP
    """

    def __init__(self, path: Path, *, version: str) -> None:
        self.path = Path(path)
        self.version = version
        self.rebuilt: str | None = None
        """Why the file was found damaged and started afresh on open, or ``None``."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise self._error("cannot open", e) from e
        try:
            self._db = self._connect()
        except sqlite3.Error as e:
            if not (_damaged(e) and self.path.name == CACHE_FILE):
                raise self._error("cannot use", e) from e
            # newsgraph's own cache file, damaged (truncated, overwritten, not SQLite): its results are only
            # a shortcut, so start a new one rather than stop the run
            self.rebuilt = " ".join(str(e).split())
            self._remove_file()
            try:
                self._db = self._connect()
            except sqlite3.Error as again:
                raise self._error("cannot use", again) from again
            warnings.warn(f"{self.path}: the result cache was damaged ({self.rebuilt}); started a new one, so "
                          "every article is processed again.", RuntimeWarning, stacklevel=2)

    def _connect(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(self.path)
        except sqlite3.Error as e:
            raise self._error("cannot open", e) from e
        try:
            self._setup(db)
        except BaseException:
            db.close()
            raise
        return db

    def _remove_file(self) -> None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            try:
                self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)
            except OSError as e:
                raise self._error("cannot replace the damaged", e) from e

    def _error(self, action: str, error: Exception) -> CacheError:
        return CacheError(Errors.E304.format(path=self.path, action=action, error=error))

    def _setup(self, db: sqlite3.Connection) -> None:
        # NORMAL: a commit survives the process being killed (only a power cut could lose the last one)
        db.execute("PRAGMA synchronous = NORMAL")
        (check,) = db.execute("PRAGMA quick_check(1)").fetchone()  # O(file size); finds broken pages up front
        if check != "ok":
            raise _Damaged(f"database disk image is malformed: {check}")
        db.execute("BEGIN IMMEDIATE")  # one process at a time sets the file up
        try:
            db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
            stored = dict(db.execute("SELECT name, value FROM meta").fetchall())
            if stored.get("format") != CACHE_FORMAT:
                db.execute("DROP TABLE IF EXISTS results")
                db.execute("DROP TABLE IF EXISTS versions")
                db.execute("DELETE FROM meta")
                db.execute("INSERT INTO meta VALUES ('format', ?)", (CACHE_FORMAT,))
            db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT NOT NULL, pipeline TEXT NOT NULL, "
                       "result BLOB NOT NULL, PRIMARY KEY (key, pipeline)) WITHOUT ROWID")
            db.execute("CREATE TABLE IF NOT EXISTS versions (pipeline TEXT PRIMARY KEY, used INTEGER NOT NULL)")
            db.execute("INSERT OR REPLACE INTO versions VALUES "
                       "(?, (SELECT COALESCE(MAX(used), 0) + 1 FROM versions))", (self.version,))
            db.execute("DELETE FROM versions WHERE pipeline NOT IN "
                       "(SELECT pipeline FROM versions ORDER BY used DESC LIMIT ?)", (KEEP_VERSIONS,))
            db.execute("DELETE FROM results WHERE pipeline NOT IN (SELECT pipeline FROM versions)")
            db.commit()
        except BaseException:
            db.rollback()
            raise

    def __enter__(self) -> ResultCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        try:
            (count,) = self._db.execute("SELECT COUNT(*) FROM results WHERE pipeline = ?",
                                        (self.version,)).fetchone()
        except sqlite3.Error as e:
            raise self._error("cannot read", e) from e
        return int(count)

    def get(self, keys: Sequence[str]) -> dict[str, ArticleResult]:
        """The cached results among ``keys`` that this pipeline version made.

        Args:
            keys: Article keys (:func:`article_key`).

        Returns:
            The results found, by key; a damaged entry is treated as missing.

        Raises:
            CacheError: The file cannot be read.
        """
        found: dict[str, ArticleResult] = {}
        try:
            for start in range(0, len(keys), _SQL_VARIABLES):
                chunk = list(keys[start:start + _SQL_VARIABLES])
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT key, result FROM results WHERE pipeline = ? AND key IN ({marks})", [self.version, *chunk]
                )
                for key, blob in rows:
                    result = _decode(blob)
                    if result is not None:
                        found[key] = result
        except sqlite3.Error as e:
            raise self._error("cannot read", e) from e
        return found

    def put(self, items: Iterable[tuple[str, ArticleResult]]) -> None:
        """Store results (only successful ones; failed articles are retried on the next run).

        Args:
            items: ``(article key, result)`` pairs; they become durable on :meth:`commit`.

        Raises:
            CacheError: The file cannot be written.
        """
        self.put_encoded((key, encode_result(result)) for key, result in items)

    def put_encoded(self, items: Iterable[tuple[str, bytes | None]]) -> None:
        """Store results encoded with :func:`encode_result` already (by the worker that made them, so the
        process that writes the cache does not encode them again).

        Args:
            items: ``(article key, encoded result)`` pairs; ``None`` (a failed article) is skipped.

        Raises:
            CacheError: The file cannot be written.
        """
        rows = [(key, self.version, blob) for key, blob in items if blob is not None]
        try:
            self._db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?)", rows)
        except sqlite3.Error as e:
            raise self._error("cannot write", e) from e

    def commit(self) -> None:
        """Make everything put so far durable.

        Raises:
            CacheError: The file cannot be written (a full disk, say).
        """
        try:
            self._db.commit()
        except sqlite3.Error as e:
            raise self._error("cannot write", e) from e

    def close(self) -> None:
        """Commit and close the file."""
        try:
            self._db.commit()
        except sqlite3.Error:
            pass  # closing after an error: what was committed per batch is what the next run gets
        self._db.close()


def encode_result(result: ArticleResult) -> bytes | None:
    """A result as the cache stores it (its JSON, zlib-compressed), or ``None`` for a failed one (never cached).

    Args:
        result: A result of the NLP stage.

    Returns:
        The bytes to store, or ``None``.
    """
    return zlib.compress(result.model_dump_json().encode("utf-8"), 1) if result.ok else None


class _Damaged(sqlite3.DatabaseError):
    """``PRAGMA quick_check`` found the file damaged."""


def _damaged(error: sqlite3.Error) -> bool:
    """Whether SQLite says the file is damaged or not a database (not: locked, read-only, disk full, ...)."""
    return isinstance(error, _Damaged) or getattr(error, "sqlite_errorname", "") in ("SQLITE_CORRUPT",
                                                                                     "SQLITE_NOTADB")


def _decode(blob: bytes) -> ArticleResult | None:
    try:
        return ArticleResult.model_validate_json(zlib.decompress(blob))
    except (zlib.error, ValidationError, ValueError):
        return None


@contextmanager
def open_cache(path: Path | None, settings: Settings) -> Iterator[ResultCache | None]:
    """A :class:`ResultCache` at ``path`` for the run's pipeline version, or ``None`` when ``path`` is ``None``.

    The cache's folder (the output folder, for the CLI) is locked while it is open (:func:`output_lock`):
    a second run on it stops with an ExportError instead of racing this one.
    """
    if path is None:
        yield None
        return
    with output_lock(Path(path).parent):
        cache = ResultCache(path, version=pipeline_version(settings))
        try:
            yield cache
        finally:
            cache.close()

