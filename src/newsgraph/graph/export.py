"""Write results to disk (JSONL records, GraphML, GEXF, node-link JSON) as one atomic set, and read them back.

An output folder always holds the files of exactly one run. Every file of a run is first written to a
temp name beside its final one and flushed to disk; then a commit journal (``.newsgraph-commit.json``,
itself written atomically) names the renames and the stale files to delete, and only then are they
carried out. Whoever opens the folder next (the next run, ``read_results``, ``newsgraph diff``,
``newsgraph view``) first finishes a journal left by a killed run (:func:`recover`): the temps it names
are complete, so rolling forward is always right. A kill -9 at any moment therefore leaves either the
complete previous set or the complete new one. ``newsgraph-manifest.json``, switched with the set,
lists the run's files (size, SHA-256) and versions. A lock (:func:`output_lock`) keeps a second writer
out of a folder while one is at work.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter
from pydantic import ValidationError

from newsgraph import __version__
from newsgraph.errors import ConfigError, Errors, ExportError
from newsgraph.graph.build import CorpusAggregate, build_graph
from newsgraph.graph.formats import FileFormat
from newsgraph.graph.rdf import JSONLD, TURTLE
from newsgraph.graph.tables import PARQUET
from newsgraph.records import SCHEMA_VERSION, ArticleResult, Entity

try:
    import fcntl
except ImportError:  # Windows: the lock falls back to an O_EXCL lock file (see output_lock)
    fcntl = None  # type: ignore[assignment]

FILE_FORMATS: dict[str, FileFormat] = {fmt.name: fmt for fmt in (PARQUET, TURTLE, JSONLD)}
"""Formats written from the finished records, each by its own module (``graph/tables.py``, ...)."""
FORMATS: tuple[str, ...] = ("jsonl", "graphml", "json", "gexf", *FILE_FORMATS)
"""Valid output format names; ``jsonl`` (articles.jsonl + entities.jsonl) is always written."""

ARTICLES_FILE = "articles.jsonl"
ENTITIES_FILE = "entities.jsonl"
GRAPH_FILES: dict[str, str] = {"graphml": "graph.graphml", "json": "graph.json", "gexf": "graph.gexf"}
VIEW_FILE = "graph.html"
"""The interactive graph page (``--html``, ``newsgraph view``)."""
MANIFEST_FILE = "newsgraph-manifest.json"
"""Lists the files of the run that wrote the folder, with sizes, SHA-256 digests and versions."""
JOURNAL_FILE = ".newsgraph-commit.json"
"""The commit journal: present only while a set of files is being switched (or after a kill during it)."""
LOCK_FILE = ".newsgraph.lock"
"""Held (``flock``) by the process writing the folder; holds its pid and start time."""

OUTPUT_FILES: tuple[str, ...] = (ARTICLES_FILE, ENTITIES_FILE, *GRAPH_FILES.values(), VIEW_FILE, MANIFEST_FILE,
                                  *(name for fmt in FILE_FORMATS.values() for name in fmt.files))
"""Every file a run may write; those a run does not write are removed in its switch (stale files)."""

MANIFEST_VERSION = 1
_JOURNAL_VERSION = 1
_TMP = re.compile(r"\.(?P<name>[^/\\]+)\.tmp-(?P<pid>[0-9]+)")
_RECOVER_WAIT = 30.0  # seconds a reader waits for a live writer to finish its switch (it takes milliseconds)

# GEXF gives these edge attribute names a meaning of its own (edge direction, time spells).
_GEXF_EDGE_RENAMES = {"type": "relation_type", "start": "start_char", "end": "end_char"}


@dataclass
class ExportSummary:
    """What ``write_outputs`` wrote."""

    paths: list[Path] = field(default_factory=list)
    articles_ok: int = 0
    articles_failed: int = 0
    entities_by_type: dict[str, int] = field(default_factory=dict)
    relations: int = 0
    events: int = 0

    @property
    def articles(self) -> int:
        """All articles written, ok or failed."""
        return self.articles_ok + self.articles_failed

    @property
    def entities(self) -> int:
        """All corpus-level entities."""
        return sum(self.entities_by_type.values())


def _os_error(path: Path, action: str, error: OSError) -> ExportError:
    reason = error.strerror or str(error)
    return ExportError(Errors.E401.format(path=path, action=action, reason=reason))


class _AtomicFile:
    """A temp file beside ``path``; :func:`_switch` moves it into place together with the rest of the set."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")

    def open_text(self) -> IO[str]:
        try:
            # newline="\n": identical bytes on every platform.
            return self.tmp.open("w", encoding="utf-8", newline="\n")
        except OSError as e:
            raise _os_error(self.path, "write", e) from e

    def discard(self) -> None:
        try:
            self.tmp.unlink(missing_ok=True)
        except OSError:
            pass  # best effort while another error is already on its way up


def _remove_stale_temps(out_dir: Path) -> None:
    """Remove the temp files a killed run left behind (the caller holds the lock and has rolled a journal
    forward, so no temp in the folder belongs to a live writer or to a committed set)."""
    try:
        entries = list(os.scandir(out_dir))
    except OSError:
        return
    for entry in entries:
        match = _TMP.fullmatch(entry.name)
        if match and match["name"] in (*OUTPUT_FILES, JOURNAL_FILE):
            try:
                os.unlink(entry.path)
            except OSError:
                pass  # best effort: it is in nobody's way


# --- the output lock ----------------------------------------------------------------------------

class _Held:
    """A lock this process holds, and how many ``output_lock`` blocks are inside it."""

    def __init__(self, fd: int, path: Path) -> None:
        self.fd, self.path, self.depth = fd, path, 1


_held: dict[tuple[int, str], _Held] = {}  # by (pid, folder): a forked child does not hold its parent's lock
_held_guard = threading.Lock()


def _make_dir(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise _os_error(out_dir, "create the output folder", e) from e


def _holder(path: Path) -> str:
    """Who holds the lock, as its lock file says (empty while the holder is still writing it)."""
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        return f" (pid {int(info['pid'])}, started {info['started']})"
    except (OSError, ValueError, KeyError, TypeError):
        return ""


class _Busy(ExportError):
    """Another process holds the output lock."""


def _busy(out_dir: Path, path: Path, hint: str = "") -> ExportError:
    return _Busy(Errors.E402.format(holder=_holder(path), out=out_dir, hint=hint))


def _stamp(fd: int) -> None:
    info = {"pid": os.getpid(), "started": datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")}
    os.ftruncate(fd, 0)
    os.write(fd, json.dumps(info).encode("utf-8") + b"\n")


def _acquire_flock(out_dir: Path, path: Path) -> int:
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise _os_error(out_dir, "lock the output folder", e) from e
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            os.close(fd)
            raise _busy(out_dir, path) from e
        except OSError as e:
            os.close(fd)
            raise _os_error(out_dir, "lock the output folder", e) from e
        # the previous holder unlinks the file when it is done: a lock on that old file locks nothing
        try:
            current = os.stat(path)
        except FileNotFoundError:
            current = None
        opened = os.fstat(fd)
        if current is not None and (current.st_ino, current.st_dev) == (opened.st_ino, opened.st_dev):
            return fd
        os.close(fd)


def _acquire_exclusive_file(out_dir: Path, path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError as e:
        raise _busy(out_dir, path, f" If no newsgraph run is active (a killed run leaves the lock behind on "
                                   f"this system), delete {path}.") from e
    except OSError as e:
        raise _os_error(out_dir, "lock the output folder", e) from e


@contextmanager
def output_lock(out_dir: Path) -> Iterator[Path]:
    """Hold the output folder's lock: the one writer of ``out_dir`` while the block runs.

    ``write_outputs``, the result cache (``extract(cache=...)``), ``write_view`` into the folder and
    ``newsgraph extract`` (for its whole run) take it. A second writer, in another process, stops at once
    with an :class:`ExportError` that names the holder's pid and start time. Within one process the lock is
    re-entrant, so the CLI can hold it around the library calls that take it again.

    The lock is ``fcntl.flock`` on ``OUT/.newsgraph.lock``, which the kernel releases when the process
    dies, so a ``kill -9`` never leaves a stale lock; the file is removed on release. Where ``fcntl`` does
    not exist (Windows), the lock is the file itself, created with ``O_EXCL``: a killed run leaves it behind
    and the message says to delete it.

    Args:
        out_dir: The output folder; created (with parents) if missing.

    Yields:
        ``out_dir`` as a ``Path``.

    Raises:
        ExportError: Another process holds the lock, or the folder cannot be created or locked.

    Example:
        >>> with output_lock(Path("out")):  # doctest: +SKIP
        ...     write_outputs(newsgraph.extract(texts, cache=Path("out/newsgraph-cache.sqlite")), Path("out"))
    """
    out_dir = Path(out_dir)
    _make_dir(out_dir)
    key = (os.getpid(), os.path.realpath(out_dir))
    with _held_guard:
        held = _held.get(key)
        if held is not None:
            held.depth += 1
        else:
            path = out_dir / LOCK_FILE
            fd = _acquire_flock(out_dir, path) if fcntl is not None else _acquire_exclusive_file(out_dir, path)
            try:
                _stamp(fd)
            except OSError:
                pass  # the pid is only for the message another run prints
            held = _held[key] = _Held(fd, path)
    try:
        yield out_dir
    finally:
        with _held_guard:
            held.depth -= 1
            if held.depth == 0:
                del _held[key]
                _release(held)


def _release(held: _Held) -> None:
    if fcntl is None:
        os.close(held.fd)  # Windows cannot delete an open file; the file itself is the lock there
    try:
        held.path.unlink()  # with flock: before unlocking, see _acquire_flock
    except OSError:
        pass  # with flock a left-over lock file holds no lock
    if fcntl is not None:
        os.close(held.fd)


# --- the switch: temps → journal → renames ------------------------------------------------------

def _fsync_dir(folder: Path) -> None:
    """Make renames in ``folder`` durable (POSIX; elsewhere a rename is as durable as the system makes it)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the renames still happened
    finally:
        os.close(fd)


def _describe(path: Path) -> dict[str, Any]:
    """Size and SHA-256 of a finished file, which is also flushed to disk here."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
        os.fsync(handle.fileno())
    return {"bytes": size, "sha256": digest.hexdigest()}


def _check_journal(data: Any, journal: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """The renames and deletes of a journal, after checking that it only names output files."""
    try:
        renames = [(str(tmp), str(final)) for tmp, final in data["rename"]]
        deletes = [str(name) for name in data["delete"]]
        valid = data["format"] == _JOURNAL_VERSION
    except (KeyError, TypeError, ValueError):
        valid = False
    if valid:
        valid = all(final in OUTPUT_FILES and (m := _TMP.fullmatch(tmp)) is not None and m["name"] == final
                    for tmp, final in renames) and all(name in OUTPUT_FILES for name in deletes)
    if not valid:
        raise ExportError(Errors.E403.format(journal=journal))
    return renames, deletes


def _roll_forward(out_dir: Path) -> None:
    """Finish the switch a journal in ``out_dir`` describes (caller holds the lock). Every step is idempotent."""
    journal = out_dir / JOURNAL_FILE
    try:
        data = json.loads(journal.read_bytes())
    except FileNotFoundError:
        return
    except (OSError, ValueError) as e:
        raise ExportError(Errors.E404.format(journal=journal, error=e)) from e
    renames, deletes = _check_journal(data, journal)
    try:
        for tmp, final in renames:
            if (out_dir / tmp).exists():
                os.replace(out_dir / tmp, out_dir / final)
        for name in deletes:
            (out_dir / name).unlink(missing_ok=True)
        _fsync_dir(out_dir)
        journal.unlink(missing_ok=True)
    except OSError as e:
        raise _os_error(out_dir, "finish switching the output files", e) from e
    _fsync_dir(out_dir)


def recover(out_dir: Path) -> None:
    """Finish switching an output folder's files if a run was killed while it switched them.

    Call it before reading an output folder (``read_results``, ``read_entities``, ``newsgraph diff`` and
    ``newsgraph view`` do): afterwards the folder holds one run's complete set of files. Without a commit
    journal in the folder this is a single ``stat``; with one, it takes the output lock (waiting for a
    live writer that is in the middle of its switch) and carries the journal out.

    Args:
        out_dir: An output folder (need not exist).

    Raises:
        ExportError: The folder has a journal that cannot be carried out (not writable, damaged), or a
            writer took longer than 30 s to finish its switch.
    """
    out_dir = Path(out_dir)
    journal = out_dir / JOURNAL_FILE
    deadline = time.monotonic() + _RECOVER_WAIT
    while os.path.lexists(journal):
        try:
            with output_lock(out_dir):
                _roll_forward(out_dir)
            return
        except _Busy:
            if not os.path.lexists(journal):
                return  # the writer we waited for finished its switch
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _write_journal(out_dir: Path, renames: Mapping[str, Path], deletes: Sequence[str]) -> None:
    journal = _AtomicFile(out_dir / JOURNAL_FILE)
    data = {"format": _JOURNAL_VERSION, "rename": [[path.name, name] for name, path in renames.items()],
            "delete": list(deletes)}
    try:
        with journal.open_text() as handle:
            json.dump(data, handle, indent=1)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(journal.tmp, journal.path)  # the commit point: from here on the folder holds the new set
    except OSError as e:
        journal.discard()
        raise _os_error(out_dir, "write the commit journal", e) from e
    _fsync_dir(out_dir)


def _manifest_text(files: Mapping[str, Mapping[str, Any]]) -> str:
    data = {"manifest": MANIFEST_VERSION, "newsgraph": __version__, "schema_version": SCHEMA_VERSION,
            "files": dict(sorted(files.items()))}
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def _switch(out_dir: Path, targets: Sequence[_AtomicFile], *, keep: Mapping[str, Mapping[str, Any]] = {}) -> None:
    """Switch ``out_dir`` to a new set: ``targets`` (complete temps) plus ``keep`` (files that stay, with
    their manifest entries), and a new manifest; every other output file goes. The caller holds the lock.

    A failure before the journal is in place discards the temps (the old set stays); after it, the journal
    stays for :func:`recover` to finish.
    """
    manifest = _AtomicFile(out_dir / MANIFEST_FILE)
    written = [*targets, manifest]
    try:
        files = {**keep, **{target.path.name: _describe(target.tmp) for target in targets}}
        with manifest.open_text() as handle:
            handle.write(_manifest_text(files))
        _describe(manifest.tmp)
        names = {target.path.name for target in written} | set(keep)
        deletes = [name for name in OUTPUT_FILES if name not in names and (out_dir / name).is_file()]
        _write_journal(out_dir, {target.path.name: target.tmp for target in written}, deletes)
    except BaseException as e:
        if not (out_dir / JOURNAL_FILE).exists():  # once the journal is in place, its temps are the new set
            for target in written:
                target.discard()
        if isinstance(e, OSError):
            raise _os_error(out_dir, "write", e) from e
        raise
    _roll_forward(out_dir)


def read_manifest(out_dir: Path) -> dict[str, Any] | None:
    """The manifest of an output folder: which files its run wrote (``files``: name → ``bytes``, ``sha256``),
    the newsgraph version and the records' schema version.

    Args:
        out_dir: An output folder; an interrupted switch is finished first (:func:`recover`).

    Returns:
        The manifest, or ``None`` when the folder has none (written by a newsgraph before 0.1.0's manifest).

    Raises:
        ExportError: The manifest cannot be read or is not valid JSON.
    """
    out_dir = Path(out_dir)
    recover(out_dir)
    path = out_dir / MANIFEST_FILE
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        raise ExportError(Errors.E405.format(path=path, error=e)) from e
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        raise ExportError(Errors.E406.format(path=path))
    return data


def replace_output_file(out_dir: Path, name: str, text: str) -> Path:
    """Add or replace one file of an output folder's set (e.g. ``graph.html``), switching it together with
    an updated manifest; the other files of the run stay.

    Args:
        out_dir: An output folder written by :func:`write_outputs`.
        name: One of :data:`OUTPUT_FILES` (not the manifest).
        text: The file's content.

    Returns:
        The path written.

    Raises:
        ExportError: The folder is locked by another run or cannot be written.
    """
    if name not in OUTPUT_FILES or name == MANIFEST_FILE:
        raise ValueError(f"{name!r} is not a file of an output set")
    out_dir = Path(out_dir)
    with output_lock(out_dir):
        _roll_forward(out_dir)
        manifest = read_manifest(out_dir)
        if manifest is not None:
            keep = {n: entry for n, entry in manifest["files"].items() if n != name and (out_dir / n).is_file()}
        else:  # a folder without a manifest: its output files as they are
            keep = {n: _describe(out_dir / n) for n in OUTPUT_FILES
                    if n not in (name, MANIFEST_FILE) and (out_dir / n).is_file()}
        target = _AtomicFile(out_dir / name)
        try:
            with target.open_text() as handle:
                handle.write(text)
        except OSError as e:
            target.discard()
            raise _os_error(target.path, "write", e) from e
        except BaseException:
            target.discard()
            raise
        _switch(out_dir, [target], keep=keep)
    return target.path


def _write_line(handle: IO[str], line: str, path: Path) -> None:
    try:
        handle.write(line)
        handle.write("\n")
    except OSError as e:
        raise _os_error(path, "write", e) from e


def _gexf_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with GEXF-safe attribute names and readable node labels."""
    copy = nx.MultiDiGraph()
    copy.graph.update(graph.graph)
    for node, data in graph.nodes(data=True):
        label = data.get("name") or data.get("title") or data.get("type") or node
        copy.add_node(node, label=str(label), **data)
    for u, v, key, data in graph.edges(keys=True, data=True):
        copy.add_edge(u, v, key=key, **{_GEXF_EDGE_RENAMES.get(name, name): value for name, value in data.items()})
    return copy


def _write_gexf(graph: nx.MultiDiGraph, path: Path) -> None:
    writer = GEXFWriter(encoding="utf-8", prettyprint=True)
    meta = writer.xml.find("meta")
    if meta is not None:
        # networkx stamps today's date here; drop it so the same input gives the same bytes.
        meta.attrib.pop("lastmodifieddate", None)
    writer.add_graph(_gexf_graph(graph))
    with path.open("wb") as handle:
        writer.write(handle)


def _write_node_link(graph: nx.MultiDiGraph, path: Path) -> None:
    data = nx.node_link_data(graph, edges="links")
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        json.dump(data, handle, sort_keys=True, ensure_ascii=False, indent=None)
        handle.write("\n")


def _write_graph_file(fmt: str, graph: nx.MultiDiGraph, target: _AtomicFile) -> None:
    try:
        if fmt == "graphml":
            nx.write_graphml(graph, target.tmp, encoding="utf-8", prettyprint=True)
        elif fmt == "json":
            _write_node_link(graph, target.tmp)
        else:
            _write_gexf(graph, target.tmp)
    except OSError as e:
        raise _os_error(target.path, "write", e) from e


def check_formats(formats: Sequence[str]) -> list[str]:
    """Validate output format names.

    Args:
        formats: Names such as ``"graphml"``; case and surrounding blanks are ignored.

    Returns:
        The formats to write besides ``jsonl``, in the canonical order of ``FORMATS``.

    Raises:
        ConfigError: A name is not one of ``FORMATS``, or a format's optional dependencies (its extra)
            are not installed.
    """
    if isinstance(formats, str):
        formats = [formats]
    names = {name.strip().lower() for name in formats}
    unknown = sorted(names - set(FORMATS))
    if unknown:
        raise ConfigError(Errors.E007.format(unknown=", ".join(map(repr, unknown)), known=", ".join(FORMATS)))
    for name in FILE_FORMATS:
        missing = FILE_FORMATS[name].missing() if name in names else []
        if missing:
            raise ConfigError(Errors.E018.format(fmt=name, missing=" and ".join(missing),
                                                 extra=FILE_FORMATS[name].extra))
    return [name for name in FORMATS if name in names and name != "jsonl"]


def write_outputs(
    results: Iterable[ArticleResult],
    out_dir: Path,
    *,
    formats: Sequence[str] = ("jsonl", "graphml", "json"),
    html: bool = False,
) -> ExportSummary:
    """Stream results to ``out_dir``: records as JSONL, the corpus graph in the chosen formats.

    ``results`` is iterated once; each result goes straight to ``articles.jsonl`` (input order)
    and into a CorpusAggregate, so memory does not grow with the article texts. At the end
    ``entities.jsonl`` (corpus-level entities sorted by type, name, id), the graph files
    (``graph.graphml``, ``graph.json`` node-link JSON, ``graph.gexf``), with ``html`` the page
    ``graph.html``, and ``newsgraph-manifest.json`` are written.

    The folder switches from the previous run's files to these as one set: each file is written to
    ``.<name>.tmp-<pid>`` and flushed, then a commit journal is put in place and the temps are renamed;
    output files the previous run wrote and this one does not (``graph.gexf``, ``graph.html``, ...) are
    removed in the same switch. A kill at any moment leaves the complete old set or (after
    :func:`recover`, which every reader and the next run call) the complete new one; on an error before
    the switch the temps are removed and the old files stay. The folder is locked while this runs
    (:func:`output_lock`). The same input gives byte-identical files.

    Args:
        results: ArticleResults, e.g. straight from the pipeline.
        out_dir: Output folder; created (with parents) if missing.
        formats: Any of ``FORMATS``; ``jsonl`` is always written.
        html: Also write ``graph.html``, the interactive page of the new results (as ``write_view`` does).

    Returns:
        The paths written (the manifest not included) and counts of articles, entities by type, relations
        and events.

    Raises:
        ConfigError: An unknown format name (raised before anything is read or written).
        ExportError: ``out_dir`` cannot be created or a file in it cannot be written, or another process
            is writing the folder.

    Example:
        >>> from pathlib import Path
        >>> summary = write_outputs(results, Path("out"), formats=["graphml", "gexf"])  # doctest: +SKIP
        >>> summary.articles_ok, summary.entities_by_type  # doctest: +SKIP
        (120, {'GPE': 31, 'ORG': 40, 'PER': 57})
    """
    checked = check_formats(formats)
    out_dir = Path(out_dir)
    with output_lock(out_dir):
        _roll_forward(out_dir)
        _remove_stale_temps(out_dir)
        return _write_set(results, out_dir, checked, html=html)


def _write_set(results: Iterable[ArticleResult], out_dir: Path, formats: Sequence[str], *, html: bool
               ) -> ExportSummary:
    graph_formats = [fmt for fmt in formats if fmt in GRAPH_FILES]
    file_formats = [FILE_FORMATS[fmt] for fmt in formats if fmt in FILE_FORMATS]
    articles_target, entities_target = _AtomicFile(out_dir / ARTICLES_FILE), _AtomicFile(out_dir / ENTITIES_FILE)
    graph_targets = [_AtomicFile(out_dir / GRAPH_FILES[fmt]) for fmt in graph_formats]
    view_target = _AtomicFile(out_dir / VIEW_FILE) if html else None
    file_targets = {name: _AtomicFile(out_dir / name) for fmt in file_formats for name in fmt.files}
    targets = [articles_target, entities_target, *graph_targets, *([view_target] if view_target else []),
               *file_targets.values()]
    aggregate = CorpusAggregate()
    try:
        with articles_target.open_text() as handle:
            for result in results:
                _write_line(handle, result.model_dump_json(), articles_target.path)
                aggregate.add(result)

        entities = sorted(aggregate.entities(), key=lambda entity: (entity.type, entity.name, entity.id))
        with entities_target.open_text() as handle:
            for entity in entities:
                # the mentions stay in articles.jsonl: a corpus-level list would grow with the corpus
                _write_line(handle, entity.model_dump_json(exclude={"mentions"}), entities_target.path)

        if graph_formats:
            graph = build_graph(aggregate)
            for fmt, target in zip(graph_formats, graph_targets, strict=True):
                _write_graph_file(fmt, graph, target)
        if view_target is not None:
            _write_view_file(out_dir, articles_target.tmp, view_target)
        for file_format in file_formats:
            _write_file_format(file_format, out_dir, articles_target.tmp, entities, file_targets)
    except BaseException:
        # Also on KeyboardInterrupt: never leave half-written files behind.
        for target in targets:
            target.discard()
        raise
    _switch(out_dir, targets)

    return ExportSummary(
        paths=[target.path for target in targets],
        articles_ok=aggregate.articles_ok,
        articles_failed=aggregate.articles_failed,
        entities_by_type=dict(sorted(Counter(entity.type for entity in entities).items())),
        relations=aggregate.relation_count,
        events=aggregate.event_count,
    )


def _write_file_format(fmt: FileFormat, out_dir: Path, articles: Path, entities: Sequence[Entity],
                       targets: Mapping[str, _AtomicFile]) -> None:
    """The files of a record format, made from the new ``articles.jsonl`` (still a temp) and the entities."""
    try:
        fmt.write(lambda: _results_in(articles), entities, {name: targets[name].tmp for name in fmt.files})
    except OSError as e:
        raise _os_error(out_dir, f"write the {fmt.name} files", e) from e


def _write_view_file(out_dir: Path, articles: Path, target: _AtomicFile) -> None:
    """The page of the new ``articles.jsonl`` (still a temp), exactly as ``write_view`` renders it."""
    from newsgraph.tools.view.page import view_page  # the page does not import this module (view.write does)

    page = view_page(_results_in(articles), out_dir)
    try:
        with target.open_text() as handle:
            handle.write(page)
    except OSError as e:
        raise _os_error(target.path, "write", e) from e


def _read_jsonl(path: Path) -> Iterator[tuple[int, str]]:
    path = Path(path)
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield number, line
    except OSError as e:
        raise _os_error(path, "read", e) from e
    except UnicodeDecodeError as e:
        raise ExportError(Errors.E407.format(path=path, reason=e.reason)) from e


def _parse(model: type[Any], path: Path, number: int, line: str) -> Any:
    try:
        return model.model_validate_json(line)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "line"
        raise ExportError(Errors.E408.format(path=path, line=number, record=model.__name__, where=where,
                                             message=first.get("msg", "invalid"))) from e


def read_results(path: Path) -> Iterator[ArticleResult]:
    """Read the ArticleResults back from an ``articles.jsonl`` written by ``write_outputs``.

    Args:
        path: The ``articles.jsonl`` file. Blank lines are skipped. A switch of its folder that a killed
            run left unfinished is finished first (:func:`recover`).

    Yields:
        One ArticleResult per line, in file order.

    Raises:
        ExportError: The file cannot be read, or a line (named by number) is not a valid record.
    """
    recover(Path(path).parent)
    yield from _results_in(path)


def _results_in(path: Path) -> Iterator[ArticleResult]:
    for number, line in _read_jsonl(path):
        yield _parse(ArticleResult, Path(path), number, line)


def read_entities(path: Path) -> Iterator[Entity]:
    """Read the corpus-level entities back from an ``entities.jsonl`` written by ``write_outputs``.

    Args:
        path: The ``entities.jsonl`` file. Blank lines are skipped. A switch of its folder that a killed
            run left unfinished is finished first (:func:`recover`).

    Yields:
        One Entity per line, in file order.

    Raises:
        ExportError: The file cannot be read, or a line (named by number) is not a valid record.
    """
    recover(Path(path).parent)
    for number, line in _read_jsonl(path):
        yield _parse(Entity, Path(path), number, line)
