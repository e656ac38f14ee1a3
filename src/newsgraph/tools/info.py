"""What this installation has: versions, pipelines and effective settings (for ``newsgraph info``)."""

from __future__ import annotations

import json
from typing import Any

import spacy

from newsgraph import __version__
from newsgraph.errors import NewsgraphError
from newsgraph.nlp.blas import describe_blas
from newsgraph.nlp.loading import PIPELINES, describe_mode, locate_model, models_dir
from newsgraph.config import load_settings


def collect_info() -> dict[str, Any]:
    """Versions, which pipeline runs German texts and on which device (the encoder pipeline, or the CNN one
    with ``fast``) and what runs each language, the pipeline found for each language with where it was found
    ($NEWSGRAPH_MODELS, the source checkout or an installed package) or why not, and the effective settings (defaults < ./newsgraph.toml <
    NEWSGRAPH_* environment)."""
    settings = load_settings()
    pipelines: dict[str, str] = {}
    for lang, spec in sorted(PIPELINES.items()):
        try:
            location = locate_model(lang)
            meta = json.loads((location.path / "meta.json").read_text(encoding="utf-8"))
        except (NewsgraphError, OSError) as e:
            pipelines[lang] = f"{spec.name}: not installed ({e})"
            continue
        pipelines[lang] = (f"{spec.name} {meta.get('version', '?')} ({', '.join(meta.get('pipeline', []))}); "
                           f"{location.source}: {location.path}")
    runs = {lang: describe_mode(lang, fast=settings.fast, device=settings.device, model=settings.model,
                                accurate_model=settings.accurate_model) for lang in sorted(PIPELINES)}
    return {
        "newsgraph": __version__,
        "german_pipeline": runs["de"],
        "runs": runs,
        "spacy": spacy.__version__,
        "models_dir": str(models_dir()),
        "pipelines": pipelines,
        "matrix_products": describe_blas(),
        "settings": {k: str(v) for k, v in settings.model_dump().items()},
    }
