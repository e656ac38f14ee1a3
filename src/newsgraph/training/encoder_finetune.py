"""Fine-tune the recovered e5 encoder for German NER (PER/LOC/ORG/MISC) in plain PyTorch, resumable on a CPU.

    newsgraph models finetune-ner --steps 4000 --out models/training/ner-e5

Reads spaCy DocBin files with gold ``doc.ents`` (``models/build/ner-train-modern.spacy`` for training and
``ner-tune.spacy`` for model selection, from ``make corpora``), labels the first sub-word of every word with a
BIO tag (the other sub-words are ignored by the loss), and trains with AdamW under a linear warm-up and decay.
Every ``--checkpoint-every`` steps it writes ``checkpoint.pt`` (the trainable weights, optimizer and schedule);
running the same command again resumes from it. Every ``--eval-every`` steps it scores ``--dev`` with exact
span F1 and keeps the best model as a Hugging Face folder in ``OUT/best`` (``AutoModelForTokenClassification``).
``metrics.jsonl`` logs every evaluation.

``--init-package DIR`` starts from a packaged fine-tuned NER (``models/de_e5_ner``: its encoder layers and its
classifier) instead of the bare encoder; ``--layers N`` keeps only the lowest N transformer layers (a shallower,
faster encoder; the classifier then reads layer N). Both are stored in the checkpoint and must match on resume.

By default the word-embedding matrix (250k x 384, 82 % of the parameters) stays frozen: updating it densely
every step would dominate the CPU time and memory (AdamW keeps two more copies), while the layers above carry
the adaptation. ``--train-embeddings`` lifts that.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from newsgraph.encoder.tags import LABELS, TAGS, Span, best_tags, decode_spans, first_pieces, word_logits
from newsgraph.errors import InputError, ModelError

IGNORE = -100  # the label id the loss skips (non-first sub-words, <s>, </s>, padding)

_BUILD = Path(__file__).resolve().parents[3] / "models" / "build"
CHECKPOINT = "checkpoint.pt"
BEST = "best"
METRICS = "metrics.jsonl"


@dataclass
class FinetuneSettings:
    """Everything that defines a run; stored in the checkpoint.

    Attributes:
        out: Output folder (checkpoint, best model, metrics).
        encoder: The Hugging Face folder from ``newsgraph models build-encoder`` (default: the cache).
        train: DocBin with gold entities to train on.
        dev: DocBin to select the best model on.
        steps: Optimiser steps in total.
        batch_size: Sentences per step.
        lr: Peak learning rate of the encoder.
        head_lr: Peak learning rate of the new classification layer.
        warmup: Fraction of the steps with a linearly rising learning rate.
        weight_decay: AdamW decay (not on biases and LayerNorm weights).
        max_length: Sub-words per sentence, including ``<s>``/``</s>``; longer sentences are cut.
        eval_every: Steps between evaluations on ``dev`` (and at the end).
        checkpoint_every: Steps between checkpoints (and at the end).
        max_train: Use only this many training sentences (``None``: all), for small budgets.
        train_embeddings: Also update the word-embedding matrix.
        seed: Seeds the data order, dropout and the head's initialisation.
        threads: Torch threads (``None``: torch's default).
        init_package: Start from this packaged fine-tuned NER (:func:`newsgraph.encoder.package.load_package`):
            its encoder layers and classifier (``None``: the bare encoder and a new classifier).
        layers: Keep only the lowest N transformer layers (``None``: all of them).
    """

    out: Path
    encoder: Path | None = None
    train: Path = _BUILD / "ner-train-modern.spacy"
    dev: Path = _BUILD / "ner-tune.spacy"
    steps: int = 2000
    batch_size: int = 16
    lr: float = 5e-5
    head_lr: float = 1e-3
    warmup: float = 0.1
    weight_decay: float = 0.01
    max_length: int = 128
    eval_every: int = 500
    checkpoint_every: int = 100
    max_train: int | None = None
    train_embeddings: bool = False
    seed: int = 0
    threads: int | None = None
    init_package: Path | None = None
    layers: int | None = None


@dataclass
class Example:
    """One sentence: words, their BIO tag ids and the gold spans (word indices)."""

    words: list[str]
    tags: list[int]
    spans: set[Span] = field(default_factory=set)


@dataclass
class FinetuneResult:
    """What a run produced."""

    step: int
    best_f1: float
    best_step: int
    best_dir: Path | None
    evaluations: list[dict[str, Any]]


def read_examples(path: Path, *, limit: int | None = None) -> list[Example]:
    """Sentences with gold entities from a spaCy DocBin; labels outside PER/LOC/ORG/MISC are ignored.

    Raises:
        InputError: the file cannot be read.
    """
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    try:
        docs = DocBin().from_disk(path).get_docs(Vocab())
    except (OSError, ValueError) as e:
        raise InputError(f"cannot read the DocBin: {e}; build it with `make corpora`", path=path) from e
    examples: list[Example] = []
    for doc in docs:
        if limit is not None and len(examples) >= limit:
            break
        tags = [0] * len(doc)
        spans: set[Span] = set()
        for ent in doc.ents:
            if ent.label_ not in LABELS:
                continue
            spans.add((ent.label_, ent.start, ent.end))
            tags[ent.start] = TAGS.index(f"B-{ent.label_}")
            for i in range(ent.start + 1, ent.end):
                tags[i] = TAGS.index(f"I-{ent.label_}")
        examples.append(Example([token.text for token in doc], tags, spans))
    return examples


def span_scores(gold: Sequence[set[Span]], predicted: Sequence[set[Span]]) -> dict[str, Any]:
    """Exact span precision/recall/F1 per label, micro over all four and over PER/LOC/ORG."""
    counts = {label: [0, 0, 0] for label in LABELS}  # tp, fp, fn
    for g, p in zip(gold, predicted):
        for span in p:
            counts[span[0]][0 if span in g else 1] += 1
        for span in g - p:
            counts[span[0]][2] += 1

    def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"p": round(precision, 4), "r": round(recall, 4), "f": round(f1, 4)}

    def micro(labels: Sequence[str]) -> dict[str, float]:
        return prf(*(sum(counts[label][k] for label in labels) for k in range(3)))

    return {"micro": micro(LABELS), "micro_per_loc_org": micro(LABELS[:3]),
            "per_label": {label: prf(*counts[label]) for label in LABELS}}


def encode(tokenizer: Any, examples: Sequence[Example], max_length: int) -> list[dict[str, list[int]]]:
    """Sub-word ids and first-sub-word labels; also each word's first sub-word position (``-1`` if cut)."""
    enc = tokenizer([e.words for e in examples], is_split_into_words=True, truncation=True, max_length=max_length)
    features = []
    for i, example in enumerate(examples):
        word_ids = enc.word_ids(i)
        first = first_pieces(word_ids, len(example.words))
        labels = [IGNORE] * len(word_ids)
        for word, position in enumerate(first):
            if position >= 0:
                labels[position] = example.tags[word]
        features.append({"input_ids": enc["input_ids"][i], "labels": labels, "first": first})
    return features


def collate(features: Sequence[dict[str, list[int]]], pad_id: int) -> dict[str, Any]:
    """Pad a batch to its longest sentence."""
    import torch

    width = max(len(f["input_ids"]) for f in features)
    ids = torch.full((len(features), width), pad_id, dtype=torch.long)
    labels = torch.full((len(features), width), IGNORE, dtype=torch.long)
    mask = torch.zeros((len(features), width), dtype=torch.long)
    for row, f in enumerate(features):
        n = len(f["input_ids"])
        ids[row, :n] = torch.tensor(f["input_ids"])
        labels[row, :n] = torch.tensor(f["labels"])
        mask[row, :n] = 1
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


def batch_indices(step: int, n: int, batch_size: int, seed: int) -> list[int]:
    """The sentences of a step: epoch-wise shuffles fixed by the seed, so a resumed run sees the same order."""
    per_epoch = max(1, n // batch_size)
    epoch, k = divmod(step, per_epoch)
    order = np.random.default_rng(seed + epoch).permutation(n)
    return order[k * batch_size : (k + 1) * batch_size].tolist()


def evaluate_model(model: Any, features: Sequence[dict[str, list[int]]], examples: Sequence[Example], *,
                   pad_id: int, batch_size: int = 32) -> dict[str, Any]:
    """Tag ``examples`` (a word's logits are its first sub-word's; the best well-formed BIO tags, as the run time
    decodes them: :func:`newsgraph.encoder.tags.best_tags`) and score exact spans."""
    import torch

    model.eval()
    predicted: list[set[Span]] = []
    with torch.no_grad():
        for start in range(0, len(features), batch_size):
            chunk = features[start : start + batch_size]
            batch = collate(chunk, pad_id)
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits.numpy()
            for f, row in zip(chunk, logits):  # a word cut off at max_length is O
                predicted.append(decode_spans(best_tags(word_logits(row, f["first"]))))
    model.train()
    return span_scores([e.spans for e in examples], predicted)


def keep_layers(model: Any, layers: int) -> Any:
    """Cut a BERT-style model to its lowest ``layers`` transformer layers, in place (the config follows).

    The classifier of a token classifier then reads the hidden state of layer ``layers``.

    Args:
        model: A Hugging Face model whose base model has ``encoder.layer`` (BERT, XLM-R).
        layers: How many layers to keep, 1 up to the model's count.

    Returns:
        ``model``.

    Raises:
        ModelError: ``layers`` is not between 1 and the model's layer count.
    """
    stack = model.base_model.encoder.layer
    if not 1 <= layers <= len(stack):
        raise ModelError(f"cannot keep {layers} layers of a {len(stack)}-layer encoder: give --layers between 1 "
                         f"and {len(stack)}")
    del stack[layers:]
    model.config.num_hidden_layers = layers
    return model


def load_start_model(settings: FinetuneSettings, encoder: Path) -> tuple[Any, Any]:
    """The tokenizer and the model a run starts from: the encoder with a new classifier, or
    ``settings.init_package``'s fine-tuned NER; cut to ``settings.layers`` layers when given.

    Raises:
        ModelError: the package or the encoder cannot be loaded, or ``settings.layers`` is out of range.
    """
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    if settings.init_package is not None:
        from newsgraph.encoder.package import load_package

        tokenizer, model = load_package(Path(settings.init_package), encoder_dir=encoder)
    else:
        tokenizer = AutoTokenizer.from_pretrained(encoder)
        model = AutoModelForTokenClassification.from_pretrained(
            encoder, num_labels=len(TAGS), id2label=dict(enumerate(TAGS)),
            label2id={t: i for i, t in enumerate(TAGS)},
        )
    if settings.layers is not None:
        keep_layers(model, settings.layers)
    return tokenizer, model


def check_resume(state: dict[str, Any], settings: object, keys: Sequence[str], checkpoint: Path) -> None:
    """A checkpoint only resumes the run that wrote it: its stored ``keys`` must equal ``settings``' (a path
    matches the same file named another way, ``models/x`` and ``/abs/models/x`` from the run's folder).

    Raises:
        ModelError: a setting differs.
    """
    stored = state.get("settings", {})
    for key in keys:
        value, before = getattr(settings, key), stored.get(key, "None")
        same = before == str(value) or (
            isinstance(value, Path) and before != "None" and Path(before).resolve() == value.resolve())
        if not same:
            raise ModelError(f"{checkpoint} was written with {key}={before}, this run has {key}={value}: use the "
                             "same options or another --out")


def _trainable(model: Any) -> dict[str, Any]:
    return {name: p for name, p in model.named_parameters() if p.requires_grad}


def classifier_param_groups(model: Any, *, lr: float, head_lr: float, weight_decay: float) -> list[dict[str, Any]]:
    """AdamW's parameter groups for a token classifier's trainable weights: the encoder's matrices (decayed), its
    biases and LayerNorm weights (not decayed), and the classifier at its own rate (not decayed)."""
    groups: dict[str, list[Any]] = {"decay": [], "no_decay": [], "head": []}
    for name, param in _trainable(model).items():
        if name.startswith("classifier."):
            groups["head"].append(param)
        elif name.endswith("bias") or "LayerNorm" in name:
            groups["no_decay"].append(param)
        else:
            groups["decay"].append(param)
    return [{"params": groups["decay"], "lr": lr, "weight_decay": weight_decay},
            {"params": groups["no_decay"], "lr": lr, "weight_decay": 0.0},
            {"params": groups["head"], "lr": head_lr, "weight_decay": 0.0}]


def warmup_then_decay(steps: int, warmup_share: float) -> Callable[[int], float]:
    """The learning-rate factor of a step: rising linearly over ``warmup_share`` of ``steps``, then falling linearly
    to 0 at ``steps``."""
    warmup = max(1, int(warmup_share * steps))

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (steps - step) / max(1, steps - warmup))

    return factor


def finetune(settings: FinetuneSettings, *, log: Callable[[str], None] | None = None) -> FinetuneResult:
    """Fine-tune (or resume fine-tuning) the encoder for NER; see the module docstring.

    Args:
        settings: The run.
        log: Receives one progress line per evaluation and checkpoint (``None``: silent).

    Returns:
        The last step, the best dev F1 (micro, all four labels) and where that model is.

    Raises:
        ModelError: torch/transformers are missing, the encoder folder does not exist, the start model cannot be
            loaded or cut, or the checkpoint was written with another start model or layer count.
        InputError: a DocBin cannot be read.
    """
    try:
        import torch
        import transformers  # noqa: F401  (checks the extra is installed before any work)
    except ImportError as e:
        raise ModelError('fine-tuning needs torch and transformers: pip install "newsgraph[accurate]"') from e
    from newsgraph.encoder.convert import default_encoder_dir

    say = log or (lambda _line: None)
    encoder = Path(settings.encoder) if settings.encoder is not None else default_encoder_dir()
    if not (encoder / "config.json").is_file():
        raise ModelError(f"no encoder at {encoder}: build it with `newsgraph models build-encoder`")
    out = Path(settings.out)
    out.mkdir(parents=True, exist_ok=True)
    if settings.threads:
        torch.set_num_threads(settings.threads)
    random.seed(settings.seed)
    torch.manual_seed(settings.seed)

    tokenizer, model = load_start_model(settings, encoder)
    model.get_input_embeddings().weight.requires_grad_(settings.train_embeddings)
    pad_id = tokenizer.pad_token_id

    train_examples = read_examples(settings.train, limit=settings.max_train)
    dev_examples = read_examples(settings.dev)
    train_features = encode(tokenizer, train_examples, settings.max_length)
    dev_features = encode(tokenizer, dev_examples, settings.max_length)

    params = _trainable(model)
    optimizer = torch.optim.AdamW(classifier_param_groups(model, lr=settings.lr, head_lr=settings.head_lr,
                                                          weight_decay=settings.weight_decay))
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, warmup_then_decay(settings.steps, settings.warmup))

    step, best_f1, best_step, evaluations = 0, -1.0, -1, []
    checkpoint = out / CHECKPOINT
    if checkpoint.is_file():
        state = torch.load(checkpoint, map_location="cpu", weights_only=False)
        check_resume(state, settings, ("init_package", "layers"), checkpoint)  # the same start model and depth
        model.load_state_dict(state["trainable"], strict=False)
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["torch_rng"])
        step, best_f1, best_step = state["step"], state["best_f1"], state["best_step"]
        evaluations = state.get("evaluations", [])
        say(f"resumed from {checkpoint} at step {step}")

    def save_checkpoint() -> None:
        tmp = checkpoint.with_name(CHECKPOINT + ".tmp")
        torch.save({
            "step": step, "best_f1": best_f1, "best_step": best_step, "evaluations": evaluations,
            "trainable": {n: p.detach() for n, p in _trainable(model).items()},
            "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(),
            "torch_rng": torch.get_rng_state(), "settings": {k: str(v) for k, v in asdict(settings).items()},
        }, tmp)
        os.replace(tmp, checkpoint)

    model.train()
    losses: list[float] = []
    started = time.perf_counter()
    while step < settings.steps:
        indices = batch_indices(step, len(train_features), settings.batch_size, settings.seed)
        batch = collate([train_features[i] for i in indices], pad_id)
        loss = model(**batch).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(list(params.values()), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(loss.item())
        step += 1

        if step % settings.eval_every == 0 or step == settings.steps:
            scores = evaluate_model(model, dev_features, dev_examples, pad_id=pad_id)
            record = {"step": step, "loss": round(float(np.mean(losses)), 4),
                      "seconds": round(time.perf_counter() - started, 1), **scores}
            evaluations.append(record)
            with (out / METRICS).open("a", encoding="utf-8") as f:
                f.write(json.dumps(record) + "\n")
            losses = []
            f1 = scores["micro"]["f"]
            if f1 > best_f1:
                best_f1, best_step = f1, step
                model.save_pretrained(out / BEST)
                tokenizer.save_pretrained(out / BEST)
            say(f"step {step}: loss {record['loss']}, dev F1 {f1:.4f} "
                f"(PER/LOC/ORG {scores['micro_per_loc_org']['f']:.4f}); best {best_f1:.4f} at {best_step}")
        if step % settings.checkpoint_every == 0 or step == settings.steps:
            save_checkpoint()

    best_dir = out / BEST if (out / BEST).is_dir() else None
    return FinetuneResult(step, best_f1, best_step, best_dir, evaluations)
