"""newsgraph: turn news articles (German first) into a knowledge graph.

The public API is imported lazily, so ``import newsgraph.training`` or the CLI's ``--help`` do not pay
for loading spaCy models or networkx until they are used.

Example:
    >>> import newsgraph
    >>> from pathlib import Path
    >>> results = list(newsgraph.extract(["Ein Text ...", Path("seeds/")]))
    >>> graph = newsgraph.build_graph(results)
    >>> summary = newsgraph.run([Path("seeds/")], Path("out"))  # what ``newsgraph extract seeds/ -o out`` does
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
"""The one place the version is written: pyproject.toml reads it from here (``[tool.setuptools.dynamic]``)."""

_EXPORTS = {
    "extract": "newsgraph.pipeline",
    **{name: "newsgraph.runner" for name in ("run", "RunSummary")},
    "build_graph": "newsgraph.graph.build",
    "write_outputs": "newsgraph.graph.export",
    **{name: "newsgraph.graph.dataframes" for name in ("read", "read_tables", "Tables")},
    "read_articles": "newsgraph.ingest.read",
    "load_pipeline": "newsgraph.nlp.loading",
    **{name: "newsgraph.records" for name in
       ("SCHEMA_VERSION", "Article", "ArticleResult", "Entity", "Event", "Mention", "Relation")},
    **{name: "newsgraph.errors" for name in
       ("Errors", "NewsgraphError", "ConfigError", "InputError", "LanguageError", "ModelError", "ExportError", "CacheError",
        "EngineError")},
}

if TYPE_CHECKING:
    from newsgraph.errors import (
        CacheError,
        ConfigError,
        EngineError,
        Errors,
        ExportError,
        InputError,
        LanguageError,
        ModelError,
        NewsgraphError,
    )
    from newsgraph.graph.export import write_outputs
    from newsgraph.graph.build import build_graph
    from newsgraph.graph.dataframes import Tables, read, read_tables
    from newsgraph.ingest.read import read_articles
    from newsgraph.nlp.loading import load_pipeline
    from newsgraph.pipeline import extract
    from newsgraph.records import SCHEMA_VERSION, Article, ArticleResult, Entity, Event, Mention, Relation
    from newsgraph.runner import RunSummary, run


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'newsgraph' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = ["__version__", *_EXPORTS]
