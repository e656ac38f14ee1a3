"""Count the articles a run will read, cheaply and before it starts: the total of a progress bar."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from newsgraph.ingest.read import list_files
from newsgraph.ingest.warc import is_warc
from newsgraph.records import Article

_LIST_COUNT_LIMIT = 50_000_000  # a .json file larger than this is not parsed just to count its items


def count_articles(sources: Iterable[object], *, exclude: Iterable[str | Path] = ()) -> int | None:
    """How many articles (good or bad) reading ``sources`` gives, or None when that is not known cheaply.

    One per text file, page or text given directly; one per non-blank line of a ``.jsonl`` file (read, not
    parsed); the items of a ``.json`` list. Unknown (None) with stdin or a WARC file, whose records would
    have to be read to be counted. An error record counts as one article, as the run counts it.

    Args:
        sources: What :func:`newsgraph.extract` takes: paths (``Path``), texts (``str``), ``Article`` objects.
        exclude: Folders never read (the run's output folder).

    Returns:
        The count, or None.

    Example:
        >>> count_articles([Path("seeds/")])  # doctest: +SKIP
        1
    """
    total, paths = 0, []
    for source in sources:
        if isinstance(source, Path):
            paths.append(source)
        elif isinstance(source, (str, Article)):
            total += 1
        else:
            return None
    for path in list_files(paths, exclude=exclude):
        count = _count_file(path)
        if count is None:
            return None
        total += count
    return total


def _count_file(path: str) -> int | None:
    if path == "-" or is_warc(path):
        return None
    lower = path.lower()
    try:
        if lower.endswith(".jsonl"):
            with open(path, "rb") as handle:
                return sum(1 for line in handle if line.strip())
        if lower.endswith(".json") and Path(path).stat().st_size <= _LIST_COUNT_LIMIT:
            with open(path, "rb") as handle:
                value = json.load(handle)
            return len(value) if isinstance(value, list) and value else 1
    except (OSError, ValueError, RecursionError):
        return 1  # the run reports the file as one error record
    return 1
