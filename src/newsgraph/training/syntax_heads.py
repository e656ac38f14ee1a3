"""Train the syntax heads (UPOS, STTS tag, morphology, biaffine parser) over frozen encoder features (torch).

``newsgraph models train-syntax-heads OUT`` reads the cached per-word layer features of
:mod:`newsgraph.training.syntax_data`, trains the heads described in :mod:`newsgraph.encoder.syntax_heads`
(whose numpy forward pass is the run-time one) and writes into ``OUT``:

* ``checkpoint.pt``: model, optimiser, step and best tune score, every ``checkpoint_every`` steps; a rerun with
  the same ``OUT`` resumes from it with the same data order (batches are a function of seed and epoch);
* ``best/``: the exported heads of the best ``tune`` LAS (``syntax_heads.npz`` + ``syntax_heads.json``), with
  the figures on the held-out GSD sentences (spaCy's scorer, punctuation excluded from UAS/LAS as in the model
  card) in the JSON.

Early stopping looks at the ``tune`` split only; the held-out ``test`` split is scored once, at the end.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np

from newsgraph.encoder.syntax_heads import FORMAT, META_FILE, WEIGHTS_FILE, SyntaxHeads, SyntaxPrediction
from newsgraph.errors import InputError
from newsgraph.training.syntax_data import UdSentence, load_features, read_ud_blocks, read_ud_splits

CHECKPOINT = "checkpoint.pt"
PUNCT = "punct"


@dataclass
class HeadsConfig:
    """Sizes and training settings (stored with every checkpoint and export)."""

    layers: list[int] = field(default_factory=lambda: list(range(13)))
    lstm: int = 0  # hidden units per direction; 0: no BiLSTM
    tag_hidden: int = 256
    arc_hidden: int = 256
    label_hidden: int = 64
    dropout: float = 0.33
    lr: float = 2e-3
    batch_size: int = 32
    max_steps: int = 1200
    eval_every: int = 100
    checkpoint_every: int = 100
    patience: int = 5  # evaluations without a better tune LAS
    seed: int = 0
    lr_decay: str = "none"  # "linear": lr falls linearly to lr_final x lr at max_steps (a function of the step)
    lr_final: float = 0.05
    label_smoothing: float = 0.0  # on the UPOS / tag / morphology / dependency-label losses (not the arcs)
    word_dropout: float = 0.0  # share of words whose mixed encoder vector is zeroed in training
    label_weight: float = 1.0  # weight of the dependency-label loss (the others weigh 1)
    ema: float = 0.0  # Polyak averaging: decay of the weights' moving average, which is scored and exported (0: off)


@dataclass
class Vocab:
    """Label lists per kind; index 0 of ``morph`` is the empty analysis."""

    upos: list[str]
    tag: list[str]
    morph: list[str]
    dep: list[str]

    @classmethod
    def build(cls, sentences: Sequence[UdSentence]) -> Vocab:
        """Labels seen in training (tags: only where present), most frequent first."""
        def ranked(values: Counter[str]) -> list[str]:
            return [v for v, _ in sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))]
        return cls(
            upos=ranked(Counter(x for s in sentences for x in s.upos)),
            tag=ranked(Counter(x for s in sentences for x in s.tags if x)),
            morph=ranked(Counter(x for s in sentences for x in s.morph)),
            dep=ranked(Counter(x for s in sentences for x in s.deps)),
        )

    def index(self, kind: str, values: Sequence[str]) -> list[int]:
        """Label ids (-100, ignored by the loss, for unseen labels and missing tags; an empty morphology is a
        label)."""
        table = {label: i for i, label in enumerate(getattr(self, kind))}
        return [table.get(v, -100) if v or kind == "morph" else -100 for v in values]


def build_model(config: HeadsConfig, vocab: Vocab, dim: int = 384) -> Any:
    """The torch module whose parameter names are the exported weights' keys."""
    import torch
    from torch import nn

    class Heads(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.mix = nn.ParameterDict({"weights": nn.Parameter(torch.zeros(len(config.layers))),
                                         "gamma": nn.Parameter(torch.ones(1))})
            width = dim
            if config.lstm:
                self.lstm = nn.LSTM(dim, config.lstm, batch_first=True, bidirectional=True)
                width = 2 * config.lstm
            self.drop = nn.Dropout(config.dropout)
            self.tag_mlp = nn.Linear(width, config.tag_hidden)
            self.upos = nn.Linear(config.tag_hidden, len(vocab.upos))
            self.tag = nn.Linear(config.tag_hidden, len(vocab.tag))
            self.morph = nn.Linear(config.tag_hidden, len(vocab.morph))
            a, b, k = config.arc_hidden, config.label_hidden, len(vocab.dep)
            self.arc_dep, self.arc_head = nn.Linear(width, a), nn.Linear(width, a)
            self.arc_root = nn.Parameter(torch.zeros(a))
            self.arc_U = nn.Parameter(torch.zeros(a, a))
            self.arc_u = nn.Parameter(torch.zeros(a))
            self.lab_dep, self.lab_head = nn.Linear(width, b), nn.Linear(width, b)
            self.lab_root = nn.Parameter(torch.zeros(b))
            self.lab_U = nn.Parameter(torch.zeros(k, b, b))
            self.lab_W = nn.Linear(2 * b, k)

        def hidden(self, x: Any, lengths: Any) -> Any:
            mix = torch.softmax(self.mix["weights"], 0) * self.mix["gamma"]
            h = self.drop(torch.einsum("l,btld->btd", mix, x))
            if self.training and config.word_dropout > 0:
                keep = torch.rand(h.shape[:2], device=h.device) >= config.word_dropout
                h = h * keep[..., None]
            if config.lstm:
                packed = nn.utils.rnn.pack_padded_sequence(h, lengths, batch_first=True, enforce_sorted=False)
                out, _ = self.lstm(packed)
                h, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
                h = self.drop(h)
            return h

        def forward(self, x: Any, lengths: Any) -> dict[str, Any]:
            h = self.hidden(x, lengths)
            relu = torch.relu
            shared = self.drop(relu(self.tag_mlp(h)))
            batch = h.shape[0]
            arc_dep = self.drop(relu(self.arc_dep(h)))
            arc_head = torch.cat([self.arc_root.expand(batch, 1, -1), self.drop(relu(self.arc_head(h)))], 1)
            arc = torch.einsum("bia,ac,bjc->bij", arc_dep, self.arc_U, arc_head) + (arc_head @ self.arc_u)[:, None, :]
            lab_dep = self.drop(relu(self.lab_dep(h)))
            lab_head = torch.cat([self.lab_root.expand(batch, 1, -1), self.drop(relu(self.lab_head(h)))], 1)
            return {"upos": self.upos(shared), "tag": self.tag(shared), "morph": self.morph(shared), "arc": arc,
                    "lab_dep": lab_dep, "lab_head": lab_head}

        def label_scores(self, lab_dep: Any, lab_head: Any, heads: Any) -> Any:
            chosen = torch.gather(lab_head, 1, heads.clamp(min=0)[..., None].expand(-1, -1, lab_head.shape[-1]))
            bilinear = torch.einsum("bnx,kxy,bny->bnk", lab_dep, self.lab_U, chosen)
            return bilinear + self.lab_W(torch.cat([lab_dep, chosen], -1))

    model = Heads()
    nn.init.orthogonal_(model.arc_U)
    return model


class Batches:
    """Padded tensors for batches of sentences (features restricted to the configured layers)."""

    def __init__(self, sentences: Sequence[UdSentence], features: Sequence[np.ndarray], vocab: Vocab,
                 layers: Sequence[int]) -> None:
        self.sentences = sentences
        self.features = [f[:, list(layers), :] for f in features]
        self.labels = [label_ids(s, vocab) for s in sentences]

    def __len__(self) -> int:
        return len(self.sentences)

    def tensors(self, ids: Sequence[int]) -> dict[str, Any]:
        """Features ``[b, t, layers, dim]``, lengths, labels and gold heads (-100 on padding)."""
        import torch

        n = max(len(self.sentences[i].words) for i in ids)
        first = self.features[ids[0]]
        x = np.zeros((len(ids), n, first.shape[1], first.shape[2]), dtype=np.float32)
        for row, i in enumerate(ids):
            x[row, : len(self.sentences[i].words)] = self.features[i]
        result = label_tensors([self.labels[i] for i in ids], n)
        result["x"] = torch.from_numpy(x)
        result["lengths"] = torch.tensor([len(self.sentences[i].words) for i in ids])
        return result


def label_ids(sentence: UdSentence, vocab: Vocab) -> dict[str, list[int]]:
    """A sentence's label ids of UPOS, tag, morphology and dependency label (:meth:`Vocab.index`) and its gold
    heads: computed once per sentence, before training."""
    return {**{kind: vocab.index(kind, values) for kind, values in
               (("upos", sentence.upos), ("tag", sentence.tags), ("morph", sentence.morph), ("dep", sentence.deps))},
            "heads": sentence.heads}


def label_tensors(labels: Sequence[dict[str, list[int]]], width: int) -> dict[str, Any]:
    """The :func:`label_ids` of a batch's sentences as ``[sentences, width]`` tensors (-100 past a sentence's
    end)."""
    import torch

    out = {k: np.full((len(labels), width), -100, dtype=np.int64) for k in ("upos", "tag", "morph", "dep", "heads")}
    for row, sentence in enumerate(labels):
        for kind, values in sentence.items():
            out[kind][row, : len(values)] = values
    return {k: torch.from_numpy(v) for k, v in out.items()}


def epoch_batches(size: int, batch_size: int, *, seed: int, epoch: int) -> list[list[int]]:
    """The batches of one epoch: a shuffle fixed by seed and epoch, grouped by length in chunks of 50 batches
    (less padding), so a resumed run sees the same batches."""
    order = list(range(size))
    random.Random(seed * 1000 + epoch).shuffle(order)
    return [order[i:i + batch_size] for i in range(0, size, batch_size)]


def loss_of(model: Any, batch: dict[str, Any], *, label_smoothing: float = 0.0, label_weight: float = 1.0) -> Any:
    """Summed cross-entropies: UPOS, tag, morph, heads (over the root and the sentence's words), labels at gold
    heads (times ``label_weight``); ``label_smoothing`` on all but the heads (whose masked candidates must keep no
    mass)."""
    import torch
    import torch.nn.functional as F

    out = model(batch["x"], batch["lengths"])
    lengths = batch["lengths"]
    t = batch["x"].shape[1]
    positions = torch.arange(t + 1)
    valid_head = positions[None, None, :] <= lengths[:, None, None]  # head 0..len
    self_loop = positions[None, None, :] == (torch.arange(t) + 1)[None, :, None]
    arc = out["arc"].masked_fill(~valid_head | self_loop, -1e9)
    loss = F.cross_entropy(arc.reshape(-1, t + 1), batch["heads"].reshape(-1), ignore_index=-100)
    for kind in ("upos", "tag", "morph"):
        logits = out[kind]
        if (batch[kind] != -100).any():
            loss = loss + F.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch[kind].reshape(-1),
                                          ignore_index=-100, label_smoothing=label_smoothing)
    labels = model.label_scores(out["lab_dep"], out["lab_head"], batch["heads"])
    return loss + label_weight * F.cross_entropy(labels.reshape(-1, labels.shape[-1]), batch["dep"].reshape(-1),
                                                 ignore_index=-100, label_smoothing=label_smoothing)


def export_heads(model: Any, config: HeadsConfig, vocab: Vocab, *, extra: dict[str, Any] | None = None) -> tuple[
        dict[str, np.ndarray], dict[str, Any]]:
    """The numpy weights and the metadata of the run-time :class:`SyntaxHeads`."""
    params = {name: value.detach().float().numpy().copy() for name, value in model.state_dict().items()}
    params["lab_W"] = params.pop("lab_W.weight")
    params["lab_b"] = params.pop("lab_W.bias")
    meta = {"format": FORMAT, "layers": config.layers, "config": asdict(config),
            "labels": {"upos": vocab.upos, "tag": vocab.tag, "morph": vocab.morph, "dep": vocab.dep}}
    meta.update(extra or {})
    return params, meta


def write_heads(folder: Path, params: dict[str, np.ndarray], meta: dict[str, Any], *, half: bool = True) -> None:
    """Write the heads (float16 weights when ``half``: half the size, same predictions to within rounding)."""
    folder.mkdir(parents=True, exist_ok=True)
    cast(Any, np.savez)(folder / WEIGHTS_FILE, **{k: v.astype(np.float16 if half else np.float32) for k, v in params.items()})
    (folder / META_FILE).write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def quick_scores(predictions: Sequence[SyntaxPrediction], sentences: Sequence[UdSentence]) -> dict[str, float]:
    """Token accuracies and UAS/LAS without punctuation (for early stopping; the reported figures use spaCy's
    scorer, :func:`spacy_scores`)."""
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for pred, gold in zip(predictions, sentences):
        for i in range(len(gold.words)):
            for kind, p, g in (("upos", pred.upos, gold.upos), ("tag", pred.tags, gold.tags),
                               ("morph", pred.morph, gold.morph)):
                if g[i]:
                    totals[kind] += 1
                    hits[kind] += p[i] == g[i]
            if gold.deps[i] != PUNCT:
                totals["arc"] += 1
                hits["uas"] += pred.heads[i] == gold.heads[i]
                hits["las"] += pred.heads[i] == gold.heads[i] and pred.deps[i] == gold.deps[i]
    return {"upos": hits["upos"] / max(1, totals["upos"]), "tag": hits["tag"] / max(1, totals["tag"]),
            "morph": hits["morph"] / max(1, totals["morph"]), "uas": hits["uas"] / max(1, totals["arc"]),
            "las": hits["las"] / max(1, totals["arc"])}


def spacy_scores(predictions: Sequence[SyntaxPrediction], blocks: Sequence[str]) -> dict[str, float]:
    """The model card's figures: the scorers of spaCy's tagger, morphologizer and parser (as ``newsgraph evaluate
    --format conllu`` runs them; punctuation left out of UAS/LAS) on Docs carrying the predictions, against the
    gold Docs of the CoNLL-U ``blocks``."""
    from spacy.pipeline.dep_parser import parser_score
    from spacy.pipeline.morphologizer import morphologizer_score
    from spacy.pipeline.tagger import tagger_score
    from spacy.tokens import Doc
    from spacy.training import Example

    from newsgraph.encoder.syntax_component import set_annotations
    from newsgraph.tools.corpora import conllu_text_to_docs

    examples = []
    for pred, block in zip(predictions, blocks):
        gold = conllu_text_to_docs(block)[0]
        doc = Doc(gold.vocab, words=[t.text for t in gold], spaces=[bool(t.whitespace_) for t in gold])
        set_annotations(doc, [((0, len(doc)), list(range(len(doc))), pred)])
        examples.append(Example(doc, gold))
    scores: dict[str, Any] = {**tagger_score(examples), **morphologizer_score(examples), **parser_score(examples)}
    return {"upos": scores["pos_acc"], "tag": scores["tag_acc"], "morph": scores["morph_acc"],
            "uas": scores["dep_uas"], "las": scores["dep_las"]}


def predict_all(heads: SyntaxHeads, features: Sequence[np.ndarray]) -> list[SyntaxPrediction]:
    """Run-time (numpy) predictions for ``[words, layers, dim]`` cached features."""
    return [heads.predict(f.transpose(1, 0, 2)) for f in features]


SCHEDULE_LENGTH = ("max_steps", "patience")  # a resumed run may train longer or wait longer


def _model_settings(config: dict[str, Any]) -> dict[str, Any]:
    """The settings a resumed run must share with its checkpoint (defaults filled in for older checkpoints)."""
    return {k: v for k, v in asdict(HeadsConfig(**config)).items() if k not in SCHEDULE_LENGTH}


def learning_rate(config: HeadsConfig, step: int) -> float:
    """The learning rate of ``step`` (0-based): constant, or linear decay to ``lr_final * lr`` at ``max_steps``."""
    if config.lr_decay == "none":
        return config.lr
    if config.lr_decay != "linear":
        raise InputError(f"unknown lr_decay {config.lr_decay!r}: use none or linear")
    done = min(1.0, step / max(1, config.max_steps))
    return config.lr * (1.0 - (1.0 - config.lr_final) * done)


def load_heads(folder: Path) -> tuple[Any, HeadsConfig, Vocab]:
    """The torch heads of an exported heads folder (``syntax_heads.npz`` + ``.json``), with their config and labels.

    Raises:
        InputError: the folder holds no readable heads.
    """
    import torch

    try:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        with np.load(folder / WEIGHTS_FILE) as stored:
            params = {k: stored[k].astype(np.float32) for k in stored.files}
    except (OSError, ValueError, KeyError) as e:
        raise InputError(f"cannot read syntax heads: {e}; give a folder of exported heads (models/de_e5_syntax)",
                         path=folder) from e
    known = set(HeadsConfig.__dataclass_fields__)
    config = HeadsConfig(**{k: v for k, v in meta["config"].items() if k in known})
    vocab = Vocab(**{kind: list(meta["labels"][kind]) for kind in ("upos", "tag", "morph", "dep")})
    model = build_model(config, vocab, dim=params["arc_dep.weight"].shape[1] if not config.lstm
                        else params["lstm.weight_ih_l0"].shape[1])
    params["lab_W.weight"] = params.pop("lab_W")
    params["lab_W.bias"] = params.pop("lab_b")
    model.load_state_dict({k: torch.from_numpy(v) for k, v in params.items()})
    return model, config, vocab


def warm_start(model: Any, source: Path, *, fresh: Sequence[str] = ()) -> int:
    """Load the weights of ``source`` (a run's ``checkpoint.pt``, a run folder holding one, or a folder of exported
    heads such as ``models/de_e5_syntax``, step 0) into ``model``; returns the source's step. Optimiser state and
    step are not taken: the new run starts at step 0.

    Args:
        model: The heads to initialise.
        source: A run folder or its checkpoint.
        fresh: Prefixes of parameter names (e.g. ``lab_``: the label scorer) that keep their new initialisation
            instead, so that their sizes may differ from the source's; every other parameter is taken.

    Raises:
        InputError: no checkpoint at ``source``, or one of another architecture outside ``fresh``.
    """
    import torch

    path = source / CHECKPOINT if source.is_dir() else source
    if source.is_dir() and not path.is_file() and (source / WEIGHTS_FILE).is_file():
        exported, _, _ = load_heads(source)  # exported heads (models/de_e5_syntax): their weights, step 0
        saved = {"model": exported.state_dict(), "state": {"step": 0}}
    elif not path.is_file():
        raise InputError("no checkpoint to warm-start from: give a run folder, its checkpoint.pt or exported heads",
                         path=path)
    else:
        saved = torch.load(path, weights_only=False)
    prefixes = tuple(fresh)
    weights = {k: v for k, v in saved["model"].items() if not (prefixes and k.startswith(prefixes))}
    try:
        result = model.load_state_dict(weights, strict=not prefixes)
    except RuntimeError as e:
        raise InputError(f"the checkpoint's heads have other sizes ({e}); warm-start with the same --layers and "
                         "--lstm, or name the parameters that start afresh (--init-fresh)", path=path) from e
    missing = [k for k in list(result.missing_keys) + list(result.unexpected_keys)
               if not (prefixes and k.startswith(prefixes))]
    if missing:
        raise InputError(f"the checkpoint's heads have other parameters ({', '.join(missing)}); warm-start with "
                         "the same --layers and --lstm", path=path)
    return int(saved["state"]["step"])


def update_average(average: dict[str, Any], model: Any, decay: float) -> None:
    """One step of Polyak averaging: ``average <- decay * average + (1 - decay) * weights``."""
    for name, value in model.state_dict().items():
        average[name].mul_(decay).add_(value.detach(), alpha=1.0 - decay)


def train_heads(
    out: Path, ud_dir: Path, *, config: HeadsConfig, features_dir: Path | None = None,
    init_from: Path | None = None, init_fresh: Sequence[str] = (), log: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Train (or resume) the heads into ``out``; returns the held-out figures of the best tune checkpoint.

    Args:
        out: Run folder (checkpoint and ``best/``); an existing checkpoint is resumed.
        ud_dir: ``../shared/data/de/ud``.
        config: Sizes and schedule (a resumed run keeps the checkpoint's).
        features_dir: The feature cache (default ``$NEWSGRAPH_CACHE/syntax-features``).
        init_from: Warm start: a run folder or checkpoint of the same architecture whose weights the new run
            starts from (ignored when ``out`` already has a checkpoint, which is resumed).
        init_fresh: Parameter-name prefixes the warm start leaves at their new initialisation (:func:`warm_start`).
        log: Progress callback.

    Raises:
        InputError: features missing or stale, or a checkpoint of other settings in ``out``.
    """
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(config.seed)
    splits = read_ud_splits(ud_dir)
    features = {k: load_features(k, v, out_dir=features_dir) for k, v in splits.items()}
    vocab = Vocab.build(splits["train"])
    data = Batches(splits["train"], features["train"], vocab, config.layers)
    model = build_model(config, vocab, dim=features["train"][0].shape[-1])
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr, betas=(0.9, 0.9))
    out.mkdir(parents=True, exist_ok=True)
    state: dict[str, Any] = {"step": 0, "best": -1.0, "bad": 0, "seconds": 0.0, "history": []}
    average: dict[str, Any] | None = None
    if (out / CHECKPOINT).is_file():
        saved = torch.load(out / CHECKPOINT, weights_only=False)
        if _model_settings(saved["config"]) != _model_settings(asdict(config)):
            raise InputError(f"the checkpoint was trained with {saved['config']}, not {asdict(config)}: "
                             "give another OUT or the same settings (only the schedule's length may change)",
                             path=out / CHECKPOINT)
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        state = saved["state"]
        state["bad"] = 0 if config.patience > saved["config"]["patience"] else state["bad"]
        torch.set_rng_state(saved["rng"])
        average = saved.get("ema")
        log(f"resumed at step {state['step']}")
    elif init_from is not None:
        state["warm_start"] = {"from": str(init_from), "step": warm_start(model, init_from, fresh=init_fresh),
                               "fresh": list(init_fresh)}
        log(f"warm start from {init_from} (step {state['warm_start']['step']})")
    if config.ema and average is None:
        average = {k: v.detach().clone() for k, v in model.state_dict().items()}
    state["features"] = str(features_dir or "")
    per_epoch = len(epoch_batches(len(data), config.batch_size, seed=config.seed, epoch=0))
    started = time.perf_counter() - state["seconds"]
    while state["step"] < config.max_steps and state["bad"] < config.patience:
        epoch, position = divmod(state["step"], per_epoch)
        model.train()
        for ids in epoch_batches(len(data), config.batch_size, seed=config.seed, epoch=epoch)[position:]:
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(config, state["step"])
            loss = loss_of(model, data.tensors(ids), label_smoothing=config.label_smoothing,
                           label_weight=config.label_weight)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimizer.step()
            if average is not None:
                update_average(average, model, config.ema)
            state["step"] += 1
            if state["step"] % config.eval_every == 0:
                _evaluate(model, config, vocab, splits["tune"], features["tune"], out, state, started, log,
                          average=average)
                model.train()
            if state["step"] % config.checkpoint_every == 0:
                state["seconds"] = time.perf_counter() - started
                torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "state": state,
                            "config": asdict(config), "rng": torch.get_rng_state(), "ema": average},
                           out / CHECKPOINT)
            if state["step"] >= config.max_steps or state["bad"] >= config.patience:
                break
    best = SyntaxHeads.load(out / "best")
    held = spacy_scores(predict_all(best, features["test"]), read_ud_blocks(ud_dir)["test"])
    meta = json.loads((out / "best" / META_FILE).read_text(encoding="utf-8"))
    meta["heldout_gsd"] = {k: round(v, 4) for k, v in held.items()}
    meta["train_seconds"] = round(time.perf_counter() - started, 1)
    (out / "best" / META_FILE).write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    log(f"held-out GSD: {meta['heldout_gsd']}")
    return {"heldout_gsd": meta["heldout_gsd"], "tune": meta.get("tune"), "step": meta.get("step"),
            "seconds": meta["train_seconds"], "bytes": (out / "best" / WEIGHTS_FILE).stat().st_size}


def evaluate_heads(folder: Path, ud_dir: Path, *, features_dir: Path | None = None) -> dict[str, float]:
    """The held-out GSD figures (spaCy's scorer) of the exported heads in ``folder``, from the cached features."""
    splits = read_ud_splits(ud_dir)
    heads = SyntaxHeads.load(folder)
    predictions = predict_all(heads, load_features("test", splits["test"], out_dir=features_dir))
    return {k: round(v, 4) for k, v in spacy_scores(predictions, read_ud_blocks(ud_dir)["test"]).items()}


def evaluate_with_encoder(folder: Path, ud_dir: Path, encoder: Path) -> dict[str, float]:
    """The held-out GSD figures of the heads in ``folder`` on features computed afresh by ``encoder`` (an ONNX
    folder, e.g. int8, or the torch package): what the run time scores, not the cached training features."""
    from newsgraph.encoder.syntax_component import _default_featurizer

    splits = read_ud_splits(ud_dir)
    heads = SyntaxHeads.load(folder)
    features = _default_featurizer(encoder).encode_words([s.words for s in splits["test"]])
    predictions = [heads.predict(f) for f in features]
    return {k: round(v, 4) for k, v in spacy_scores(predictions, read_ud_blocks(ud_dir)["test"]).items()}


def check_numpy_heads(run: Path, ud_dir: Path, *, sentences: int = 100, split: str = "test",
                      features_dir: Path | None = None) -> dict[str, Any]:
    """Agreement of the run-time heads (numpy, float16 weights) with the torch model of ``run``'s checkpoint on the
    first ``sentences`` sentences of ``split``: share of words with the same UPOS, tag, morphology, head and label.

    Both sides decode with the same single-root MST, so a difference comes from the forward pass or the float16
    weights.

    Raises:
        InputError: ``run`` has no checkpoint.
    """
    import tempfile

    import torch

    from newsgraph.encoder.syntax_heads import decode_tree

    if not (run / CHECKPOINT).is_file():
        raise InputError("no checkpoint to check: train first", path=run / CHECKPOINT)
    saved = torch.load(run / CHECKPOINT, weights_only=False)
    config = HeadsConfig(**saved["config"])
    splits = read_ud_splits(ud_dir)
    vocab = Vocab.build(splits["train"])
    items = splits[split][:sentences]
    features = load_features(split, splits[split], out_dir=features_dir)[:sentences]
    model = build_model(config, vocab, dim=features[0].shape[-1])
    model.load_state_dict(saved["model"])
    model.eval()
    params, meta = export_heads(model, config, vocab)
    with tempfile.TemporaryDirectory() as tmp:
        write_heads(Path(tmp), params, meta)
        runtime = SyntaxHeads.load(Path(tmp))
    same: Counter[str] = Counter()
    words = 0
    with torch.no_grad():
        for feats in features:
            x = torch.from_numpy(feats[:, config.layers, :].astype(np.float32))[None]
            out = model(x, torch.tensor([len(feats)]))
            arc = out["arc"][0, :, : len(feats) + 1].numpy().copy()
            arc[np.arange(len(feats)), np.arange(len(feats)) + 1] = -np.inf
            heads = decode_tree(arc)
            labels = model.label_scores(out["lab_dep"], out["lab_head"], torch.tensor(heads)[None])[0].numpy()
            deps = runtime.constrain_root_label(labels, heads).argmax(1)
            pred = runtime.predict(feats.transpose(1, 0, 2))
            for kind, ours, theirs in (("upos", pred.upos, out["upos"][0].argmax(-1)),
                                       ("tag", pred.tags, out["tag"][0].argmax(-1)),
                                       ("morph", pred.morph, out["morph"][0].argmax(-1)),
                                       ("dep", pred.deps, deps)):
                table = getattr(vocab, kind)
                same[kind] += sum(a == table[int(b)] for a, b in zip(ours, theirs))
            same["head"] += sum(a == b for a, b in zip(pred.heads, heads))
            words += len(feats)
    return {"sentences": len(features), "words": words, "step": saved["state"]["step"],
            **{f"{k}_agreement": round(v / words, 4) for k, v in same.items()}}


def conversion_sentences(ud_dir: Path, count: int) -> list[UdSentence]:
    """The conversion check's sentences: the held-out GSD test sentences, then ``ud-tune``'s, the first ``count``."""
    splits = read_ud_splits(ud_dir)
    return (splits["test"] + splits["tune"])[:count]


def conversion_agreement(heads_dir: Path, ud_dir: Path, package_dir: Path, onnx_dir: Path, *,
                         sentences: int = 300) -> dict[str, Any]:
    """The run-time heads on the torch encoder's float32 features vs on the ONNX encoder's (e.g. int8) features
    of the same sentences (issue 23's conversion check: labels and arcs, not only cosine).

    Args:
        heads_dir: Exported heads (``models/de_e5_syntax`` or a run's ``best/``).
        ud_dir: ``../shared/data/de/ud``.
        package_dir: The torch encoder NER package the ONNX model was exported from (``models/de_e5_ner``).
        onnx_dir: The ONNX encoder (``models/de_e5_onnx``).
        sentences: How many sentences (:func:`conversion_sentences`: held-out GSD first, then ``ud-tune``).

    Returns:
        Sentences, words, the share of words with the same UPOS, STTS tag, morphology, head, label, and head and
        label; each side's accuracies against the gold trees (quick scores: punctuation out of UAS/LAS); the mean
        cosine of the mixed word vectors the heads read.
    """
    from newsgraph.encoder.features import OnnxFeaturizer, TorchFeaturizer

    items = conversion_sentences(ud_dir, sentences)
    words = [s.words for s in items]
    heads = SyntaxHeads.load(heads_dir)
    reference = TorchFeaturizer(package_dir).encode_words(words)
    converted = OnnxFeaturizer(onnx_dir, threads=1).encode_words(words)
    same: Counter[str] = Counter()
    cosines = []
    predictions: dict[str, list[SyntaxPrediction]] = {"torch": [], "onnx": []}
    for ref, conv in zip(reference, converted):
        a, b = heads.predict(ref), heads.predict(conv)
        predictions["torch"].append(a)
        predictions["onnx"].append(b)
        for kind in ("upos", "tags", "morph", "heads", "deps"):
            same[kind] += sum(x == y for x, y in zip(getattr(a, kind), getattr(b, kind)))
        same["arc_label"] += sum(x == y and p == q for x, y, p, q in zip(a.heads, b.heads, a.deps, b.deps))
        u = np.tensordot(heads.mix, ref[heads.layers], axes=1)
        v = np.tensordot(heads.mix, conv[heads.layers], axes=1)
        cosines.append((u * v).sum(1) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1) + 1e-9))
    total = sum(len(w) for w in words)
    names = {"upos": "upos", "tags": "tag", "morph": "morph", "heads": "head", "deps": "label",
             "arc_label": "head_and_label"}
    return {"sentences": len(items), "words": total,
            **{f"{names[k]}_agreement": round(v / total, 4) for k, v in same.items()},
            "torch_float32": {k: round(v, 4) for k, v in quick_scores(predictions["torch"], items).items()},
            "onnx": {k: round(v, 4) for k, v in quick_scores(predictions["onnx"], items).items()},
            "mixed_vector_cosine_mean": round(float(np.concatenate(cosines).mean()), 5),
            "mixed_vector_cosine_min": round(float(np.concatenate(cosines).min()), 5)}


def _evaluate(model: Any, config: HeadsConfig, vocab: Vocab, sentences: Sequence[UdSentence],
              features: Sequence[np.ndarray], out: Path, state: dict[str, Any], started: float,
              log: Callable[[str], None], *, average: dict[str, Any] | None = None) -> None:
    """Score the tune split with the exported numpy heads (of the averaged weights when ``average`` is given,
    the raw ones logged beside them); export ``best/`` when its LAS improves."""
    model.eval()
    params, meta = export_heads(model, config, vocab)
    scores = quick_scores(predict_all(SyntaxHeads(params, meta), features), sentences)
    entry = {"step": state["step"], **{k: round(v, 4) for k, v in scores.items()}}
    if average is not None:
        raw = {k: v.detach().clone() for k, v in model.state_dict().items()}
        model.load_state_dict(average)
        params, meta = export_heads(model, config, vocab)
        model.load_state_dict(raw)
        entry = {**{f"raw_{k}": v for k, v in entry.items() if k != "step"}, "step": state["step"]}
        scores = quick_scores(predict_all(SyntaxHeads(params, meta), features), sentences)
        entry.update({k: round(v, 4) for k, v in scores.items()})
    state["history"].append(entry)
    log(f"step {state['step']} {time.perf_counter() - started:.0f}s tune {entry}")
    if scores["las"] > state["best"]:
        state["best"], state["bad"] = scores["las"], 0
        meta.update({"tune": {k: round(v, 4) for k, v in scores.items()}, "step": state["step"],
                     "features": state.get("features", ""), "warm_start": state.get("warm_start")})
        write_heads(out / "best", params, meta)
    else:
        state["bad"] += 1


__all__ = ["HeadsConfig", "Vocab", "build_model", "check_numpy_heads", "conversion_agreement",
           "conversion_sentences", "evaluate_heads", "evaluate_with_encoder",
           "export_heads", "label_ids", "label_tensors", "learning_rate", "load_heads", "spacy_scores", "train_heads",
           "warm_start", "write_heads"]
