"""Write results to disk (JSONL records, GraphML, GEXF, node-link JSON) atomically, and read them back."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter
from pydantic import ValidationError

from newsgraph.errors import ConfigError, ExportError
from newsgraph.graph import CorpusAggregate, build_graph
from newsgraph.records import ArticleResult, Entity

FORMATS: tuple[str, ...] = ("jsonl", "graphml", "json", "gexf")
"""Valid output format names; ``jsonl`` (articles.jsonl + entities.jsonl) is always written."""

ARTICLES_FILE = "articles.jsonl"
ENTITIES_FILE = "entities.jsonl"
GRAPH_FILES: dict[str, str] = {"graphml": "graph.graphml", "json": "graph.json", "gexf": "graph.gexf"}

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
    return ExportError(f"{path}: cannot {action}: {reason}. Choose an output folder you can write to.")


class _AtomicFile:
    """A temp file beside ``path`` that only replaces ``path`` on ``commit``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")

    def open_text(self) -> IO[str]:
        try:
            # newline="\n": identical bytes on every platform.
            return self.tmp.open("w", encoding="utf-8", newline="\n")
        except OSError as e:
            raise _os_error(self.path, "write", e) from e

    def commit(self) -> None:
        try:
            os.replace(self.tmp, self.path)
        except OSError as e:
            raise _os_error(self.path, "replace", e) from e

    def discard(self) -> None:
        try:
            self.tmp.unlink(missing_ok=True)
        except OSError:
            pass  # best effort while another error is already on its way up


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, but belongs to someone else
    return True


def _remove_stale_temps(out_dir: Path, names: Iterable[str]) -> None:
    """Remove the temp files of a run that was killed before it could clean up (its process is gone)."""
    if os.name != "posix":
        return  # os.kill(pid, 0) probes a process only on POSIX
    for name in names:
        for tmp in out_dir.glob(f".{name}.tmp-*"):
            pid = tmp.name.rpartition("-")[2]
            if pid.isdigit() and not _alive(int(pid)):
                try:
                    tmp.unlink()
                except OSError:
                    pass  # best effort: it is only in the way of nobody


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
        The graph formats to write, in the canonical order of ``FORMATS`` (without ``jsonl``).

    Raises:
        ConfigError: A name is not one of ``FORMATS``.
    """
    if isinstance(formats, str):
        formats = [formats]
    names = {name.strip().lower() for name in formats}
    unknown = sorted(names - set(FORMATS))
    if unknown:
        raise ConfigError(
            f"formats: unknown output format(s) {', '.join(map(repr, unknown))}; "
            f"use any of {', '.join(FORMATS)}."
        )
    return [name for name in FORMATS if name in names and name != "jsonl"]


def write_outputs(
    results: Iterable[ArticleResult],
    out_dir: Path,
    *,
    formats: Sequence[str] = ("jsonl", "graphml", "json"),
) -> ExportSummary:
    """Stream results to ``out_dir``: records as JSONL, the corpus graph in the chosen formats.

    ``results`` is iterated once; each result goes straight to ``articles.jsonl`` (input order)
    and into a CorpusAggregate, so memory does not grow with the article texts. At the end
    ``entities.jsonl`` (corpus-level entities sorted by type, name, id) and the graph files
    (``graph.graphml``, ``graph.json`` node-link JSON, ``graph.gexf``) are written.

    Every file is first written to ``.<name>.tmp-<pid>`` in ``out_dir`` and moved into place
    with ``os.replace`` only after all of them are complete; on any error the temp files are
    removed and existing outputs stay as they were (temp files of a killed run, whose process is
    gone, are removed by the next one). The same input gives byte-identical files.

    Args:
        results: ArticleResults, e.g. straight from the pipeline.
        out_dir: Output folder; created (with parents) if missing.
        formats: Any of ``FORMATS``; ``jsonl`` is always written.

    Returns:
        The paths written and counts of articles, entities by type, relations and events.

    Raises:
        ConfigError: An unknown format name (raised before anything is read or written).
        ExportError: ``out_dir`` cannot be created or a file in it cannot be written.

    Example:
        >>> from pathlib import Path
        >>> summary = write_outputs(results, Path("out"), formats=["graphml", "gexf"])  # doctest: +SKIP
        >>> summary.articles_ok, summary.entities_by_type  # doctest: +SKIP
        (120, {'GPE': 31, 'ORG': 40, 'PER': 57})
    """
    graph_formats = check_formats(formats)
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise _os_error(out_dir, "create the output folder", e) from e

    _remove_stale_temps(out_dir, [ARTICLES_FILE, ENTITIES_FILE, *GRAPH_FILES.values()])
    targets = [_AtomicFile(out_dir / ARTICLES_FILE), _AtomicFile(out_dir / ENTITIES_FILE)]
    targets += [_AtomicFile(out_dir / GRAPH_FILES[fmt]) for fmt in graph_formats]
    aggregate = CorpusAggregate()
    try:
        articles_target, entities_target = targets[0], targets[1]
        with articles_target.open_text() as handle:
            for result in results:
                _write_line(handle, result.model_dump_json(), articles_target.path)
                aggregate.add(result)

        entities = sorted(aggregate.entities(), key=lambda entity: (entity.type, entity.name, entity.id))
        with entities_target.open_text() as handle:
            for entity in entities:
                _write_line(handle, entity.model_dump_json(), entities_target.path)

        if graph_formats:
            graph = build_graph(aggregate)
            for fmt, target in zip(graph_formats, targets[2:], strict=True):
                _write_graph_file(fmt, graph, target)

        for target in targets:
            target.commit()
    except BaseException:
        # Also on KeyboardInterrupt: never leave half-written files behind.
        for target in targets:
            target.discard()
        raise

    return ExportSummary(
        paths=[target.path for target in targets],
        articles_ok=aggregate.articles_ok,
        articles_failed=aggregate.articles_failed,
        entities_by_type=dict(sorted(Counter(entity.type for entity in entities).items())),
        relations=aggregate.relation_count,
        events=aggregate.event_count,
    )


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
        raise ExportError(f"{path}: not UTF-8 ({e.reason}); is this a newsgraph output file?") from e


def _parse(model: type[Any], path: Path, number: int, line: str) -> Any:
    try:
        return model.model_validate_json(line)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "line"
        raise ExportError(
            f"{path}:{number}: not a valid {model.__name__} record ({where}: {first.get('msg', 'invalid')}); "
            "is this a newsgraph output file of the same schema version?"
        ) from e


def read_results(path: Path) -> Iterator[ArticleResult]:
    """Read the ArticleResults back from an ``articles.jsonl`` written by ``write_outputs``.

    Args:
        path: The ``articles.jsonl`` file. Blank lines are skipped.

    Yields:
        One ArticleResult per line, in file order.

    Raises:
        ExportError: The file cannot be read, or a line (named by number) is not a valid record.
    """
    for number, line in _read_jsonl(path):
        yield _parse(ArticleResult, Path(path), number, line)


def read_entities(path: Path) -> Iterator[Entity]:
    """Read the corpus-level entities back from an ``entities.jsonl`` written by ``write_outputs``.

    Args:
        path: The ``entities.jsonl`` file. Blank lines are skipped.

    Yields:
        One Entity per line, in file order.

    Raises:
        ExportError: The file cannot be read, or a line (named by number) is not a valid record.
    """
    for number, line in _read_jsonl(path):
        yield _parse(Entity, Path(path), number, line)
