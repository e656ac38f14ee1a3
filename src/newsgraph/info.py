"""What this installation has: versions, pipelines and effective settings (for ``newsgraph info``)."""

from __future__ import annotations

import json
from typing import Any

import spacy

from newsgraph import __version__
from newsgraph.nlp.loading import PIPELINES, models_dir
from newsgraph.config import load_settings


def collect_info() -> dict[str, Any]:
    """Versions, the pipeline found for each language (or why not) and the effective settings
    (defaults < ./newsgraph.toml < NEWSGRAPH_* environment)."""
    pipelines: dict[str, str] = {}
    for lang, name in sorted(PIPELINES.items()):
        meta_path = models_dir() / name / "meta.json"
        if meta_path.exists():
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            pipelines[lang] = f"{name} {meta.get('version', '?')} ({', '.join(meta.get('pipeline', []))})"
        else:
            pipelines[lang] = f"{name}: not installed (expected at {meta_path.parent})"
    return {
        "newsgraph": __version__,
        "spacy": spacy.__version__,
        "models_dir": str(models_dir()),
        "pipelines": pipelines,
        "settings": {k: str(v) for k, v in load_settings().model_dump().items()},
    }
