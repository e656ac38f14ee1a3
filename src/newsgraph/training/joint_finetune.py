"""Fine-tune the encoder for NER and syntax together: the encoder NER and the syntax heads, one loss (torch, CPU).

    newsgraph models finetune-joint --out RUN --steps 450

The default German pipeline runs one encoder whose layers feed both the NER classifier and the syntax heads
(:mod:`newsgraph.encoder.syntax_heads`). Those heads were trained over the *frozen* NER encoder, so the parse can
only use what NER fine-tuning left in its layers. This run starts from both shipped parts (``--init-package``,
``models/de_e5_ner``; ``--init-heads``, ``models/de_e5_syntax``) and trains them on one summed loss: each step
takes ``--ner-batch`` NER sentences (the classifier's loss, as :mod:`newsgraph.training.encoder_finetune`) and
``--ud-batch`` UD German sentences (the heads' loss over the encoder's per-word layers, as
:mod:`newsgraph.training.syntax_heads`, now back-propagated into the encoder). The word embeddings stay frozen.

Every ``--eval-every`` steps it scores NER on ``ner-tune`` and the parse on ``ud-tune`` (neither is trained on)
and keeps the step with the best sum of NER micro F1 and LAS in ``OUT/best``: ``encoder/`` (a Hugging Face folder
for ``newsgraph models package-ner``) and ``heads/`` (exported heads, plus a ``checkpoint.pt`` that
``train-syntax-heads --init-from`` warm-starts from once the encoder is exported to ONNX). ``checkpoint.pt`` in
``OUT`` resumes the run with the same batches.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from newsgraph.encoder.syntax_heads import SyntaxHeads
from newsgraph.encoder.tags import first_pieces
from newsgraph.errors import ModelError
from newsgraph.training.encoder_finetune import (
    IGNORE,
    batch_indices,
    check_resume,
    classifier_param_groups,
    collate,
    encode,
    evaluate_model,
    load_start_model,
    read_examples,
    warmup_then_decay,
    FinetuneSettings,
)
from newsgraph.training.syntax_data import UdSentence, read_ud_splits
from newsgraph.training.syntax_heads import (
    CHECKPOINT,
    HeadsConfig,
    Vocab,
    build_model,
    export_heads,
    label_ids,
    label_tensors,
    load_heads,
    loss_of,
    quick_scores,
    write_heads,
)

_ROOT = Path(__file__).resolve().parents[3]
BEST = "best"
METRICS = "metrics.jsonl"
UD_MAX_PIECES = 256  # a UD sentence longer than this (with <s>, </s>) is left out of training


@dataclass
class JointSettings:
    """Everything that defines a run; stored in the checkpoint.

    Attributes:
        out: Output folder (checkpoint, best model, metrics).
        ud_dir: ``../shared/data/de/ud`` (the model card's train / tune split).
        init_package: The packaged encoder NER to start from.
        init_heads: The exported syntax heads to start from (their sizes and labels are kept).
        encoder: The recovered encoder the package applies to (default: the cache).
        ner_train: DocBin with gold entities to train on.
        ner_dev: DocBin to score NER on for model selection.
        steps: Optimiser steps in total.
        ner_batch: NER sentences per step.
        ud_batch: UD sentences per step.
        lr: Peak learning rate of the encoder.
        head_lr: Peak learning rate of the NER classifier.
        heads_lr: Peak learning rate of the syntax heads.
        syntax_weight: Weight of the syntax loss beside the NER loss.
        warmup: Fraction of the steps with a linearly rising learning rate (then linear decay to 0).
        weight_decay: AdamW decay of the encoder's matrices.
        max_length: NER sub-words per sentence (longer ones are cut, as in NER fine-tuning).
        eval_every: Steps between evaluations (and at the end).
        checkpoint_every: Steps between checkpoints (and at the end).
        seed: Data order, dropout.
        threads: Torch threads (``None``: torch's default).
    """

    out: Path
    ud_dir: Path = Path("../shared/data/de/ud")
    init_package: Path = _ROOT / "models" / "de_e5_ner"
    init_heads: Path = _ROOT / "models" / "de_e5_syntax"
    encoder: Path | None = None
    ner_train: Path = _ROOT / "models" / "build" / "ner-train.spacy"
    ner_dev: Path = _ROOT / "models" / "build" / "ner-tune.spacy"
    steps: int = 450
    ner_batch: int = 8
    ud_batch: int = 16
    lr: float = 2e-5
    head_lr: float = 1e-4
    heads_lr: float = 5e-4
    syntax_weight: float = 1.0
    warmup: float = 0.1
    weight_decay: float = 0.01
    max_length: int = 128
    eval_every: int = 50
    checkpoint_every: int = 25
    seed: int = 0
    threads: int | None = None


@dataclass
class UdItem:
    """A UD sentence ready for the encoder: its pieces and each word's first piece."""

    sentence: UdSentence
    input_ids: list[int]
    first: list[int]


def encode_ud(tokenizer: Any, sentences: Sequence[UdSentence], *, max_pieces: int = UD_MAX_PIECES) -> list[UdItem]:
    """Pieces of whole UD sentences; a sentence that does not fit ``max_pieces`` is left out."""
    enc = tokenizer([s.words for s in sentences], is_split_into_words=True)
    return [UdItem(sentence, enc["input_ids"][i], first_pieces(enc.word_ids(i), len(sentence.words)))
            for i, sentence in enumerate(sentences) if len(enc["input_ids"][i]) <= max_pieces]


def word_layers(base_model: Any, items: Sequence[UdItem], pad_id: int, layers: Sequence[int]) -> tuple[Any, Any]:
    """``[sentences, words, layers, dim]`` hidden states at each word's first piece (zeros past a sentence's end)
    and the word counts: the heads' input, with gradients into the encoder."""
    import torch

    batch = collate([{"input_ids": it.input_ids, "labels": [IGNORE] * len(it.input_ids)} for it in items], pad_id)
    out = base_model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], output_hidden_states=True)
    states = torch.stack([out.hidden_states[layer] for layer in layers], dim=2)  # [b, pieces, layers, dim]
    width = max(len(it.first) for it in items)
    index = torch.zeros((len(items), width), dtype=torch.long)
    for row, it in enumerate(items):
        index[row, : len(it.first)] = torch.tensor(it.first)
    x = states[torch.arange(len(items))[:, None], index]
    lengths = torch.tensor([len(it.first) for it in items])
    keep = torch.arange(width)[None, :] < lengths[:, None]
    return x * keep[..., None, None], lengths


def _ud_batch(step: int, n: int, size: int, seed: int) -> list[int]:
    return batch_indices(step, n, size, seed + 7919)  # another shuffle than the NER batches'


def _tune_las(base_model: Any, heads: Any, config: HeadsConfig, vocab: Vocab, items: Sequence[UdItem],
              pad_id: int) -> dict[str, float]:
    """The run-time (numpy) heads on the encoder's current features of ``items``: quick scores."""
    import torch

    params, meta = export_heads(heads, config, vocab)
    runtime = SyntaxHeads(params, meta)
    predictions = []
    with torch.no_grad():
        for start in range(0, len(items), 16):
            chunk = items[start : start + 16]
            x, lengths = word_layers(base_model, chunk, pad_id, config.layers)
            for row, n in enumerate(lengths.tolist()):
                predictions.append(runtime.predict(x[row, :n].numpy().transpose(1, 0, 2)))
    return quick_scores(predictions, [it.sentence for it in items])


def finetune_joint(settings: JointSettings, *, log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Train (or resume) the encoder, NER classifier and syntax heads together; see the module docstring.

    Returns:
        The last step, the best step and its tune scores, and where the best model is.

    Raises:
        ModelError: torch/transformers are missing, the start models cannot be loaded, or the checkpoint belongs
            to another run.
        InputError: a DocBin or UD file cannot be read.
    """
    try:
        import torch
        import transformers  # noqa: F401
    except ImportError as e:
        raise ModelError('joint fine-tuning needs torch and transformers: pip install "newsgraph[accurate]"') from e
    from newsgraph.encoder.convert import default_encoder_dir

    say = log or (lambda _line: None)
    out = Path(settings.out)
    out.mkdir(parents=True, exist_ok=True)
    if settings.threads:
        torch.set_num_threads(settings.threads)
    random.seed(settings.seed)
    torch.manual_seed(settings.seed)

    heads, config, vocab = load_heads(Path(settings.init_heads))
    encoder = Path(settings.encoder) if settings.encoder is not None else default_encoder_dir()
    tokenizer, model = load_start_model(FinetuneSettings(out=out, init_package=settings.init_package), encoder)
    model.get_input_embeddings().weight.requires_grad_(False)
    pad_id = tokenizer.pad_token_id

    ner_train = encode(tokenizer, read_examples(settings.ner_train), settings.max_length)
    dev_examples = read_examples(settings.ner_dev)
    ner_dev = encode(tokenizer, dev_examples, settings.max_length)
    splits = read_ud_splits(Path(settings.ud_dir))
    ud_train = encode_ud(tokenizer, splits["train"])
    ud_labels = [label_ids(it.sentence, vocab) for it in ud_train]
    ud_tune = encode_ud(tokenizer, splits["tune"], max_pieces=10_000)
    say(f"{len(ner_train)} NER and {len(ud_train)} UD training sentences "
        f"({len(splits['train']) - len(ud_train)} UD sentences over {UD_MAX_PIECES} pieces left out)")

    groups = classifier_param_groups(model, lr=settings.lr, head_lr=settings.head_lr,
                                     weight_decay=settings.weight_decay)
    groups.append({"params": list(heads.parameters()), "lr": settings.heads_lr, "weight_decay": 0.0,
                   "betas": (0.9, 0.9)})
    optimizer = torch.optim.AdamW(groups)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, warmup_then_decay(settings.steps, settings.warmup))
    state: dict[str, Any] = {"step": 0, "best": -1.0, "best_step": -1, "evaluations": []}
    checkpoint = out / CHECKPOINT
    if checkpoint.is_file():
        saved = torch.load(checkpoint, map_location="cpu", weights_only=False)
        check_resume(saved, settings, ("init_package", "init_heads", "ner_batch", "ud_batch", "seed"), checkpoint)
        model.load_state_dict(saved["encoder"], strict=False)
        heads.load_state_dict(saved["heads"])
        optimizer.load_state_dict(saved["optimizer"])
        scheduler.load_state_dict(saved["scheduler"])
        torch.set_rng_state(saved["torch_rng"])
        state = saved["state"]
        say(f"resumed from {checkpoint} at step {state['step']}")

    trainable = [p for group in groups for p in group["params"]]

    def save_checkpoint() -> None:
        tmp = checkpoint.with_name(CHECKPOINT + ".tmp")
        torch.save({"state": state, "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(),
                    "encoder": {n: p.detach() for n, p in model.named_parameters() if p.requires_grad},
                    "heads": heads.state_dict(), "torch_rng": torch.get_rng_state(),
                    "settings": {k: str(v) for k, v in asdict(settings).items()}}, tmp)
        os.replace(tmp, checkpoint)

    def save_best() -> None:
        model.save_pretrained(out / BEST / "encoder")
        tokenizer.save_pretrained(out / BEST / "encoder")
        params, meta = export_heads(heads, config, vocab, extra={"joint_step": state["step"]})
        write_heads(out / BEST / "heads", params, meta)
        torch.save({"model": heads.state_dict(), "state": {"step": state["step"]}, "config": asdict(config)},
                   out / BEST / "heads" / CHECKPOINT)

    def evaluate() -> None:
        model.eval()
        heads.eval()
        ner = evaluate_model(model, ner_dev, dev_examples, pad_id=pad_id)
        syntax = _tune_las(model.base_model, heads, config, vocab, ud_tune, pad_id)
        model.train()
        heads.train()
        record = {"step": state["step"], "loss": round(float(np.mean(losses)), 4) if losses else None,
                  "seconds": round(time.perf_counter() - started, 1), "ner_tune": ner["micro"]["f"],
                  "ner_tune_per_loc_org": ner["micro_per_loc_org"]["f"],
                  **{f"ud_tune_{k}": round(v, 4) for k, v in syntax.items()}}
        state["evaluations"].append(record)
        with (out / METRICS).open("a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
        score = ner["micro"]["f"] + syntax["las"]
        if score > state["best"]:
            state["best"], state["best_step"] = score, state["step"]
            save_best()
        say(f"step {state['step']}: {record}; best at {state['best_step']}")

    losses: list[float] = []
    started = time.perf_counter()
    if state["step"] == 0 and not state["evaluations"]:
        evaluate()  # the starting point: what the shipped parts score
    model.train()
    heads.train()
    while state["step"] < settings.steps:
        step = state["step"]
        ner_ids = batch_indices(step, len(ner_train), settings.ner_batch, settings.seed)
        ner_loss = model(**collate([ner_train[i] for i in ner_ids], pad_id)).loss
        ids = _ud_batch(step, len(ud_train), settings.ud_batch, settings.seed)
        x, lengths = word_layers(model.base_model, [ud_train[i] for i in ids], pad_id, config.layers)
        batch = {"x": x, "lengths": lengths, **label_tensors([ud_labels[i] for i in ids], x.shape[1])}
        loss = ner_loss + settings.syntax_weight * loss_of(heads, batch, label_weight=config.label_weight)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(loss.item())
        state["step"] += 1
        if state["step"] % settings.eval_every == 0 or state["step"] == settings.steps:
            evaluate()
            losses = []
        if state["step"] % settings.checkpoint_every == 0 or state["step"] == settings.steps:
            save_checkpoint()
    return {"step": state["step"], "best_step": state["best_step"],
            "best": next((e for e in state["evaluations"] if e["step"] == state["best_step"]), None),
            "best_dir": str(out / BEST)}


__all__ = ["JointSettings", "UdItem", "encode_ud", "finetune_joint", "word_layers"]
