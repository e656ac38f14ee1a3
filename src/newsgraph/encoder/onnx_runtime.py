"""Run the exported e5 NER encoder with onnxruntime: per-word NER logits and layer features, no torch.

A model folder (written by ``newsgraph models export-onnx``, shipped as ``models/de_e5_onnx``) holds
``model.onnx`` (inputs ``input_ids`` and ``attention_mask``, int64 ``[batch, pieces]``; outputs ``ner_logits``
``[batch, pieces, tags]`` and ``hidden_states`` ``[batch, layers + 1, pieces, 384]``, float32), the trimmed
``tokenizer.json`` (read with the ``tokenizers`` package) and ``newsgraph_onnx.json`` (format, tags, checksums,
figures). :func:`load_encoder` checks the folder; :meth:`OnnxEncoder.encode` takes texts already split into words
(spaCy tokens) and returns, for every word, the logits and the hidden states of every layer at its first
sub-word, as the fine-tuning did. Texts are sorted by length and batched so that a batch pads little; a text
longer than the window (510 sub-words between ``<s>`` and ``</s>``) is cut into overlapping windows, and each
sub-word takes its outputs from the window in which it is most central, so nothing is truncated.

Only numpy, onnxruntime and tokenizers are imported here (``pip install "newsgraph[encoder]"``).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from newsgraph.encoder.tags import TAGS, best_tags, first_pieces
from newsgraph.errors import Errors, ModelError

INFO_FILE = "newsgraph_onnx.json"
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
FORMAT = "newsgraph.OnnxEncoder.v1"
ENCODER_PIP = 'pip install "newsgraph[encoder]"'
MAX_PIECES = 512  # the encoder's positions, <s> and </s> included
# Padded sub-words per forward pass: a pass's activations then stay in the core's cache (128 pieces ran the encoder
# 1.17x faster than 512 and 1.4x faster than 1,024 per CPU second; model card, "Speed and memory").
BATCH_PIECES = 128
PAD_ID, BOS_ID, EOS_ID = 1, 0, 2
SHIPPED = "de_e5_onnx"  # the package name of the shipped model (newsgraph.nlp.loading.ONNX_PACKAGE)
_NO_FEATURES = np.zeros((0, 0, 0), dtype=np.float32)


@dataclass(frozen=True)
class Encoded:
    """The encoder's outputs for one text, per word.

    Attributes:
        logits: ``[words, tags]`` float32 NER logits of each word's first sub-word (tags: :data:`TAGS`).
        features: ``[words, layers + 1, hidden]`` float32 hidden states of each word's first sub-word, or
            ``[words, hidden]`` when a :class:`LayerMix` was given (the mixed states); a word without
            sub-words (nothing left after normalisation) gets zeros and the logits of ``O``.
    """

    logits: np.ndarray
    features: np.ndarray

    @property
    def tags(self) -> list[int]:
        """The best well-formed BIO tag id per word (:func:`newsgraph.encoder.tags.best_tags`)."""
        return best_tags(self.logits)


@dataclass(frozen=True)
class LayerMix:
    """A weighted sum over some of the encoder's layers, taken once per batch so that only one ``[pieces,
    hidden]`` array per text is kept (the syntax heads' scalar mix: 13 times less memory than every layer).

    Attributes:
        layers: Indices into the ``layers + 1`` hidden states.
        weights: One float32 weight per entry of ``layers``.
    """

    layers: tuple[int, ...]
    weights: np.ndarray

    def apply(self, hidden: np.ndarray) -> np.ndarray:
        """``[batch, layers + 1, pieces, dim]`` -> ``[batch, pieces, dim]``."""
        # one pass per layer over contiguous [batch, pieces, dim] slices: no copy of the selected layers, and
        # faster than tensordot, which transposes the whole array first
        out = hidden[:, self.layers[0]] * self.weights[0]
        for layer, weight in zip(self.layers[1:], self.weights[1:]):
            out += hidden[:, layer] * weight
        return out


def is_onnx_model(folder: Path) -> bool:
    """Whether ``folder`` holds a model written by ``newsgraph models export-onnx``."""
    return (Path(folder) / INFO_FILE).is_file()


def sha256(path: Path) -> str:
    """The file's sha256, hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def windows(length: int, *, size: int, stride: int) -> list[tuple[int, int]]:
    """``(start, end)`` windows of at most ``size`` over ``length`` items, each ``stride`` after the last; the last
    one ends at ``length``. One window when the whole fits.

    Raises:
        ValueError: ``stride`` is not in ``1..size``.
    """
    if not 0 < stride <= size:
        raise ValueError(f"stride must be in 1..{size}, got {stride}")
    if length <= size:
        return [(0, length)]
    starts = list(range(0, length - size, stride)) + [length - size]
    return [(start, start + size) for start in starts]


def central_owner(length: int, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """For each of ``length`` positions, the index of the span in which it lies furthest from an edge."""
    best = np.full(length, -1, dtype=np.int64)
    margin = np.full(length, -1, dtype=np.int64)
    positions = np.arange(length)
    for k, (start, end) in enumerate(spans):
        inside = (positions >= start) & (positions < end)
        room = np.minimum(positions - start, end - 1 - positions)
        better = inside & (room > margin)
        best[better] = k
        margin[better] = room[better]
    return best


class OnnxEncoder:
    """The exported encoder on onnxruntime, with its trimmed tokenizer.

    Args:
        folder: A folder written by ``newsgraph models export-onnx``.
        device: ``cpu``, or ``cuda`` (needs onnxruntime's CUDA provider, ``onnxruntime-gpu``).
        threads: onnxruntime's intra-op threads (0: its default, one per core).
        max_pieces: Sub-words per forward pass, ``<s>`` and ``</s>`` included (at most 512).
        stride: Sub-words between the starts of two windows of a long text (default: three quarters of a window).
        batch_pieces: Padded sub-words per batch (batch size times the longest text in it).

    Raises:
        ModelError: the extra is missing, the folder is not a model of this format, a file does not match its
            checksum, or the device is not available.
    """

    def __init__(self, folder: Path, *, device: str = "cpu", threads: int = 1, max_pieces: int = MAX_PIECES,
                 stride: int | None = None, batch_pieces: int = BATCH_PIECES) -> None:
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as e:
            raise ModelError(Errors.E216.format(error=e, pip=ENCODER_PIP)) from e
        self.folder = Path(folder)
        self.info = read_info(self.folder)
        if not 2 < max_pieces <= MAX_PIECES:
            raise ModelError(Errors.E219.format(value=max_pieces, limit=MAX_PIECES))
        self.window = max_pieces - 2
        self.stride = stride if stride is not None else max(1, self.window * 3 // 4)
        self.batch_pieces = batch_pieces
        self.tokenizer = Tokenizer.from_file(str(self.folder / TOKENIZER_FILE))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        providers = ["CPUExecutionProvider"]
        if device == "cuda":
            if "CUDAExecutionProvider" not in onnxruntime.get_available_providers():
                raise ModelError(Errors.E218.format(available=", ".join(onnxruntime.get_available_providers())))
            providers.insert(0, "CUDAExecutionProvider")
        elif device != "cpu":
            raise ModelError(Errors.E218.format(available=f"cpu, cuda (got {device!r})"))
        self.device = device
        self.session = onnxruntime.InferenceSession(str(self.folder / MODEL_FILE), options, providers=providers)

    def pieces(self, words: Sequence[Sequence[str]]) -> list[tuple[list[int], list[int]]]:
        """Sub-word ids of each text and the index of each word's first sub-word (-1: none)."""
        out = []
        for encoding, text in zip(self.tokenizer.encode_batch([list(w) for w in words], is_pretokenized=True,
                                                              add_special_tokens=False), words):
            out.append((list(encoding.ids), first_pieces(encoding.word_ids, len(text))))
        return out

    def encode(self, words: Sequence[Sequence[str]], *, features: bool = True,
               mix: LayerMix | None = None) -> list[Encoded]:
        """NER logits and layer features per word for each text of ``words`` (lists of words, e.g. the tokens of
        sentences); texts of any length (long ones in overlapping windows).

        Args:
            words: The texts, each a list of words.
            features: Also return the hidden states (``False``: NER only, ``features`` has no layers; the
                hidden states of a sentence take 20 KB per word, so the NER component leaves them out).
            mix: With ``features``: return the mixed layers ``[words, hidden]`` instead of every layer.

        Example:
            >>> encoder = load_encoder(Path("models/de_e5_onnx"))  # doctest: +SKIP
            >>> [TAGS[k] for k in encoder.encode([["Angela", "Merkel", "lacht"]])[0].tags]  # doctest: +SKIP
            ['B-PER', 'I-PER', 'O']
        """
        texts = self.pieces(words)
        chunks: list[tuple[int, int, int]] = []  # text, window start, window end
        spans: list[list[tuple[int, int]]] = []
        for t, (ids, _) in enumerate(texts):
            spans.append(windows(len(ids), size=self.window, stride=self.stride))
            chunks += [(t, start, end) for start, end in spans[-1]]
        results = self._run(texts, chunks, features=features, mix=mix)
        return [self._merge(texts[t], spans[t], [results[(t, s, e)] for s, e in spans[t]], features=features,
                            mixed=mix is not None)
                for t in range(len(texts))]

    def _run(self, texts: list[tuple[list[int], list[int]]], chunks: list[tuple[int, int, int]], *,
             features: bool, mix: LayerMix | None = None) -> dict[tuple[int, int, int], tuple[np.ndarray, np.ndarray]]:
        """Forward passes over the chunks, sorted by length and batched by padded size."""
        order = sorted(chunks, key=lambda c: c[2] - c[1], reverse=True)
        results: dict[tuple[int, int, int], tuple[np.ndarray, np.ndarray]] = {}
        i = 0
        while i < len(order):
            longest = order[i][2] - order[i][1] + 2
            size = max(1, self.batch_pieces // longest)
            batch = order[i : i + size]
            i += len(batch)
            ids = np.full((len(batch), longest), PAD_ID, dtype=np.int64)
            mask = np.zeros((len(batch), longest), dtype=np.int64)
            for row, (t, start, end) in enumerate(batch):
                piece_ids = [BOS_ID, *texts[t][0][start:end], EOS_ID]
                ids[row, : len(piece_ids)] = piece_ids
                mask[row, : len(piece_ids)] = 1
            outputs = self.session.run(None if features else ["ner_logits"], {"input_ids": ids, "attention_mask": mask})
            mixed = mix.apply(outputs[1]) if features and mix is not None else None
            for row, (t, start, end) in enumerate(batch):
                n = end - start
                # copies, so the padded batch outputs are freed after the batch
                if mixed is not None:
                    hidden = mixed[row, 1 : n + 1].copy()
                else:
                    hidden = outputs[1][row, :, 1 : n + 1].copy() if features else _NO_FEATURES
                results[(t, start, end)] = (outputs[0][row, 1 : n + 1].copy(), hidden)
        return results

    def _merge(self, text: tuple[list[int], list[int]], spans: list[tuple[int, int]],
               outputs: list[tuple[np.ndarray, np.ndarray]], *, features: bool, mixed: bool = False) -> Encoded:
        """Per-word outputs of one text, each sub-word's from the window in which it is most central."""
        ids, first = text
        layers, hidden = (self.info["layers"] + 1, self.info["hidden"]) if features else (0, 0)
        logits = np.zeros((len(first), len(TAGS)), dtype=np.float32)
        logits[:, 1:] = -1e4  # a word without sub-words is tagged O
        shape = (len(first), hidden) if mixed else (len(first), layers, hidden)
        states = np.zeros(shape, dtype=np.float32)
        if len(spans) == 1:  # the common case, one window: no owners to look up
            positions = np.asarray(first, dtype=np.int64)
            found = positions >= 0
            logits[found] = outputs[0][0][positions[found]]
            if features:
                states[found] = outputs[0][1][positions[found]] if mixed else \
                    outputs[0][1][:, positions[found]].transpose(1, 0, 2)
            return Encoded(logits, states)
        owner = central_owner(len(ids), spans)
        for w, position in enumerate(first):
            if position < 0:
                continue
            k = owner[position]
            start = spans[k][0]
            logits[w] = outputs[k][0][position - start]
            if features:
                states[w] = outputs[k][1][position - start] if mixed else outputs[k][1][:, position - start]
        return Encoded(logits, states)


def read_info(folder: Path) -> dict[str, Any]:
    """The metadata of an exported model folder, checked.

    Raises:
        ModelError: the folder or a file is missing, the metadata is not of this format or the tags differ.
    """
    path = Path(folder) / INFO_FILE
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ModelError(Errors.E217.format(path=path, problem=f"cannot read it ({e})")) from e
    if info.get("format") != FORMAT or tuple(info.get("tags", ())) != TAGS:
        raise ModelError(Errors.E217.format(path=path, problem=f"not a {FORMAT} model over the tags {TAGS}"))
    for name in (MODEL_FILE, TOKENIZER_FILE):
        if not (Path(folder) / name).is_file():
            raise ModelError(Errors.E217.format(path=path, problem=f"{name} is missing beside it"))
    return dict(info)


def verify(folder: Path) -> None:
    """Check the model and tokenizer files against the checksums in the metadata (slow: reads them whole).

    Raises:
        ModelError: a file differs from the one exported.
    """
    info = read_info(folder)
    for name, expected in info.get("sha256", {}).items():
        if sha256(Path(folder) / name) != expected:
            raise ModelError(Errors.E217.format(path=Path(folder) / INFO_FILE,
                                                problem=f"{name} does not match its sha256; export it again"))


def load_encoder(folder: Path, **options: Any) -> OnnxEncoder:
    """An :class:`OnnxEncoder` for the model in ``folder`` (options as the class takes them).

    Raises:
        ModelError: as :class:`OnnxEncoder`.
    """
    return OnnxEncoder(folder, **options)


@lru_cache(maxsize=4)
def _shared(folder: str) -> OnnxEncoder:
    return OnnxEncoder(Path(folder))


def default_model_dir() -> Path:
    """The shipped ONNX model, looked for where :func:`newsgraph.nlp.loading.find_shipped_model` looks (that
    module imports this one): ``$NEWSGRAPH_MODELS/de_e5_onnx`` when set, else the checkout's
    ``models/de_e5_onnx``, else the installed package ``de_e5_onnx``.

    Raises:
        ModelError: it is not installed.
    """
    env = os.environ.get("NEWSGRAPH_MODELS")
    places = [Path(env) / SHIPPED] if env else [Path(__file__).resolve().parents[3] / "models" / SHIPPED]
    if not env:
        spec = importlib.util.find_spec(SHIPPED)
        if spec is not None and spec.origin is not None:
            places.append(Path(spec.origin).parent)
    for place in places:
        if is_onnx_model(place):
            return place
    raise ModelError(Errors.E217.format(path=" or ".join(map(str, places)),
                                        problem="the shipped ONNX encoder is not there"))


def encode(words: Sequence[Sequence[str]], *, folder: Path | None = None, features: bool = True) -> list[Encoded]:
    """NER logits and layer features per word of each text, from the model at ``folder`` (default: the shipped
    one), loaded once per process on one thread: what the syntax heads read.

    Args:
        words: The texts, each a list of words (the non-space tokens of a sentence).
        folder: An exported model folder.
        features: Also return the hidden states of every layer.

    Returns:
        One :class:`Encoded` per text: ``logits`` ``[words, 9]``, ``features`` ``[words, 13, 384]`` (float32).

    Raises:
        ModelError: as :class:`OnnxEncoder`.
    """
    return _shared(str(folder if folder is not None else default_model_dir())).encode(words, features=features)


__all__ = ["BATCH_PIECES", "ENCODER_PIP", "Encoded", "FORMAT", "INFO_FILE", "LayerMix", "MAX_PIECES", "MODEL_FILE", "OnnxEncoder",
           "TOKENIZER_FILE", "central_owner", "default_model_dir", "encode", "is_onnx_model", "load_encoder", "read_info", "sha256", "verify",
           "windows"]
