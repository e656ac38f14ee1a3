"""The output formats beyond JSONL and the graph files: what files each writes and what it needs installed."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from newsgraph.records import ArticleResult, Entity

ResultsReader = Callable[[], Iterator[ArticleResult]]
"""Reads the run's results again from the start (they are streamed to ``articles.jsonl`` first)."""


@dataclass(frozen=True)
class FileFormat:
    """An output format written from the finished records (``--format parquet``, ``ttl``, ``jsonld``).

    Attributes:
        name: The format name given to ``--format``.
        files: The files it writes into the output folder.
        requires: Modules it imports (its optional dependencies).
        extra: The pip extra that installs them.
        write: ``write(results, entities, paths)``: writes each of ``files`` to ``paths[name]`` (a temp
            file the export switches into place with the rest of the set).
    """

    name: str
    files: tuple[str, ...]
    requires: tuple[str, ...]
    extra: str
    write: Callable[[ResultsReader, Sequence[Entity], Mapping[str, Path]], None]

    def missing(self) -> list[str]:
        """The required modules that are not installed."""
        return [module for module in self.requires if importlib.util.find_spec(module) is None]
