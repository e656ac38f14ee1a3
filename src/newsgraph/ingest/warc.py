"""WARC input: the HTML responses of a ``.warc`` / ``.warc.gz`` crawl file become Articles.

Each ``response`` record whose HTTP ``Content-Type`` is HTML goes through the same HTML path as an
``.html`` file (trafilatura); the article's ``url`` is the record's ``WARC-Target-URI`` and its ``date``
the ``WARC-Date`` (the page's own date, as trafilatura finds it, when the header has none). ``line`` is the
record's 1-based number in the file, so two pages of one file never share an id. Requests, metadata, DNS,
non-HTML responses (images, scripts, ...) and HTTP errors are skipped and counted; the count is a warning
on the file's last article, and a file without one HTML response is an error record that says what it
held. A broken record becomes an error record naming the file and the record's byte offset; reading goes
on at the next record the file holds (the records before and after it are kept).

Needs the ``warc`` extra (``pip install "newsgraph[warc]"``: warcio).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from newsgraph.errors import Errors, InputError
from newsgraph.records import Article

WARC_SUFFIXES = (".warc", ".warc.gz")
"""File names read as WARC (case-insensitive)."""

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_START = b"WARC/1."
_SCAN_CHUNK = 1 << 20


@dataclass(frozen=True)
class WarcPage:
    """An HTML response of a WARC file, before it is read as an article."""

    payload: bytes
    """The HTTP body (chunking and content encoding undone)."""
    charset: str | None
    """The charset the HTTP ``Content-Type`` names, if any."""
    url: str | None
    """``WARC-Target-URI``."""
    date: str | None
    """``WARC-Date``."""
    number: int
    """The record's 1-based number in the file."""
    offset: int
    """The record's byte offset in the file."""


PageReader = Callable[[WarcPage], "Article | InputError"]
"""Turns a page into an article (the loader's HTML path) or the error that says why not."""


def is_warc(path: str) -> bool:
    """True when ``path`` names a WARC file (``.warc`` or ``.warc.gz``)."""
    return path.lower().endswith(WARC_SUFFIXES)


def read_warc(path: str, max_bytes: int, read_page: PageReader) -> Iterator[Article | InputError]:
    """The articles of one WARC file, with error records for its broken or oversized records.

    Args:
        path: A ``.warc`` or ``.warc.gz`` file.
        max_bytes: Limit for one record's HTTP payload (``--max-bytes``); a larger page is an error record.
        read_page: Reads a page as an article (``newsgraph.ingest.read`` passes its HTML path).

    Yields:
        Articles, and InputErrors (file and record offset) for records that cannot be read.
    """
    try:
        from warcio.archiveiterator import ArchiveIterator  # noqa: F401 - only checks the extra is installed
    except ImportError:
        yield InputError(Errors.E131, path=path)
        return
    skipped: Counter[str] = Counter()
    pending: Article | None = None  # held back: the last article carries the count of skipped records
    found = 0
    try:
        with open(path, "rb") as handle:
            for item in _records(handle, path, max_bytes, read_page, skipped):
                if isinstance(item, Article):
                    found += 1
                    if pending is not None:
                        yield pending
                    pending = item
                else:
                    yield item
    except OSError as e:
        yield InputError(e.strerror.lower() if e.strerror else str(e), path=path)
    if pending is not None:
        if skipped:
            pending.warnings.append(Errors.E132.format(skipped=_describe(skipped)))
        yield pending
    elif not found and skipped:
        yield InputError(Errors.E130.format(skipped=_describe(skipped)), path=path)


def _describe(skipped: Counter[str]) -> str:
    total = sum(skipped.values())
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(skipped.items()))
    return f"{total} record{'s' if total != 1 else ''} skipped ({kinds})"


def _records(handle: IO[bytes], path: str, max_bytes: int, read_page: PageReader,
             skipped: Counter[str]) -> Iterator[Article | InputError]:
    """Every record of the file, restarting after a broken one at the next record start found."""
    from warcio.archiveiterator import ArchiveIterator

    number, start = 0, 0
    while True:
        handle.seek(start)
        records = ArchiveIterator(handle)
        offset = start
        try:
            for record in records:
                number += 1
                offset = records.offset  # the record's start (get_record_offset() would consume its payload)
                item = _record(record, path, number, offset, max_bytes, read_page, skipped)
                if item is not None:
                    yield item
            return
        except Exception as e:  # noqa: BLE001 - warcio on damaged bytes: report the record, read on
            failed_at = max(offset, getattr(records, "offset", offset))
            yield InputError(Errors.E129.format(offset=failed_at, type=type(e).__name__, error=e), path=path)
            number += 1
            resume = _next_record_start(handle, failed_at + 1, gzipped=path.lower().endswith(".gz"))
            if resume is None:
                return
            start = resume


def _next_record_start(handle: IO[bytes], after: int, *, gzipped: bool) -> int | None:
    """The offset of the next gzip member (``.warc.gz``) or ``WARC/1.`` line at or after ``after``."""
    marker = _GZIP_MAGIC if gzipped else _WARC_START
    position = after
    while True:
        handle.seek(position)
        chunk = handle.read(_SCAN_CHUNK + len(marker))
        if len(chunk) < len(marker):
            return None
        found = chunk.find(marker)
        while found != -1 and not gzipped and found > 0 and chunk[found - 1:found] != b"\n":
            found = chunk.find(marker, found + 1)  # a WARC/1. inside a page is no record start
        if found != -1:
            return position + found
        position += _SCAN_CHUNK


def _record(record: Any, path: str, number: int, offset: int, max_bytes: int, read_page: PageReader,
            skipped: Counter[str]) -> Article | InputError | None:
    """One record as an Article, an InputError, or None (skipped and counted)."""
    if record.rec_type != "response":
        skipped[str(record.rec_type)] += 1
        return None
    headers = record.http_headers
    content_type = (headers.get_header("Content-Type") or "") if headers is not None else ""
    status = headers.get_statuscode() if headers is not None else None
    if content_type.split(";")[0].strip().lower() not in _HTML_TYPES:
        skipped["non-HTML response"] += 1
        return None
    if status is not None and not str(status).startswith("2"):
        skipped[f"HTTP {status}"] += 1
        return None
    try:
        payload = record.content_stream().read(max_bytes + 1)
    except Exception as e:  # noqa: BLE001 - a damaged payload (bad chunking, bad gzip) costs only this record
        return InputError(Errors.E129.format(offset=offset, type=type(e).__name__, error=e), path=path, line=number)
    if len(payload) > max_bytes:
        limit = Errors.E113.format(what="page is larger than", limit=f"{max_bytes:,} bytes")
        return InputError(f"WARC record at byte {offset}: {limit}", path=path, line=number)
    charset = _CHARSET.search(content_type)
    page = WarcPage(payload=payload, charset=charset.group(1) if charset else None,
                    url=record.rec_headers.get_header("WARC-Target-URI"),
                    date=record.rec_headers.get_header("WARC-Date"), number=number, offset=offset)
    return read_page(page)
