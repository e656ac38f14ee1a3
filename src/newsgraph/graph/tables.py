"""The records as tables: Parquet files (``--format parquet``); :mod:`newsgraph.graph.dataframes` reads them.

Six tables, one row per record, joined by ids. The column types are fixed here (:data:`COLUMNS`), not
inferred from the data, so a file from a run without events has the same schema as one with events, and
an empty table still has its columns. Strings are UTF-8, offsets are character offsets into the article
text (``articles.text``), as in the JSONL records.

``articles``: ``article_id``, ``title``, ``date``, ``url``, ``source``, ``lang``, ``path``, ``line``,
``text``, ``warnings`` (article and result warnings), ``error`` (null when the article was processed),
``model``. ``mentions``: one row per mention of an ok article. ``entities``: the corpus-level entities of
``entities.jsonl``. ``relations``: one row per relation, its evidence span flattened and its
``attributes`` a map. ``events``: one row per event with its trigger span; ``event_arguments``: one row per
argument, joined to ``events`` on (``article_id``, ``event_id``).

Needs the ``tables`` extra (``pip install "newsgraph[tables]"``: pyarrow and pandas).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsgraph.graph.formats import FileFormat, ResultsReader
from newsgraph.records import ArticleResult, Entity

if TYPE_CHECKING:
    import pyarrow as pa

TABLES: tuple[str, ...] = ("articles", "mentions", "entities", "relations", "events", "event_arguments")
"""The tables, in the order ``newsgraph.read`` returns them."""

PARQUET_FILES: dict[str, str] = {table: f"{table}.parquet" for table in TABLES}
"""Table → file name in the output folder."""

COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "articles": (("article_id", "string"), ("title", "string"), ("date", "string"), ("url", "string"),
                 ("source", "string"), ("lang", "string"), ("path", "string"), ("line", "int64"),
                 ("text", "string"), ("warnings", "list<string>"), ("error", "string"), ("model", "string")),
    "mentions": (("article_id", "string"), ("mention_index", "int32"), ("entity_id", "string"), ("text", "string"),
                 ("start", "int64"), ("end", "int64"), ("sentence", "int32"), ("label", "string"),
                 ("found_by", "string")),
    "entities": (("entity_id", "string"), ("name", "string"), ("type", "string"), ("aliases", "list<string>"),
                 ("articles", "list<string>"), ("mention_count", "int64")),
    "relations": (("article_id", "string"), ("relation_index", "int32"), ("source", "string"),
                  ("target", "string"), ("type", "string"), ("modality", "string"), ("evidence_text", "string"),
                  ("evidence_start", "int64"), ("evidence_end", "int64"), ("evidence_sentence", "int32"),
                  ("attributes", "map<string,string>")),
    "events": (("article_id", "string"), ("event_id", "string"), ("type", "string"), ("plover", "string"),
               ("ace", "string"), ("modality", "string"),
               ("trigger_text", "string"), ("trigger_start", "int64"), ("trigger_end", "int64"),
               ("trigger_sentence", "int32"), ("time", "string"), ("date", "string"), ("place", "string"),
               ("quote", "string")),
    "event_arguments": (("article_id", "string"), ("event_id", "string"), ("argument_index", "int32"),
                        ("role", "string"), ("entity_id", "string"), ("text", "string"), ("start", "int64"),
                        ("end", "int64")),
}
"""Each table's columns and their Arrow types: the documented, stable schema of the Parquet files."""

_BATCH_ROWS = 10_000  # rows per Parquet row group: memory stays bounded whatever the corpus size

Row = dict[str, Any]


def schema(table: str) -> pa.Schema:
    """The Arrow schema of one table.

    Args:
        table: One of :data:`TABLES`.

    Returns:
        A ``pyarrow.Schema`` with the columns and types of :data:`COLUMNS`.
    """
    import pyarrow as pa

    types = {"string": pa.string(), "int64": pa.int64(), "int32": pa.int32(), "list<string>": pa.list_(pa.string()),
             "map<string,string>": pa.map_(pa.string(), pa.string())}
    return pa.schema([pa.field(name, types[kind]) for name, kind in COLUMNS[table]])


# --- records → rows -----------------------------------------------------------------------------

def article_rows(result: ArticleResult) -> dict[str, list[Row]]:
    """The rows one result adds to each table (all but ``entities``, which is corpus-level).

    Args:
        result: One article's result.

    Returns:
        Table name → rows (dicts keyed by column).
    """
    article, article_id = result.article, result.article.id
    rows: dict[str, list[Row]] = {table: [] for table in TABLES if table != "entities"}
    rows["articles"].append({
        "article_id": article_id, "title": article.title, "date": article.date, "url": article.url,
        "source": article.source, "lang": article.lang, "path": article.path, "line": article.line,
        "text": article.text, "warnings": [*article.warnings, *result.warnings], "error": result.error,
        "model": result.model})
    rows["mentions"] = [{"article_id": article_id, "mention_index": index, "entity_id": mention.entity_id,
                         "text": mention.text, "start": mention.start, "end": mention.end,
                         "sentence": mention.sentence, "label": mention.label,
                         "found_by": mention.found_by}
                        for index, mention in enumerate(result.mentions)]
    rows["relations"] = [{"article_id": article_id, "relation_index": index, "source": relation.source,
                          "target": relation.target, "type": relation.type, "modality": relation.modality,
                          "evidence_text": relation.evidence.text, "evidence_start": relation.evidence.start,
                          "evidence_end": relation.evidence.end, "evidence_sentence": relation.evidence.sentence,
                          "attributes": sorted(relation.attributes.items())}
                         for index, relation in enumerate(result.relations)]
    for event in result.events:
        rows["events"].append({
            "article_id": article_id, "event_id": event.id, "type": event.type, "plover": event.plover,
            "ace": event.ace, "modality": event.modality,
            "trigger_text": event.trigger.text, "trigger_start": event.trigger.start,
            "trigger_end": event.trigger.end, "trigger_sentence": event.trigger.sentence, "time": event.time,
            "date": event.date, "place": event.place, "quote": event.quote})
        rows["event_arguments"].extend(
            {"article_id": article_id, "event_id": event.id, "argument_index": index, "role": argument.role,
             "entity_id": argument.entity_id, "text": argument.text, "start": argument.start, "end": argument.end}
            for index, argument in enumerate(event.arguments))
    return rows


def entity_row(entity: Entity) -> Row:
    """The ``entities`` row of a corpus-level entity."""
    return {"entity_id": entity.id, "name": entity.name, "type": entity.type, "aliases": list(entity.aliases),
            "articles": list(entity.articles), "mention_count": entity.mention_count}


def iter_batches(results: Iterable[ArticleResult], entities: Iterable[Entity]) -> Iterator[tuple[str, list[Row]]]:
    """(table, rows) pairs, at most about :data:`_BATCH_ROWS` rows each, every table at least once."""
    pending: dict[str, list[Row]] = {table: [] for table in TABLES}
    for result in results:
        for table, rows in article_rows(result).items():
            pending[table].extend(rows)
            if len(pending[table]) >= _BATCH_ROWS:
                yield table, pending[table]
                pending[table] = []
    for entity in entities:
        pending["entities"].append(entity_row(entity))
        if len(pending["entities"]) >= _BATCH_ROWS:
            yield "entities", pending["entities"]
            pending["entities"] = []
    for table in TABLES:
        yield table, pending[table]


# --- Parquet ------------------------------------------------------------------------------------

def write_parquet(results: ResultsReader, entities: Sequence[Entity], paths: Mapping[str, Path]) -> None:
    """Write the six tables as Parquet files (the ``parquet`` format of ``write_outputs``).

    Args:
        results: Reads the run's results from the start.
        entities: The corpus-level entities, in ``entities.jsonl`` order.
        paths: File name (:data:`PARQUET_FILES`) → where to write it.

    Raises:
        OSError: A file cannot be written (the export reports it as an ``ExportError``).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    writers = {table: pq.ParquetWriter(paths[PARQUET_FILES[table]], schema(table), compression="zstd")
               for table in TABLES}
    try:
        for table, rows in iter_batches(results(), entities):
            if rows:  # an empty table still gets its schema when the writer closes
                writers[table].write_table(pa.Table.from_pylist(rows, schema=schema(table)))
    finally:
        for writer in writers.values():
            writer.close()


PARQUET = FileFormat(name="parquet", files=tuple(PARQUET_FILES.values()), requires=("pyarrow",), extra="tables",
                     write=write_parquet)
"""``--format parquet``: :data:`PARQUET_FILES`."""
