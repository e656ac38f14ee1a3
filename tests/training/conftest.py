"""Fixtures of the training tests: tiny XLM-R encoders and an NER package over one (built once per module)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def tiny_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised 1-layer XLM-R with the tiny unigram tokenizer, saved as a Hugging Face folder."""
    pytest.importorskip("transformers")
    from tiny_models import save_tiny_xlmr

    return save_tiny_xlmr(tmp_path_factory.mktemp("tiny-xlmr"), layers=1)


@pytest.fixture(scope="module")
def deep_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same with 3 layers and a conversion record, so that NER packages can be made over it."""
    pytest.importorskip("transformers")
    from tiny_models import deep_xlmr

    return deep_xlmr(tmp_path_factory.mktemp("deep-xlmr"))


@pytest.fixture(scope="module")
def ner_package(deep_encoder: Path) -> Path:
    """A package over ``deep_encoder``: its layers above the embeddings moved and a trained-looking head."""
    from tiny_models import ner_package_over

    return ner_package_over(deep_encoder)
