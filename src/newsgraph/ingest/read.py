"""The loader: files, folders, globs and stdin in many formats and encodings become Article records."""

from __future__ import annotations

import codecs
import glob
import hashlib
import json
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from newsgraph.errors import ConfigError, Errors, InputError, InputPathError
from newsgraph.ingest.warc import WarcPage, is_warc, read_warc
from newsgraph.records import CONTROL_CHARS, Article, replace_control_chars

KNOWN_SUFFIXES = (".txt", ".md", ".json", ".jsonl", ".html", ".htm", ".warc", ".warc.gz")
"""Extensions picked up when walking a folder (explicitly named files are read whatever their name)."""

_KINDS = {".json": "json", ".jsonl": "jsonl", ".html": "html", ".htm": "html"}  # anything else: plain text
_BOMS = (  # UTF-32 first: its LE BOM starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
)
_UTF8_BOM = b"\xef\xbb\xbf"
_META_FIELDS = ("title", "date", "url", "source", "lang")
_MD_HEADING = re.compile(r"#{1,6}[ \t]+(.+?)[ \t#]*")
_SETEXT_RULE = re.compile(r"(=+|-+)[ \t]*")
_GLOB_CHARS = re.compile(r"[*?[]")
Result = Article | InputError

OUTPUT_MARKERS = ("newsgraph-manifest.json", "newsgraph-cache.sqlite")
"""Files only a newsgraph output folder holds (the manifest, the result cache): such a folder is never read."""
OUTPUT_RECORDS = ("articles.jsonl", "entities.jsonl")
"""The record files of an output folder: side by side, and holding records, they mark one too."""
OUTPUT_FILES = (*OUTPUT_RECORDS, "graph.graphml", "graph.json", "graph.gexf", "graph.html", "graph.ttl", "graph.jsonld",
                *(f"{table}.parquet" for table in ("articles", "mentions", "entities", "relations", "events",
                                                   "event_arguments")))
"""The other files a run writes in its output folder: named as input, they are refused (see ``check_sources``)."""


@dataclass(frozen=True)
class SkippedFolder:
    """A folder that was not read as input because it holds newsgraph output."""

    path: str
    """The folder, as reached from the named input."""
    reason: str
    """Why: ``"the output folder of this run"`` or what marks it as another run's output folder."""

    def __str__(self) -> str:
        return f"{self.path}: skipped, {self.reason} (not read as input)"


def output_folder_reason(folder: str | Path) -> str | None:
    """Why ``folder`` is a newsgraph output folder, or None when it is not one.

    A folder holding ``newsgraph-manifest.json`` or ``newsgraph-cache.sqlite`` is one, and so is a folder
    with ``articles.jsonl`` and ``entities.jsonl`` side by side whose ``articles.jsonl`` starts with a
    newsgraph record (or is empty): a corpus file that happens to be called ``articles.jsonl`` is not.

    Args:
        folder: The folder to look at.

    Returns:
        A phrase such as ``"a newsgraph output folder (it holds newsgraph-cache.sqlite)"``, or None.
    """
    folder = Path(folder)
    for name in OUTPUT_MARKERS:
        if os.path.lexists(folder / name):
            return f"a newsgraph output folder (it holds {name})"
    articles, entities = (folder / name for name in OUTPUT_RECORDS)
    if articles.is_file() and entities.is_file() and _starts_with_record(articles):
        return f"a newsgraph output folder (it holds {' and '.join(OUTPUT_RECORDS)})"
    return None


def _starts_with_record(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            first = handle.readline(1 << 16)
    except OSError:
        return False
    if not first.strip():
        return True  # an output of a run without articles
    try:
        record = json.loads(first)
    except (ValueError, RecursionError):
        return False
    return isinstance(record, dict) and "schema_version" in record and isinstance(record.get("article"), dict)


class _Folders:
    """Which folders a walk or a glob leaves out (the run's output folder and any newsgraph output
    folder), each reported once in ``skipped``."""

    def __init__(self, exclude: Iterable[str | Path], skipped: list[SkippedFolder] | None) -> None:
        self.exclude = {os.path.realpath(folder) for folder in exclude}
        self.skipped = skipped if skipped is not None else []
        self._verdicts: dict[str, bool] = {}

    def skips(self, folder: str | Path) -> bool:
        real = os.path.realpath(folder)
        if real not in self._verdicts:
            reason = "the output folder of this run" if real in self.exclude else output_folder_reason(folder)
            self._verdicts[real] = reason is not None
            reported = {os.path.realpath(s.path) for s in self.skipped}  # the caller may pass one list to many calls
            if reason is not None and real not in reported:
                self.skipped.append(SkippedFolder(str(folder), reason))
        return self._verdicts[real]

    def hides(self, file: str, root: Path) -> bool:
        """True when a folder between ``root`` (a glob's fixed start) and ``file`` is skipped."""
        folder = Path(file).parent
        chain = [folder, *folder.parents]
        inside = chain[: chain.index(root) + 1] if root in chain else chain[:1]
        return any(self.skips(part) for part in reversed(inside))


def check_sources(sources: Iterable[str | Path], *, out: str | Path | None = None) -> None:
    """Check, before anything is read, that every named input can be read as articles.

    Args:
        sources: Paths, folders, glob patterns, or ``-`` for stdin.
        out: The run's output folder: a source that is it, a folder inside it, a pattern searching it, or a
            file newsgraph writes in it is refused (another file in it, named on its own, is read as named).

    Raises:
        InputPathError: Naming every source that does not exist, a pattern that matches no files (outside
            newsgraph output folders), the output folder of the run (or a path inside it), or a folder that
            is itself a newsgraph output folder.
    """
    folders = _Folders([out] if out is not None else [], None)
    problems = [(str(source), problem) for source in sources
                if (problem := _source_problem(str(source), out, folders)) is not None]
    if problems:
        missing = any(problem.startswith(("no such", "pattern")) for _, problem in problems)
        raise InputPathError(problems, hint=MISSING_HINT if missing else "")


MISSING_HINT = Errors.E102


def _source_problem(source: str, out: str | Path | None, folders: _Folders) -> str | None:
    if source == "-":
        return None
    path = Path(source)
    pattern = bool(_GLOB_CHARS.search(source)) and not os.path.lexists(path)
    if out is not None and (problem := _reads_output(source, pattern, Path(out))):
        return problem
    if os.path.lexists(path):
        reason = output_folder_reason(path) if path.is_dir() else None
        return Errors.E125.format(reason=reason) if reason else None
    if not pattern:
        return Errors.E126
    if _glob_files(source, folders):
        return None
    skipped = " outside newsgraph output folders" if folders.skipped else ""
    return Errors.E127.format(skipped=skipped)


def _reads_output(source: str, pattern: bool, out: Path) -> str | None:
    """Why reading ``source`` would read the run's own output folder, or None. A file of the user's that
    merely lies in the output folder (``a.txt -o .``) is read as named; the files newsgraph writes there,
    the folder itself, folders inside it and patterns searching it are not."""
    path = _glob_root(source) if pattern else Path(source)
    if not _within(path, out):
        return None
    if pattern:
        what = "searches"
    elif path.is_dir():
        what = "is" if os.path.realpath(path) == os.path.realpath(out) else "is inside"
    elif path.name in OUTPUT_FILES or path.name.startswith(OUTPUT_MARKERS):
        what = "is a file newsgraph writes in"
    else:
        return None
    return Errors.E128.format(what=what, out=out)


def _within(path: Path, folder: Path) -> bool:
    inner, outer = os.path.realpath(path), os.path.realpath(folder)
    return inner == outer or inner.startswith(outer.rstrip(os.sep) + os.sep)


def _glob_root(pattern: str) -> Path:
    """The fixed folder a glob pattern starts from (``.`` for ``*.txt``)."""
    parts = Path(pattern).parts
    fixed = parts[: next((i for i, part in enumerate(parts) if _GLOB_CHARS.search(part)), len(parts))]
    return Path(*fixed) if fixed else Path(".")


def _glob_files(pattern: str, folders: _Folders) -> list[str]:
    root = _glob_root(pattern)
    return sorted(m for m in glob.glob(pattern, recursive=True) if _is_file(m) and not folders.hides(m, root))


def read_articles(
    sources: Iterable[str | Path] | str | Path,
    *,
    max_bytes: int = 10_000_000,
    on_error: Literal["raise", "collect"] = "raise",
    lang: str | None = None,
    exclude: Iterable[str | Path] = (),
    skipped: list[SkippedFolder] | None = None,
) -> Iterator[Article | InputError]:
    """Read articles from files, folders, glob patterns and stdin, in a deterministic order.

    Folders are walked recursively in sorted order, keeping files with a known extension
    (``.txt .md .json .jsonl .html .htm .warc .warc.gz``) and skipping hidden files and folders. Glob patterns
    (``seeds/*.txt``, ``corpus/**/*.jsonl``) select files only. ``-`` reads stdin as plain text, or as
    JSON / JSON lines when it starts with ``[`` / ``{``. A file reached twice is read once. Walks and globs
    never enter the folders in ``exclude`` nor any newsgraph output folder (see
    :func:`output_folder_reason`); each folder left out is added to ``skipped`` once. A file named
    explicitly is read wherever it is.

    Whatever goes wrong reading one file (or one JSON item) is an InputError for it, unexpected exceptions
    included (then the message names the exception type); the other files are read all the same.

    Plain text and Markdown: a heading-like first line (``# Title``, or a short line without a final
    period followed by more text) becomes ``title`` and ``text`` is the rest; otherwise ``text`` is the
    whole file. JSON (an object or a list of objects) and JSON lines: ``text`` or ``body`` is required;
    ``title``, ``date``, ``url``, ``source``, ``lang`` and ``id`` are used; other fields are ignored.
    HTML: main text and metadata come from trafilatura. WARC (``.warc``, ``.warc.gz``; the ``warc`` extra):
    each HTML response record is read as an HTML file, with ``url`` and ``date`` from the record headers
    (see :mod:`newsgraph.ingest.warc`). Text is NFC-normalised with ``\\n`` line ends.

    Ids are ``<file-stem>-<hash>`` (``<file-stem>#<line>-<hash>`` for JSON items), the hash covering
    the text and the file's path from its source (the folder given, a glob's fixed start, or the file's own
    folder), so a re-run gives the same ids, and so does the same corpus moved to or named from another
    folder; an explicit ``id`` field is kept as it is.
    A repeated id within one call gets ``-2``, ``-3`` ... and a warning on the article.

    Args:
        sources: One source or several: paths, folders, glob patterns, or ``-`` for stdin.
        max_bytes: Files larger than this are rejected with an InputError. A ``.jsonl`` file is streamed
            line by line (never held in memory whole), and the limit applies to each line instead.
        on_error: ``"raise"`` raises the first InputError; ``"collect"`` yields it in the place of the
            article(s) it stands for and goes on reading.
        lang: Language code set on every article; it overrides a ``lang`` field in the metadata.
        exclude: Folders never read (the run's output folder).
        skipped: A list the folders left out are appended to, as :class:`SkippedFolder`.

    Returns:
        An iterator of Articles, with InputErrors in between when ``on_error="collect"``.

    Raises:
        InputError: A source cannot be read (only with ``on_error="raise"``).
        ConfigError: ``on_error`` or ``max_bytes`` has a bad value.

    Example:
        >>> for article in read_articles(["seeds/", "extra/*.jsonl"], on_error="collect"):
        ...     print(article.id if isinstance(article, Article) else f"skipped: {article}")
    """
    if on_error not in ("raise", "collect"):
        raise ConfigError(Errors.E011.format(on_error=on_error))
    if max_bytes < 1:
        raise ConfigError(Errors.E012.format(max_bytes=max_bytes))
    sources = [sources] if isinstance(sources, (str, Path)) else sources
    folders = _Folders(exclude, skipped)
    return _stream(sources, max_bytes, on_error, lang.strip() if lang else None, folders)  # options checked eagerly


def list_files(sources: Iterable[str | Path], *, exclude: Iterable[str | Path] = ()) -> Iterator[str]:
    """The files :func:`read_articles` would read for ``sources``, in its order (``-`` as itself); sources
    that name no file are left out. For counting the input before a run (:mod:`newsgraph.ingest.count`).

    Args:
        sources: Paths, folders, glob patterns, or ``-``.
        exclude: Folders never read (the run's output folder).

    Yields:
        File paths as strings, each once.
    """
    folders, seen = _Folders(exclude, None), set()
    for source in sources:
        paths = ["-"] if str(source) == "-" else _expand(str(source), folders)
        for path in paths:
            if isinstance(path, str) and (path == "-" or os.path.realpath(path) not in seen):
                seen.add(path if path == "-" else os.path.realpath(path))
                yield path


def _stream(sources: Iterable[str | Path], max_bytes: int, on_error: str, lang: str | None,
            folders: _Folders) -> Iterator[Result]:
    used_ids: set[str] = set()
    for item in _read_sources(sources, max_bytes, lang, folders):
        if isinstance(item, InputError):
            if on_error == "raise":
                raise item
        else:
            _make_unique(item, used_ids)
        yield item


def article_from_text(
    text: str, *, title: str | None = None, lang: str | None = None, id: str | None = None
) -> Article:
    """Make an Article from a string, normalised like a file's text (no title detection).

    Args:
        text: The article text.
        title: Optional headline.
        lang: Optional language code.
        id: Optional id; by default ``text-<hash of the text>``.

    Returns:
        The Article.

    Raises:
        InputError: The text is not a string or is empty.
    """
    if not isinstance(text, str):
        raise InputError(Errors.E103.format(type=type(text).__name__))
    text = _clean_text(text)
    if not text:
        raise InputError(Errors.E104)
    return Article(id=id or f"text-{_digest(None, text)}", text=text, title=_clean_inline(title), date=None,
                   url=None, source=None, lang=lang.strip() if lang else None, path=None, line=None)


def _read_sources(sources: Iterable[str | Path], max_bytes: int, lang: str | None,
                  folders: _Folders) -> Iterator[Result]:
    seen: set[str] = set()
    for source in sources:
        if str(source) == "-":
            yield from _guarded(_read_stdin(max_bytes, lang), "-")
            continue
        root = _source_root(str(source))
        for path in _expand(str(source), folders):
            if isinstance(path, InputError):
                yield path
                continue
            key = os.path.realpath(path)
            if key not in seen:
                seen.add(key)
                for item in _guarded(_read_file(path, max_bytes, lang), path):
                    yield _rekeyed(item, os.path.relpath(path, root)) if isinstance(item, Article) else item


def _source_root(source: str) -> str:
    """The folder a source's files are named from in article ids: the folder itself, a glob's fixed start, or
    a file's own folder; so the ids stay the same when the corpus folder moves or is named another way."""
    if os.path.isdir(source):
        return source
    if _GLOB_CHARS.search(source) and not os.path.lexists(source):
        return str(_glob_root(source))
    return os.path.dirname(source) or "."


def _rekeyed(article: Article, relative: str) -> Article:
    """``article`` with its generated id made from ``relative`` (its path from the source root) instead of the
    path as given; an id the input set explicitly is kept."""
    if relative == article.path or article.path is None or article.id != _generated_id(article.path, article.line, article.text):
        return article
    return article.model_copy(update={"id": _generated_id(relative, article.line, article.text)})


def _guarded(items: Iterator[Result], path: str) -> Iterator[Result]:
    """The items of one file's reader; an unexpected exception in it (a parser's bug, a missing optional
    dependency of the HTML extractor) becomes an InputError for that file instead of ending the run."""
    last: int | None = None
    try:
        for item in items:
            last = item.line
            yield item
    except Exception as e:  # noqa: BLE001 - one unreadable file must not cost the others; reported, not hidden
        where = f" after line {last}" if last is not None else ""
        yield _unexpected(e, path, None, f"while reading{where}")


def _unexpected(error: Exception, path: str, line: int | None, doing: str) -> InputError:
    return _error(Errors.E124.format(doing=doing, type=type(error).__name__, error=error), path, line, cause=error)


def _expand(source: str, folders: _Folders) -> Iterator[str | InputError]:
    """The files a source names, or the InputError that says why it names none."""
    path = Path(source)
    if path.is_dir():
        files = _walk(path, folders)
        if not files:
            yield InputError(Errors.E106.format(suffixes=", ".join(KNOWN_SUFFIXES)), path=source)
        yield from files
    elif path.exists() or path.is_symlink() or not _GLOB_CHARS.search(source):
        yield source  # a missing or unreadable file is reported when it is opened
    else:
        matches = _glob_files(source, folders)
        yield from matches if matches else [InputError(Errors.E107, path=source)]


def _walk(folder: Path, folders: _Folders) -> list[str]:
    found: list[Path] = []
    if folders.skips(folder):
        return []
    for dirpath, dirnames, filenames in os.walk(folder):
        # sorted: folders are skipped (and reported) in the same order on every file system
        dirnames[:] = [d for d in sorted(dirnames) if not d.startswith(".") and not folders.skips(Path(dirpath, d))]
        for name in filenames:
            file = Path(dirpath, name)
            if not name.startswith(".") and (file.suffix.lower() in KNOWN_SUFFIXES or is_warc(name)) and _is_file(file):
                found.append(file)
    return [str(f) for f in sorted(found, key=lambda f: f.parts)]


def _is_file(path: str | Path) -> bool:
    """A regular file, or a broken symlink (kept so that it is reported rather than silently missing)."""
    return os.path.isfile(path) or not os.path.exists(path)


def _read_file(path: str, max_bytes: int, lang: str | None) -> Iterator[Result]:
    if is_warc(path):  # a crawl file of any size: max_bytes limits each page instead
        yield from read_warc(path, max_bytes, lambda page: _warc_article(page, path, lang))
        return
    if Path(path).suffix.lower() == ".jsonl":
        yield from _read_jsonl_file(path, max_bytes, lang)
        return
    try:
        info = os.stat(path)
        if info.st_size > max_bytes and stat.S_ISREG(info.st_mode):
            yield _too_big(info.st_size, max_bytes, path)
            return
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as e:
        reason = e.strerror.lower() if e.strerror else str(e)
        if isinstance(e, FileNotFoundError) and os.path.islink(path):
            reason += f" (broken symbolic link to {os.readlink(path)})"
        yield _error(reason, path, cause=e)
        return
    if len(data) > max_bytes:
        yield _too_big(None, max_bytes, path, regular=stat.S_ISREG(info.st_mode))
        return
    yield from _parse(data, path, _KINDS.get(Path(path).suffix.lower(), "txt"), lang)


def _read_jsonl_file(path: str, max_bytes: int, lang: str | None) -> Iterator[Result]:
    """A JSON lines file, one line at a time, so that a corpus file of any size is never held in memory;
    ``max_bytes`` limits each line (one article) instead of the file. Decoding, line numbers and errors
    are those of the whole-file reader: UTF-8 unless some byte sequence is invalid, then cp1252 for the
    whole file (found in a first pass); a UTF-16/32 file (BOM) is read whole, under the file limit."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(8192)
            bom = next((enc for mark, enc in _BOMS if head.startswith(mark)), None)
            if bom not in (None, "utf-8-sig"):
                handle.seek(0)
                data = handle.read(max_bytes + 1)
                if len(data) > max_bytes:
                    info = os.stat(path)
                    regular = stat.S_ISREG(info.st_mode)
                    yield _too_big(info.st_size if regular else None, max_bytes, path, regular=regular)
                else:
                    yield from _parse(data, path, "jsonl", lang)
                return
            if bom is None and b"\x00" in head:
                yield _error(Errors.E109, path)
                return
            handle.seek(0)
            decoded = _sniff_utf8(handle, path, bom is not None)
            if isinstance(decoded, InputError):
                yield decoded
                return
            handle.seek(len(_UTF8_BOM) if bom else 0)
            yield from _stream_jsonl(handle, path, decoded, max_bytes, lang)
    except OSError as e:
        reason = e.strerror.lower() if e.strerror else str(e)
        if isinstance(e, FileNotFoundError) and os.path.islink(path):
            reason += f" (broken symbolic link to {os.readlink(path)})"
        yield _error(reason, path, cause=e)


def _sniff_utf8(handle: IO[bytes], path: str, has_bom: bool) -> tuple[str, list[str]] | InputError:
    """The encoding the whole-file reader would choose (``utf-8`` or ``cp1252`` with a warning), read in chunks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := handle.read(1 << 16):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as e:
        if has_bom:
            return _error(Errors.E111.format(encoding="UTF-8", reason=e.reason), path, cause=e)
        return "cp1252", ["not valid UTF-8; decoded as cp1252"]
    return "utf-8", []


def _stream_jsonl(handle: IO[bytes], path: str, decoded: tuple[str, list[str]], max_bytes: int,
                  lang: str | None) -> Iterator[Result]:
    encoding, warnings = decoded
    number, content, first = 0, False, True
    while raw := handle.readline(max_bytes + 2):  # the line, its \r\n, and one byte to tell it is too long
        body = raw.removesuffix(b"\n").removesuffix(b"\r")
        if len(body) > max_bytes:
            number += 1
            content = True
            while not raw.endswith(b"\n") and (raw := handle.readline(1 << 16)):
                pass  # skip the rest of the long line
            yield _error(Errors.E112.format(limit=_size(max_bytes)), path, number)
            continue
        line = body.decode(encoding, errors="replace")
        if first:
            line, first = line.lstrip("\ufeff"), False
        # lone \r ends a line too, as in the whole-file reader
        for piece in line.split("\r"):
            number += 1
            if not piece.strip():
                continue
            content = True
            yield _jsonl_record(piece, path, number, lang, warnings)
    if not content:
        yield _error(Errors.E108, path)


def _read_stdin(max_bytes: int, lang: str | None) -> Iterator[Result]:
    buffer = getattr(sys.stdin, "buffer", None)
    data = buffer.read(max_bytes + 1) if buffer is not None else sys.stdin.read().encode()
    if len(data) > max_bytes:
        yield _too_big(None, max_bytes, "-")
        return
    yield from _parse(data, "-", None, lang)


def _too_big(size: int | None, limit: int, path: str, *, regular: bool = True) -> InputError:
    """The limit error, saying only what is known: a regular file's size (``size``), or that more than the
    limit could be read (stdin, a growing file); a device or pipe that gives more is not an article file."""
    if not regular:
        return _error(Errors.E114.format(limit=_size(limit)), path)
    what = (f"file is {_size(size)}, over" if size is not None
            else "input is larger than" if path == "-" else "file is larger than")
    return _error(Errors.E113.format(what=what, limit=_size(limit)), path)


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n / 1e3:.1f} KB" if n >= 1000 else f"{n} bytes"


def _parse(data: bytes, path: str, kind: str | None, lang: str | None) -> Iterator[Result]:
    try:
        raw, warnings = _decode(data, path)
    except InputError as e:
        yield e
        return
    if kind is None:  # stdin: plain text unless it looks like JSON
        first = raw.lstrip()[:1]
        kind = "json" if first == "[" or (first == "{" and _is_json(raw)) else "jsonl" if first == "{" else "txt"
    if kind in ("json", "jsonl"):
        yield from _parse_json(raw, path, kind, lang, warnings)
    elif kind == "html":
        yield _parse_html(raw, path, lang, warnings)
    else:
        title, text = _split_title(_clean_text(raw, warnings))
        yield _article(text, path=path, title=title, lang=lang, warnings=warnings)


def _decode(data: bytes, path: str) -> tuple[str, list[str]]:
    """Bytes → str by BOM, else strict UTF-8, else cp1252 with a warning; empty and binary are errors."""
    if not data.strip():
        raise _error(Errors.E108, path)
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    if encoding is None and b"\x00" in data[:8192]:
        raise _error(Errors.E109, path)
    warnings: list[str] = []
    try:
        text = data.decode(encoding or "utf-8")
    except UnicodeDecodeError as e:
        if encoding is not None:
            name = encoding.upper().removesuffix("-SIG")
            raise _error(Errors.E111.format(encoding=name, reason=e.reason), path, cause=e) from e
        text = data.decode("cp1252", errors="replace")  # cp1252 leaves 5 bytes undefined
        warnings.append("not valid UTF-8; decoded as cp1252")
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise _error(Errors.E108, path)
    if _looks_binary(text):
        raise _error(Errors.E110, path)
    return text, warnings


def _looks_binary(text: str) -> bool:
    """More than 1 % control or undecodable characters in the first 8,192: not an article. Text files
    have none, or a stray one that the Article record turns into a space."""
    head = text[:8192]
    odd = len(CONTROL_CHARS.findall(head)) + head.count("\ufffd")
    return odd > max(2, len(head) // 100)


TOO_DEEP = Errors.E116


def _is_json(raw: str) -> bool:
    try:
        json.loads(raw)
    except (json.JSONDecodeError, RecursionError):
        return False
    return True


def _jsonl_record(line: str, path: str, number: int, lang: str | None, warnings: list[str]) -> Result:
    """One JSON-lines record: an article, or the error that says what is wrong on that line."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        return _error(Errors.E115.format(message=e.msg, column=e.colno), path, number, cause=e)
    except RecursionError as e:
        return _error(TOO_DEEP, path, number, cause=e)
    return _article_from_obj(obj, path, number, "", lang, warnings)


def _parse_json(raw: str, path: str, kind: str, lang: str | None, warnings: list[str]) -> Iterator[Result]:
    if kind == "jsonl":
        for number, line in enumerate(raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
            if line.strip():
                yield _jsonl_record(line, path, number, lang, warnings)
        return
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as e:
        yield _error(Errors.E115.format(message=e.msg, column=e.colno), path, e.lineno, cause=e)
        return
    except RecursionError as e:
        yield _error(TOO_DEEP, path, cause=e)
        return
    if isinstance(value, dict):
        yield _article_from_obj(value, path, None, "", lang, warnings)
    elif isinstance(value, list):
        for index, obj in enumerate(value, start=1):
            yield _article_from_obj(obj, path, index, f"item {index}: ", lang, warnings)
    else:
        yield _error(Errors.E117.format(type=_json_type(value)), path)


def _article_from_obj(obj: Any, path: str, line: int | None, where: str, lang: str | None,
                      warnings: list[str]) -> Result:
    """One JSON item as an Article, or the InputError for that item (line); the rest of the file goes on."""
    try:
        return _checked_article(obj, path, line, where, lang, warnings)
    except Exception as e:  # noqa: BLE001 - one bad item must not cost the rest of its file
        return _unexpected(e, path, line, f"{where}while reading this item")


def _checked_article(obj: Any, path: str, line: int | None, where: str, lang: str | None,
                     warnings: list[str]) -> Result:
    if not isinstance(obj, dict):
        return _error(Errors.E118.format(where=where, type=_json_type(obj)), path, line)
    text = obj.get("text") if obj.get("text") is not None else obj.get("body")
    if not isinstance(text, str) or not text.strip():
        return _error(Errors.E119.format(where=where), path, line)
    meta: dict[str, str | None] = {}
    for key in _META_FIELDS:
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            return _error(Errors.E120.format(where=where, key=key, type=_json_type(value)), path, line)
        meta[key] = _clean_inline(value)
    explicit_id = obj.get("id")
    if explicit_id is not None and (isinstance(explicit_id, bool) or not isinstance(explicit_id, (str, int))
                                    or not str(explicit_id).strip()):
        return _error(Errors.E121.format(where=where), path, line)
    return _article(_clean_text(text, warnings), path=path, line=line, warnings=warnings,
                    id=str(explicit_id).strip() if explicit_id is not None else None,
                    title=meta["title"], date=meta["date"], url=meta["url"], source=meta["source"],
                    lang=lang or meta["lang"])  # the caller's language wins over the metadata


def _parse_html(raw: str, path: str, lang: str | None, warnings: list[str]) -> Result:
    import trafilatura  # imported here: it takes a while and only HTML input needs it

    try:
        doc = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False)
    except Exception as e:  # noqa: BLE001 - a third-party parser on arbitrary input; report, go on
        return _error(Errors.E122.format(type=type(e).__name__, error=e), path, cause=e)
    # trafilatura 2 returns a Document, 1.x a dict, and None when it finds nothing
    keys = ("text", "title", "date", "url", "sitename", "language")
    found: dict[str, Any] = doc if isinstance(doc, dict) else {key: getattr(doc, key, None) for key in keys}
    text = _clean_text(found.get("text") or "")
    if not text:
        return _error(Errors.E123, path)
    title = _clean_inline(found.get("title"))
    first, _, rest = text.partition("\n")
    if title and first.strip() == title and rest.strip():
        text = rest.strip()  # trafilatura repeats the <h1> headline as the first line
    return _article(text, path=path, title=title, date=found.get("date"), url=found.get("url"),
                    source=_clean_inline(found.get("sitename")), lang=lang or _clean_inline(found.get("language")),
                    warnings=warnings)


def _warc_article(page: WarcPage, path: str, lang: str | None) -> Result:
    """A WARC file's HTML page through the HTML path; ``url`` and ``date`` come from the record headers."""
    where = f"WARC record at byte {page.offset}"
    try:
        raw, warnings = _decode_page(page, path)
    except InputError as e:
        return _error(f"{where}: {e.reason}", path, page.number)
    parsed = _parse_html(raw, path, lang, warnings)
    if isinstance(parsed, InputError):
        return _error(f"{where}: {parsed.reason}", path, page.number)
    return _article(parsed.text, path=path, line=page.number, warnings=parsed.warnings, title=parsed.title,
                    date=page.date or parsed.date, url=page.url or parsed.url, source=parsed.source,
                    lang=parsed.lang)


def _decode_page(page: WarcPage, path: str) -> tuple[str, list[str]]:
    """The charset the HTTP header names, else the file rules (BOM, UTF-8, else cp1252)."""
    if page.charset:
        try:
            text = page.payload.decode(page.charset)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown charset label: the file rules decide
        else:
            if text.strip():
                return text, []
    return _decode(page.payload, path)


def _split_title(text: str) -> tuple[str | None, str]:
    """Split off a heading-like first line: ``# Title``, a setext heading, or a short line that does not
    end like a sentence (no final period, comma, colon ...) and is followed by a blank line or by a line
    that starts a new sentence. A long or period-final first line is body text, as is a lone line."""
    first, _, rest = text.partition("\n")
    body = rest.strip("\n")
    if not body:
        return None, text
    heading = _MD_HEADING.fullmatch(first)
    if heading:
        return heading.group(1).strip(), body
    second, _, after = rest.partition("\n")
    if _SETEXT_RULE.fullmatch(second) and after.strip():
        return first.strip(), after.strip("\n")
    stripped = first.strip().rstrip("\"'»«“”‘’)]")
    looks_like_heading = (
        len(first) <= 200 and any(c.isalpha() for c in first)
        and not stripped.endswith((".", ",", ";", ":", "-", "–"))
        and (rest.startswith("\n") or not rest[:1].islower())  # a lower-case next line continues a sentence
    )
    return (first.strip(), body) if looks_like_heading else (None, text)


def _clean_text(text: str, warnings: list[str] | None = None) -> str:
    """NFC, ``\\n`` line ends, no trailing blanks on lines, at most one empty line between paragraphs;
    control characters become spaces (said in ``warnings``, if given)."""
    text = unicodedata.normalize("NFC", text.lstrip("\ufeff")).replace("\r\n", "\n").replace("\r", "\n")
    text, controls = CONTROL_CHARS.subn(" ", text)  # the Article record would do it too, but silently
    if controls and warnings is not None:
        warnings.append(f"{controls} control character{'s' if controls > 1 else ''} in the text replaced by spaces")
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _clean_inline(value: str | None) -> str | None:
    return (" ".join(replace_control_chars(unicodedata.normalize("NFC", value)).split()) or None) if value else None


def _article(text: str, *, path: str, warnings: list[str], line: int | None = None, id: str | None = None,
             title: str | None = None, date: str | None = None, url: str | None = None,
             source: str | None = None, lang: str | None = None) -> Article:
    if id is None:
        id = _generated_id(path, line, text)
    return Article(id=id, text=text, title=title, date=date, url=url, source=source, lang=lang, path=path,
                   line=line, warnings=list(warnings))


def _generated_id(path: str, line: int | None, text: str) -> str:
    """``<file-stem>-<hash>`` (``<file-stem>#<line>-<hash>`` for JSON items), the hash covering path and text."""
    return f"{_slug(path)}{f'#{line}' if line is not None else ''}-{_digest(path, text)}"


def _slug(path: str) -> str:
    if path == "-":
        return "stdin"
    slug = re.sub(r"[^\w-]+", "-", Path(path).stem.lower()).strip("-")
    return slug[:40] or "article"


def _digest(path: str | None, text: str) -> str:
    key = text if path is None else f"{Path(os.path.normpath(path)).as_posix()}\0{text}"
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:12]  # paths may hold undecodable bytes


def _make_unique(article: Article, used: set[str]) -> None:
    if article.id in used:
        base, n = article.id, 2
        while f"{base}-{n}" in used:
            n += 1
        article.id = f"{base}-{n}"
        article.warnings.append(f"duplicate id {base!r}; renamed to {article.id!r}")
    used.add(article.id)


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}
    return names.get(type(value), "a number")


def _error(reason: str, path: str, line: int | None = None, *, cause: BaseException | None = None) -> InputError:
    error = InputError(reason, path=path, line=line)
    error.__cause__ = cause
    return error
