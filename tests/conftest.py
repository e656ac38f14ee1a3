"""Shared fixtures: a rule-based stand-in German pipeline (no trained model needed) and paths."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import spacy


STAND_IN_PATTERNS = [
    {"label": "PER", "pattern": "John Kerry"},
    {"label": "PER", "pattern": "Kerry"},
    {"label": "PER", "pattern": "Angela Merkel"},
    {"label": "LOC", "pattern": "Paris"},
    {"label": "LOC", "pattern": "Berlin"},
    {"label": "LOC", "pattern": "Russland"},
    {"label": "ORG", "pattern": "Siemens"},
]


def build_stand_in_pipeline(path: Path) -> Path:
    """Save a blank German pipeline with a sentencizer and an entity ruler as ``path``."""
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(STAND_IN_PATTERNS)  # type: ignore[attr-defined]
    nlp.meta["name"] = "standin"
    nlp.meta["version"] = "0.0.1"
    nlp.to_disk(path)
    return path


@pytest.fixture(scope="session")
def stand_in_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models folder whose ``de_newsgraph`` is the rule-based stand-in."""
    root = tmp_path_factory.mktemp("models")
    build_stand_in_pipeline(root / "de_newsgraph")
    return root


@pytest.fixture()
def use_stand_in(stand_in_models: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point newsgraph at the stand-in models folder for one test. The stand-in takes the place of the CNN
    pipeline ``de_newsgraph``, which German runs with ``--fast``: the settings tree says so
    (``NEWSGRAPH_FAST``, for the CLI and worker processes) and German leaves the encoder pipeline, which the
    stand-in folder does not have, for this test's library calls too (nor does any language take the encoder
    NER in place of its own)."""
    from dataclasses import replace

    from newsgraph.nlp import loading

    monkeypatch.setenv("NEWSGRAPH_MODELS", str(stand_in_models))
    monkeypatch.setenv("NEWSGRAPH_FAST", "true")
    monkeypatch.setattr(loading, "ENCODER_LANGS", frozenset())
    for lang, spec in loading.PIPELINES.items():
        monkeypatch.setitem(loading.PIPELINES, lang, replace(spec, encoder_ner=False))
    yield stand_in_models


@pytest.fixture()
def without_html_cleaner(monkeypatch: pytest.MonkeyPatch) -> None:
    """Importing trafilatura fails as on a clean `pip install` without lxml_html_clean (lxml's ImportError)."""
    import sys

    class NoHtmlClean:
        def find_spec(self, name: str, *args: object) -> None:
            if name == "trafilatura":
                raise ImportError("lxml.html.clean module is now a separate project lxml_html_clean.")

    monkeypatch.delitem(sys.modules, "trafilatura", raising=False)
    monkeypatch.setattr(sys, "meta_path", [NoHtmlClean(), *sys.meta_path])
