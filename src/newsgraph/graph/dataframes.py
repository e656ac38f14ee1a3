"""An output folder's records as pandas DataFrames: ``newsgraph.read(OUT)`` (columns: :mod:`newsgraph.graph.tables`)."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from newsgraph.errors import Errors, ExportError
from newsgraph.graph.export import ARTICLES_FILE, ENTITIES_FILE, read_entities, read_manifest, read_results
from newsgraph.graph.tables import PARQUET_FILES, TABLES, Row, iter_batches, schema
from newsgraph.records import Entity

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


class Tables(NamedTuple):
    """The six tables of an output folder as pandas DataFrames (columns: :data:`newsgraph.graph.tables.COLUMNS`)."""

    articles: pd.DataFrame
    mentions: pd.DataFrame
    entities: pd.DataFrame
    relations: pd.DataFrame
    events: pd.DataFrame
    event_arguments: pd.DataFrame


def read_tables(out_dir: Path | str) -> Tables:
    """The tables of an output folder as pandas DataFrames.

    Reads the Parquet files when the run wrote them (``--format parquet``), else builds the same tables,
    with the same column types, from ``articles.jsonl`` and ``entities.jsonl``.

    Args:
        out_dir: A folder written by ``newsgraph extract`` or :func:`newsgraph.write_outputs`.

    Returns:
        :class:`Tables`: ``articles``, ``mentions``, ``entities``, ``relations``, ``events``,
        ``event_arguments``.

    Raises:
        ExportError: The folder holds no newsgraph output, a file cannot be read, or pyarrow/pandas are
            not installed.

    Example:
        >>> import newsgraph
        >>> tables = newsgraph.read("newsgraph-out")  # doctest: +SKIP
        >>> tables.entities.sort_values("mention_count").tail(3)  # doctest: +SKIP
    """
    missing = [module for module in ("pyarrow", "pandas") if _not_installed(module)]
    if missing:
        raise ExportError(Errors.E411.format(missing=" and ".join(missing)))
    out_dir = Path(out_dir)
    manifest = read_manifest(out_dir)  # finishes an interrupted switch first
    written = set(manifest["files"]) if manifest is not None else set()
    if all(name in written for name in PARQUET_FILES.values()):
        return Tables(*(_read_parquet(out_dir / PARQUET_FILES[table], table) for table in TABLES))
    if not (out_dir / ARTICLES_FILE).is_file():
        raise ExportError(Errors.E413.format(path=out_dir))
    rows: dict[str, list[Row]] = {table: [] for table in TABLES}
    for table, batch in iter_batches(read_results(out_dir / ARTICLES_FILE), _entities_if_any(out_dir / ENTITIES_FILE)):
        rows[table].extend(batch)
    return Tables(*(_frame(rows[table], table) for table in TABLES))


read = read_tables
"""``newsgraph.read(out_dir)``: the same as :func:`read_tables`."""


def _not_installed(module: str) -> bool:
    return importlib.util.find_spec(module) is None


def _entities_if_any(path: Path) -> Iterator[Entity]:
    if path.is_file():
        yield from read_entities(path)


def _frame(rows: list[Row], table: str) -> pd.DataFrame:
    import pyarrow as pa

    return _pandas(pa.Table.from_pylist(rows, schema=schema(table)))


def _pandas(arrow: pa.Table) -> pd.DataFrame:
    """Integer columns stay integers with nulls (pandas' nullable dtypes), not floats."""
    import pandas as pd
    import pyarrow as pa

    return arrow.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype(), pa.int32(): pd.Int32Dtype()}.get)


def _read_parquet(path: Path, table: str) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return _pandas(pq.read_table(path, schema=schema(table)))
    except (OSError, pa.ArrowException) as e:
        raise ExportError(Errors.E412.format(path=path, error=e)) from e
