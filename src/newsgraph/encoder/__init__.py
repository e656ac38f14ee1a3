"""Pretrained encoders for the accurate route: recovered locally, never downloaded from a model hub."""

from __future__ import annotations

from pathlib import Path

from newsgraph.encoder.convert import build_encoder, cache_dir, default_encoder_dir

NER_NAME = "de-e5-small"


def default_ner_dir() -> Path:
    """Where accurate mode looks for the fine-tuned German NER: ``$NEWSGRAPH_CACHE/ner/de-e5-small`` (see
    :func:`newsgraph.encoder.convert.cache_dir`), the ``--out`` to give ``newsgraph models finetune-ner``;
    the model itself is the ``best/`` folder the script writes there."""
    return cache_dir() / "ner" / NER_NAME


__all__ = ["build_encoder", "cache_dir", "default_encoder_dir", "default_ner_dir", "NER_NAME"]
