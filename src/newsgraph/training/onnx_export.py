"""Export the fine-tuned e5 NER encoder to ONNX: trimmed vocabulary, int8 weights, for the torch-free runtime.

    newsgraph models export-onnx models/de_e5_ner OUT [--data ../shared/data] [--vocab 50000] [--by-score 60000]
        [--quant dynamic]

Steps (:func:`export_onnx_model`):

1. The encoder package (``models/de_e5_ner``) is loaded with torch as accurate mode does
   (:func:`newsgraph.encoder.package.load_package`).
2. Vocabulary: the 250,002 SentencePiece pieces of multilingual-e5 are counted over the text of the shared
   corpora without non-commercial terms (:func:`vocabulary_sentences`: GermEval part-a without the held-out
   tuning news, SmartData, MobIE, Europeana de/fr, HIPE-2022 newseye/sonar, NEISS Sturm, LER, Europarl, UD GSD
   dev and PUD, GUM news, UNER PUD German). Never counted: WikiNEuRal, HIPE hipe2020, NEISS Arendt, UD LIT, KIND,
   10kGNAD (NC terms), GermEval dev, UD GSD test, and the held-out texts that measure coverage (:data:`HELD_OUT`).
   Kept: the ``top_n`` most frequent pieces, the ``by_score`` Latin-script pieces with the highest Unigram
   log-probability (the tokenizer's own ranking, no corpus involved: it stands in for Italian, English and French
   text the clean corpora lack), the special tokens and every single-character piece of the Latin, Greek and
   Cyrillic scripts, digits, punctuation and symbols, so any text still tokenizes (an unknown character is
   ``<unk>``, as before). The Unigram tokenizer keeps the kept pieces with their original scores, so a word whose
   pieces all survive is segmented exactly as before; the word-embedding rows are remapped.
3. The model is exported with two outputs, ``ner_logits`` ``[batch, pieces, tags]`` and ``hidden_states``
   ``[batch, layers + 1, pieces, hidden]`` (the contract with the syntax heads), then quantized to int8:
   ``dynamic`` (weights per channel, activations at run time; the embedding table too) or ``static``
   (QDQ, activations calibrated on training sentences, never on dev or test).
4. The folder gets ``model.onnx``, ``tokenizer.json`` and ``newsgraph_onnx.json`` (format, tags, sizes,
   checksums, how it was made), which :mod:`newsgraph.encoder.onnx_runtime` reads.

Needs the training extra (torch, transformers) and ``onnx``; the result needs only onnxruntime and tokenizers.
"""

from __future__ import annotations

import hashlib
import json
import random
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from newsgraph.encoder.onnx_runtime import BOS_ID, EOS_ID, FORMAT, INFO_FILE, MODEL_FILE, TOKENIZER_FILE, sha256
from newsgraph.encoder.tags import TAGS
from newsgraph.errors import InputError, ModelError

# Text whose pieces decide the vocabulary (relative to the shared data folder; glob patterns): only corpora
# without non-commercial terms (../shared/data/README.md), never an evaluation set. Not here: WikiNEuRal, HIPE
# hipe2020 and the French/English HIPE, NEISS Arendt, UD LIT, KIND (NC); 10kGNAD (NC); GermEval dev; UD GSD test
# (its held-out 20 % scores the parser); UNER PUD English (it measures English coverage). GermEval part-a and
# SmartData/MobIE are read by :func:`vocabulary_sentences` (part-a without the 400 held-out news sentences).
VOCAB_SOURCES = (
    "de/ner/europarl/*.tsv", "de/ner/europeana/*.bio", "de/ner/hipe2022/HIPE-2022-v2.1-newseye-*-de.tsv",
    "de/ner/hipe2022/HIPE-2022-v2.1-sonar-*-de.tsv", "de/ner/ler/*.conll", "de/ner/neiss/*_sturm.conll",
    "de/ud/de_gsd-ud-dev.conllu", "de/ud/de_pud-ud-test.conllu", "multi/en_gum_news/conllu/*.conllu",
    "multi/uner_pud/de_pud-ud-test.iob2", "multi/fr_europeana/*.bio",
)
GERMEVAL_PART_A = "de/ner/germeval2014/NER-de-test.part-a.tsv"
GERMEVAL_TUNE = 400  # part-a news sentences held out for model selection (training/build.py, seed 0)
SMARTDATA = ("de/ner/smartdata/v1_20180119_train.json.gz", "de/ner/smartdata/v3_20200302_dev.json.gz")
MOBIE = ("de/ner/mobie/ner_conll03_formatted.zip", "train.conll2003")
# Held out: never counted, used to measure coverage (share of pieces that survive).
HELD_OUT = {
    "de": "de/ner/germeval2014/NER-de-dev.tsv", "en": "multi/uner_pud/en_pud-ud-test.iob2",
    "fr": "multi/hipe2022_fr_en/letemps/fr/HIPE-2022-v2.1-letemps-test-fr.tsv",
    "it": "multi/it_kind_wikinews/WN_test.tsv",
}
# Calibration of static quantization: training text only.
CALIBRATION_SOURCE = "de/ner/germeval2014/NER-de-test.part-a.tsv (without the tuning sentences)"
INDEXED = (".conllu", ".iob2")  # token in the second column (the first is its index)
KEEP_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")
SPECIAL = 4  # <s> <pad> </s> <unk> lead the vocabulary; <mask> ends it


def read_sentences(path: Path) -> Iterator[list[str]]:
    """The sentences of a column file (GermEval, CoNLL, BIO, IOB2, CoNLL-U, HIPE TSV) as lists of words.

    Raises:
        InputError: the file cannot be read as UTF-8.
    """
    indexed = path.suffix in INDEXED or path.name.startswith("NER-de-")
    words: list[str] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read {path}: {e}", path=path) from e
    for line in lines:
        if not line.strip():
            if words:
                yield words
            words = []
            continue
        if line.startswith("#") or line.startswith("TOKEN\t"):
            continue
        fields = line.split("\t") if "\t" in line else line.split()
        if indexed:
            if len(fields) > 1 and fields[0].isdigit():
                words.append(fields[1])
        elif fields[0]:
            words.append(fields[0])
    if words:
        yield words


def corpus_sentences(data: Path, patterns: Iterable[str]) -> Iterator[list[str]]:
    """The sentences of every file matching ``patterns`` under ``data``, files in sorted order."""
    for pattern in patterns:
        for path in sorted(data.glob(pattern)):
            yield from read_sentences(path)


def training_part_a(data: Path, *, seed: int = 0) -> list[list[str]]:
    """GermEval-2014 test part-a as trained on: without the news sentences held out for tuning (the split of
    ``training/build.py`` for ``seed``); news first, then Wikipedia."""
    from newsgraph.training import corpora as c

    part_a = list(c.read_germeval(data / GERMEVAL_PART_A))
    news, _ = c.split_holdout([s for s in part_a if c.is_news_source(s.source)], GERMEVAL_TUNE, seed=seed)
    return [s.words for s in news] + [s.words for s in part_a if not c.is_news_source(s.source)]


def vocabulary_sentences(data: Path, *, seed: int = 0) -> Iterator[list[str]]:
    """The sentences whose pieces decide the vocabulary: :data:`VOCAB_SOURCES`, GermEval part-a without the
    held-out tuning news (the split of ``training/build.py`` for ``seed``), SmartData train/dev and MobIE train."""
    from newsgraph.training import corpora as c

    yield from training_part_a(data, seed=seed)
    for name in SMARTDATA:
        yield from (text.split() for _, text, _ in c.read_smartdata_docs(data / name))
    yield from (s.words for s in c.read_mobie_conll(data / MOBIE[0], MOBIE[1]))
    yield from corpus_sentences(data, VOCAB_SOURCES)


def count_pieces(tokenizer: Any, sentences: Iterable[list[str]], size: int) -> np.ndarray:
    """How often each of the ``size`` piece ids occurs in ``sentences`` (a ``tokenizers.Tokenizer``)."""
    counts = np.zeros(size, dtype=np.int64)
    batch: list[list[str]] = []
    for sentence in sentences:
        batch.append(sentence)
        if len(batch) == 512:
            _add_counts(tokenizer, batch, counts)
            batch = []
    _add_counts(tokenizer, batch, counts)
    return counts


def _add_counts(tokenizer: Any, batch: list[list[str]], counts: np.ndarray) -> None:
    for encoding in tokenizer.encode_batch(batch, is_pretokenized=True, add_special_tokens=False):
        np.add.at(counts, np.asarray(encoding.ids, dtype=np.int64), 1)


def _fallback_piece(piece: str) -> bool:
    """A single character (with or without the word-start mark) of a kept script, or a digit/mark/symbol."""
    text = piece[1:] if piece.startswith("\u2581") and len(piece) > 1 else piece
    if len(text) != 1:
        return False
    if not unicodedata.category(text).startswith("L"):
        return ord(text) < 0x3000  # punctuation, digits, symbols outside the CJK blocks
    return unicodedata.name(text, "").split(" ")[0] in KEEP_SCRIPTS


def _latin_piece(piece: str) -> bool:
    """Every letter of ``piece`` is of the Latin script (the four languages' alphabet); digits, marks and
    punctuation may occur, and at least one letter must."""
    letters = [ch for ch in piece.lstrip("\u2581") if unicodedata.category(ch).startswith("L")]
    return bool(letters) and all(unicodedata.name(ch, "").startswith("LATIN") for ch in letters)


def select_pieces(counts: np.ndarray, vocab: list[tuple[str, float]], top_n: int, by_score: int = 0) -> list[int]:
    """The piece ids to keep, in the original order: specials, the ``top_n`` most frequent, the ``by_score``
    most probable Latin-script pieces, fallback characters.

    Args:
        counts: Occurrences per piece id (:func:`count_pieces`).
        vocab: The Unigram vocabulary, ``(piece, score)`` per id.
        top_n: Frequent pieces to keep (0: all pieces).
        by_score: Latin-script pieces with the highest Unigram log-probability to keep as well (the
            tokenizer's own ranking, independent of any corpus; 0: none).
    """
    if top_n <= 0 or top_n >= len(vocab):
        return list(range(len(vocab)))
    keep = set(range(SPECIAL)) | {len(vocab) - 1}
    ranked = np.argsort(-counts, kind="stable")
    keep |= {int(i) for i in ranked[:top_n] if counts[i] > 0}
    if by_score > 0:
        latin = [i for i in range(SPECIAL, len(vocab) - 1) if _latin_piece(vocab[i][0])]
        scores = np.array([vocab[i][1] for i in latin])
        keep |= {latin[int(j)] for j in np.argsort(-scores, kind="stable")[:by_score]}
    keep |= {i for i, (piece, _) in enumerate(vocab) if _fallback_piece(piece)}
    return sorted(keep)


def trim_tokenizer(config: dict[str, Any], kept: list[int]) -> dict[str, Any]:
    """The ``tokenizer.json`` content with only the ``kept`` piece ids, renumbered in order.

    Raises:
        ModelError: the tokenizer is not the Unigram model with the special tokens this expects.
    """
    model = config.get("model", {})
    if model.get("type") != "Unigram" or kept[:SPECIAL] != list(range(SPECIAL)):
        raise ModelError("trim_tokenizer expects the e5 Unigram tokenizer with <s> <pad> </s> <unk> as ids 0-3")
    new_id = {old: new for new, old in enumerate(kept)}
    out = json.loads(json.dumps(config))
    out["model"]["vocab"] = [model["vocab"][i] for i in kept]
    out["model"]["unk_id"] = new_id[model["unk_id"]]
    for token in out.get("added_tokens", []):
        token["id"] = new_id[token["id"]]
    post = out.get("post_processor") or {}
    for special in post.get("special_tokens", {}).values():
        special["ids"] = [new_id[i] for i in special["ids"]]
    return out


def load_tokenizer(config: dict[str, Any]) -> Any:
    """A ``tokenizers.Tokenizer`` from ``tokenizer.json`` content."""
    from tokenizers import Tokenizer

    return Tokenizer.from_str(json.dumps(config))


def coverage(original: Any, trimmed: Any, sentences: list[list[str]]) -> dict[str, float]:
    """How much of ``sentences`` the trimmed tokenizer segments as the original one.

    Returns:
        ``pieces``: share of the original pieces that survive (same piece, same place in an unchanged word);
        ``words``: share of words segmented exactly as before; ``unk``: share of trimmed pieces that are
        ``<unk>``; ``pieces_per_word`` before and after.
    """
    before = original.encode_batch(sentences, is_pretokenized=True, add_special_tokens=False)
    after = trimmed.encode_batch(sentences, is_pretokenized=True, add_special_tokens=False)
    words = same_words = pieces = same_pieces = after_pieces = unk = 0
    for a, b in zip(before, after):
        old = _pieces_by_word(a)
        new = _pieces_by_word(b)
        for w, old_pieces in old.items():
            words += 1
            pieces += len(old_pieces)
            if new.get(w) == old_pieces:
                same_words += 1
                same_pieces += len(old_pieces)
        after_pieces += len(b.ids)
        unk += sum(1 for token in b.tokens if token == "<unk>")
    return {"pieces": round(same_pieces / max(pieces, 1), 4), "words": round(same_words / max(words, 1), 4),
            "unk": round(unk / max(after_pieces, 1), 5), "pieces_per_word_before": round(pieces / max(words, 1), 3),
            "pieces_per_word_after": round(after_pieces / max(words, 1), 3)}


def _pieces_by_word(encoding: Any) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for token, word in zip(encoding.tokens, encoding.word_ids):
        if word is not None:
            out.setdefault(word, []).append(token)
    return out


def export_graph(model: Any, path: Path, *, kept: list[int] | None = None) -> None:
    """Write ``model`` (a BERT token classifier) as ONNX with the contract's two outputs, its word embeddings
    cut to the ``kept`` rows."""
    import torch

    class Exported(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any) -> tuple[Any, Any]:
            out = self.inner(input_ids=input_ids, attention_mask=attention_mask, output_hidden_states=True)
            return out.logits, torch.stack(out.hidden_states, 1)

    if kept is not None:
        embeddings = model.get_input_embeddings()
        trimmed = torch.nn.Embedding(len(kept), embeddings.weight.shape[1])
        trimmed.weight.data = embeddings.weight.data[torch.tensor(kept)].clone()
        model.set_input_embeddings(trimmed)
        model.config.vocab_size = len(kept)
    ids = torch.tensor([[0, 5, 6, 7, 2], [0, 8, 2, 1, 1]])  # shapes only: the axes are dynamic
    mask = (ids != 1).long()
    dynamic = {0: "batch", 1: "pieces"}
    torch.onnx.export(
        Exported(model.eval()), (ids, mask), str(path), input_names=["input_ids", "attention_mask"],
        output_names=["ner_logits", "hidden_states"], opset_version=17, dynamo=False,
        dynamic_axes={"input_ids": dynamic, "attention_mask": dynamic, "ner_logits": dynamic,
                      "hidden_states": {0: "batch", 2: "pieces"}},
    )


def quantize_dynamic(source: Path, target: Path, *, per_channel: bool = True) -> None:
    """int8 weights (MatMul per output channel; the embedding Gather too), activations quantized at run time."""
    from onnxruntime.quantization import QuantType, quantize_dynamic as quantize

    quantize(str(source), str(target), weight_type=QuantType.QInt8, per_channel=per_channel,
             op_types_to_quantize=["MatMul", "Gather"])


def smoothing_targets(model: Any) -> list[Any]:
    """The matrix products whose inputs :func:`smooth_activations` rescales: in every layer the attention output,
    feed-forward input and feed-forward output projections (a weight initializer as second input; the query,
    key and value projections share their input and are left alone)."""
    weights = {init.name for init in model.graph.initializer}
    return [node for node in model.graph.node
            if node.op_type == "MatMul" and node.input[1] in weights and "/encoder/layer." in node.name
            and "/attention/self/" not in node.name]


def activation_ranges(model: Any, tokenizer: Any, sentences: list[list[str]], tensors: list[str]) -> dict[
        str, np.ndarray]:
    """Per-channel maximum of ``|x|`` of each named tensor of the float32 ``model`` over ``sentences`` (one
    sentence per pass, so no padding enters the ranges)."""
    import onnx
    import onnxruntime as ort

    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    for name in tensors:
        probe.graph.output.append(onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    session = ort.InferenceSession(probe.SerializeToString(), providers=["CPUExecutionProvider"])
    ranges: dict[str, np.ndarray] = {}
    for encoding in tokenizer.encode_batch(sentences, is_pretokenized=True, add_special_tokens=False):
        ids = np.array([[BOS_ID, *encoding.ids[:510], EOS_ID]], dtype=np.int64)
        outputs = session.run(tensors, {"input_ids": ids, "attention_mask": np.ones_like(ids)})
        for name, value in zip(tensors, outputs):
            peak = np.abs(value.reshape(-1, value.shape[-1])).max(axis=0)
            ranges[name] = np.maximum(ranges[name], peak) if name in ranges else peak
    return ranges


def smooth_activations(source: Path, target: Path, tokenizer: Any, sentences: list[list[str]], *,
                       alpha: float) -> int:
    """SmoothQuant (Xiao et al., 2023) on the float32 graph, before dynamic quantization: the input channels of
    each :func:`smoothing_targets` product are divided by ``s_j = max|x_j|^alpha / max|w_j|^(1 - alpha)`` (an
    inserted ``Mul``) and the weight's rows multiplied by it, so the product is unchanged in float32 while a
    few large activation channels no longer set the one int8 scale of the whole input. Returns how many products
    were smoothed.

    Args:
        source: The float32 graph.
        target: Where to write the smoothed float32 graph.
        tokenizer: The export's (trimmed) ``tokenizers`` tokenizer.
        sentences: Calibration sentences (training text) for the activation ranges.
        alpha: How much of each channel's range moves into the weights (0 to 1).
    """
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(source))
    nodes = smoothing_targets(model)
    ranges = activation_ranges(model, tokenizer, sentences, sorted({node.input[0] for node in nodes}))
    weights = {init.name: init for init in model.graph.initializer}
    smoothed = {id(node) for node in nodes}
    ordered = []
    for node in model.graph.node:
        if id(node) in smoothed:
            weight = numpy_helper.to_array(weights[node.input[1]])  # [in, out]
            scale = (np.power(np.maximum(ranges[node.input[0]], 1e-5), alpha)
                     / np.power(np.maximum(np.abs(weight).max(axis=1), 1e-5), 1 - alpha)).astype(np.float32)
            weights[node.input[1]].CopyFrom(numpy_helper.from_array(weight * scale[:, None], node.input[1]))
            divisor = numpy_helper.from_array((1.0 / scale).astype(np.float32), f"{node.name}/smooth_scale")
            model.graph.initializer.append(divisor)
            scaled = f"{node.name}/smoothed_input"
            ordered.append(onnx.helper.make_node("Mul", [node.input[0], divisor.name], [scaled],
                                                 name=f"{node.name}/smooth"))
            node.input[0] = scaled
        ordered.append(node)
    del model.graph.node[:]
    model.graph.node.extend(ordered)
    onnx.save(model, str(target))
    return len(nodes)


class _Calibration:
    """Feeds onnxruntime's static quantization calibration batches of tokenized sentences."""

    def __init__(self, batches: list[dict[str, np.ndarray]]) -> None:
        self.batches = iter(batches)

    def get_next(self) -> dict[str, np.ndarray] | None:
        return next(self.batches, None)


def calibration_batches(tokenizer: Any, sentences: list[list[str]], *,
                        batch_size: int = 10) -> list[dict[str, np.ndarray]]:
    """``input_ids``/``attention_mask`` batches (``<s> … </s>``, padded with id 1) of ``sentences``, all padded to
    the same width and cut to whole batches (the histogram calibration stacks the batches' activations)."""
    batches = []
    encodings = tokenizer.encode_batch(sentences, is_pretokenized=True, add_special_tokens=False)
    width = min(max(len(e.ids) for e in encodings) + 2, 512)
    full = max(len(sentences) // batch_size, 1) * batch_size  # whole batches only: the same shape for all
    for start in range(0, min(full, len(sentences)), batch_size):
        rows = [[0, *e.ids[:510], 2] for e in encodings[start : start + batch_size]]
        ids = np.ones((len(rows), width), dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for i, row in enumerate(rows):
            ids[i, : len(row)] = row
            mask[i, : len(row)] = 1
        batches.append({"input_ids": ids, "attention_mask": mask})
    return batches


def quantize_static(source: Path, target: Path, batches: list[dict[str, np.ndarray]], *,
                    per_channel: bool = True) -> None:
    """int8 weights and activations of the matrix products (QDQ), activation ranges calibrated on ``batches``;
    then the embedding table int8 as in :func:`quantize_dynamic` (softmax and layer norms stay float32)."""
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static as quantize

    products = target.with_name(target.stem + ".matmul.onnx")
    quantize(str(source), str(products), _Calibration(batches), quant_format=QuantFormat.QDQ,  # type: ignore[arg-type]
             per_channel=per_channel, weight_type=QuantType.QInt8, activation_type=QuantType.QUInt8,
             op_types_to_quantize=["MatMul"], calibrate_method=CalibrationMethod.Percentile,
             extra_options={"ActivationSymmetric": False, "WeightSymmetric": True})
    from onnxruntime.quantization import quantize_dynamic as quantize_tables

    quantize_tables(str(products), str(target), weight_type=QuantType.QInt8, op_types_to_quantize=["Gather"])
    products.unlink()


def calibration_sentences(data: Path, count: int, *, seed: int = 13) -> list[list[str]]:
    """``count`` training sentences (GermEval test part-a without the tuning sentences) drawn at random."""
    sentences = training_part_a(data)
    random.Random(seed).shuffle(sentences)
    return sentences[:count]


def _piece_counts(tokenizer: Any, data: Path, size: int, work_dir: Path | None,
                  log: Callable[[str], None]) -> np.ndarray:
    """Piece counts over :func:`vocabulary_sentences`, kept in ``work_dir`` (when given) for the next export;
    the file name carries a digest of the sources, so a changed source list is counted afresh."""
    digest = hashlib.sha256(json.dumps([VOCAB_SOURCES, GERMEVAL_PART_A, GERMEVAL_TUNE, SMARTDATA, MOBIE])
                            .encode()).hexdigest()[:12]
    cached = Path(work_dir) / f"piece_counts-{digest}.npy" if work_dir is not None else None
    if cached is not None and cached.is_file():
        return np.load(cached)
    log("counting pieces")
    counts = count_pieces(tokenizer, vocabulary_sentences(data), size)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        np.save(cached, counts)
    return counts


def export_onnx_model(
    package_dir: Path, out_dir: Path, *, data: Path, top_n: int = 30000, by_score: int = 0,
    quant: str = "dynamic", per_channel: bool = True, calibration: int = 300, smooth: float = 0.0,
    work_dir: Path | None = None, log: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Export the encoder package at ``package_dir`` to the ONNX model folder ``out_dir``.

    Args:
        package_dir: An encoder NER package (``models/de_e5_ner``).
        out_dir: The folder to write (``model.onnx``, ``tokenizer.json``, ``newsgraph_onnx.json``).
        data: The shared corpora folder (vocabulary counts, calibration).
        top_n: Frequent pieces to keep (0: the whole vocabulary).
        by_score: Pieces with the highest Unigram log-probability to keep as well (:func:`select_pieces`).
        quant: ``dynamic``, ``static`` or ``none`` (float32).
        per_channel: Quantize weights per output channel.
        calibration: Training sentences for static calibration and for the activation ranges of ``smooth``.
        smooth: SmoothQuant's alpha before dynamic quantization (:func:`smooth_activations`; 0: off).
        work_dir: Where the float32 graph is written (default: ``out_dir``; it is removed after quantization)
            and the piece counts are kept for the next export.
        log: Progress messages.

    Returns:
        The metadata written to ``newsgraph_onnx.json``.

    Raises:
        ModelError: the package cannot be loaded, or ``quant`` is unknown.
    """
    from newsgraph.encoder.convert import build_encoder
    from newsgraph.encoder.package import load_package

    if quant not in ("dynamic", "static", "none"):
        raise ModelError(f"quant: {quant!r} is not one of dynamic, static, none")
    if not 0.0 <= smooth <= 1.0 or (smooth and quant != "dynamic"):
        raise ModelError(f"smooth: {smooth} must be between 0 and 1, and is for --quant dynamic only (0: off)")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    encoder_dir = build_encoder()
    config = json.loads((encoder_dir / TOKENIZER_FILE).read_text(encoding="utf-8"))
    original = load_tokenizer(config)
    vocab = config["model"]["vocab"]
    counts = _piece_counts(original, data, len(vocab), work_dir, log)
    kept = select_pieces(counts, vocab, top_n, by_score)
    trimmed_config = trim_tokenizer(config, kept)
    trimmed = load_tokenizer(trimmed_config)
    held_out = {lang: list(read_sentences(data / path)) for lang, path in HELD_OUT.items()}
    covered = {lang: coverage(original, trimmed, sentences) for lang, sentences in held_out.items()}
    log(f"kept {len(kept)} pieces; coverage {covered}")
    (out / TOKENIZER_FILE).write_text(json.dumps(trimmed_config, ensure_ascii=False), encoding="utf-8")

    _, model = load_package(package_dir, encoder_dir=encoder_dir)
    fp32 = Path(work_dir or out) / "model.fp32.onnx"
    log("exporting")
    export_graph(model, fp32, kept=kept if len(kept) < len(vocab) else None)
    target = out / MODEL_FILE
    smoothed = 0
    if smooth:
        log("smoothing activations")
        smoothed = smooth_activations(fp32, fp32, trimmed, calibration_sentences(data, calibration), alpha=smooth)
    if quant == "dynamic":
        quantize_dynamic(fp32, target, per_channel=per_channel)
    elif quant == "static":
        batches = calibration_batches(trimmed, calibration_sentences(data, calibration))
        quantize_static(fp32, target, batches, per_channel=per_channel)
    else:
        fp32.replace(target)
    if fp32.exists():
        fp32.unlink()
    info = {
        "format": FORMAT, "tags": list(TAGS), "layers": int(model.config.num_hidden_layers),
        "hidden": int(model.config.hidden_size), "max_pieces": 512,
        "source": {"package": Path(package_dir).name, "package_sha256": sha256(Path(package_dir) / "ner_delta.safetensors")},
        "vocabulary": {"top_n": top_n, "by_score": by_score, "kept": len(kept), "of": len(vocab),
                       "sources": [f"{GERMEVAL_PART_A} without {GERMEVAL_TUNE} held-out news sentences", *SMARTDATA,
                                   f"{MOBIE[0]}:{MOBIE[1]}", *VOCAB_SOURCES],
                       "held_out": HELD_OUT, "coverage": covered},
        "quantization": {"mode": quant, "per_channel": per_channel,
                         **({"calibration": f"{calibration} sentences of {CALIBRATION_SOURCE}"}
                            if quant == "static" or smooth else {}),
                         **({"smooth": {"alpha": smooth, "products": smoothed}} if smooth else {})},
        "sha256": {name: sha256(out / name) for name in (MODEL_FILE, TOKENIZER_FILE)},
        "megabytes": round(sum((out / name).stat().st_size for name in (MODEL_FILE, TOKENIZER_FILE)) / 1e6, 1),
    }
    (out / INFO_FILE).write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return info


__all__ = ["HELD_OUT", "VOCAB_SOURCES", "activation_ranges", "calibration_batches", "count_pieces", "coverage",
           "export_graph", "export_onnx_model", "quantize_dynamic", "quantize_static", "read_sentences",
           "select_pieces", "smooth_activations", "smoothing_targets", "training_part_a", "trim_tokenizer",
           "vocabulary_sentences"]
