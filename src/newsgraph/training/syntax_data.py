"""UD German sentences for the encoder's syntax heads, and their encoder features cached on disk (training side).

Splits follow :func:`newsgraph.training.build.build_ud` exactly (same seed, same cuts), so the held-out set is the
model card's 196 held-out GSD test sentences:

* ``train``: GSD dev + PUD + 60 % of GSD test (PUD's Penn-style XPOS is missing: the tag head learns STTS only);
* ``tune``: the next 20 % of GSD test (the model card's ``ud-tune``), used for early stopping only;
* ``test``: the last 20 % of GSD test, never trained or tuned on (``models/build/ud-test.conllu``).

Words, tags, morphology and trees come from spaCy's CoNLL-U converter (multi-word tokens merged), the same
Docs ``newsgraph evaluate --format conllu`` scores against. Features are the per-word (first piece) hidden
states of all layers of the fine-tuned e5 NER encoder, cached as float16 under
``$NEWSGRAPH_CACHE/syntax-features/`` (never in the repository).
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from newsgraph.encoder.convert import cache_dir
from newsgraph.encoder.features import Featurizer, OnnxFeaturizer, TorchFeaturizer
from newsgraph.encoder.onnx_runtime import MODEL_FILE, is_onnx_model, sha256
from newsgraph.errors import InputError
from newsgraph.tools.corpora import conllu_text_to_docs
from newsgraph.training.build import _NO_XPOS, conllu_blocks, without_xpos

SPLITS = ("train", "tune", "test")


@dataclass
class UdSentence:
    """One gold sentence: words and per-word labels; ``heads`` are 0 for the root, else the 1-based head."""

    words: list[str]
    tags: list[str]  # "" where missing (PUD)
    upos: list[str]
    morph: list[str]
    heads: list[int]
    deps: list[str]


def _sentence(block: str) -> UdSentence:
    doc = conllu_text_to_docs(block)[0]
    return UdSentence(
        words=[t.text for t in doc],
        tags=["" if _NO_XPOS in t.tag_ else t.tag_ for t in doc],
        upos=[t.pos_ for t in doc],
        morph=[str(t.morph) for t in doc],
        heads=[0 if t.head.i == t.i else t.head.i + 1 for t in doc],
        deps=[t.dep_ for t in doc],
    )


def read_ud_blocks(ud_dir: Path, *, seed: int = 0) -> dict[str, list[str]]:
    """The CoNLL-U sentence blocks of the train / tune / test splits (see the module docstring).

    Raises:
        InputError: a UD file is missing.
    """
    names = ("de_gsd-ud-test.conllu", "de_gsd-ud-dev.conllu", "de_pud-ud-test.conllu")
    for name in names:
        if not (ud_dir / name).is_file():
            raise InputError(f"missing UD file {name}: give the de/ud folder of ../shared/data", path=ud_dir / name)
    test = conllu_blocks(ud_dir / names[0])
    order = list(range(len(test)))
    random.Random(seed).shuffle(order)
    cut1, cut2 = int(len(test) * 0.6), int(len(test) * 0.8)
    train = conllu_blocks(ud_dir / names[1]) + [without_xpos(b) for b in conllu_blocks(ud_dir / names[2])]
    train += [test[i] for i in order[:cut1]]
    return {"train": train, "tune": [test[i] for i in order[cut1:cut2]],
            "test": [test[i] for i in sorted(order[cut2:])]}


def read_ud_splits(ud_dir: Path, *, seed: int = 0) -> dict[str, list[UdSentence]]:
    """The train / tune / test sentences of the model card's UD protocol (see the module docstring).

    Raises:
        InputError: a UD file is missing.
    """
    return {split: [_sentence(b) for b in blocks] for split, blocks in read_ud_blocks(ud_dir, seed=seed).items()}


def features_dir(encoder: Path | None = None) -> Path:
    """Where the cached features of ``encoder`` live.

    Args:
        encoder: An ONNX encoder folder (``newsgraph models export-onnx``), or ``None`` for the torch package's.

    Returns:
        ``$NEWSGRAPH_CACHE/syntax-features`` for the torch encoder NER package (float32 torch features, the first
        cache), ``$NEWSGRAPH_CACHE/syntax-features/onnx-NAME-SHA8`` for an ONNX encoder (its folder name and the
        first 8 hex digits of its model.onnx's sha256: a re-export gets its own cache).
    """
    root = cache_dir() / "syntax-features"
    if encoder is None:
        return root
    return root / f"onnx-{Path(encoder).resolve().name}-{sha256(Path(encoder) / MODEL_FILE)[:8]}"


def _fingerprint(sentences: Sequence[UdSentence]) -> str:
    return hashlib.sha256(json.dumps([s.words for s in sentences]).encode()).hexdigest()[:16]


def _featurizer(package_dir: Path, encoder: Path | None) -> Featurizer:
    """The ONNX encoder's featurizer (one onnxruntime thread) or the torch package's (one torch thread).

    Raises:
        InputError: ``encoder`` is not an ONNX encoder folder.
    """
    if encoder is not None:
        if not is_onnx_model(encoder):
            raise InputError("--encoder needs an ONNX encoder folder (`newsgraph models export-onnx`, e.g. "
                             "models/de_e5_onnx); the torch package is the default", path=encoder)
        return OnnxFeaturizer(encoder, threads=1)
    import torch

    torch.set_num_threads(1)
    return TorchFeaturizer(package_dir)


def extract_features(
    ud_dir: Path, package_dir: Path, *, encoder: Path | None = None, out_dir: Path | None = None,
    limit: int | None = None, log: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Compute and cache ``[words, layers, dim]`` float16 features of every split's sentences.

    Args:
        ud_dir: ``../shared/data/de/ud``.
        package_dir: the encoder NER package (``models/de_e5_ner``), used when ``encoder`` is ``None``.
        encoder: an ONNX encoder folder (``models/de_e5_onnx``): its features (what the run time computes).
        out_dir: cache folder (default :func:`features_dir` of the encoder).
        limit: only the first ``limit`` sentences of each split (for timing).
        log: progress callback.

    Returns:
        Per split: sentences, words and seconds; ``cache``: the folder written.

    Raises:
        InputError: a UD file is missing or ``encoder`` is not an ONNX folder.
    """
    featurizer = _featurizer(package_dir, encoder)
    out = out_dir or features_dir(encoder)
    out.mkdir(parents=True, exist_ok=True)
    splits = read_ud_splits(ud_dir)
    stats: dict[str, Any] = {"cache": str(out)}
    for split, sentences in splits.items():
        sentences = sentences[:limit] if limit else sentences
        started = time.perf_counter()
        chunks = []
        for i in range(0, len(sentences), 100):  # bounded memory: float32 features take 20 KB a word
            batch = featurizer.encode_words([s.words for s in sentences[i:i + 100]])
            chunks += [f.transpose(1, 0, 2).astype(np.float16) for f in batch]
            if i % 500 == 0:
                log(f"{split} {i}/{len(sentences)} {time.perf_counter() - started:.0f}s")
        name = f"{split}{'-' + str(limit) if limit else ''}.npz"
        write_features(out / name, sentences, chunks)
        stats[split] = {"sentences": len(sentences), "words": sum(len(s.words) for s in sentences),
                        "seconds": round(time.perf_counter() - started, 1)}
        log(f"{split}: {stats[split]}")
    return stats


def write_features(path: Path, sentences: Sequence[UdSentence], features: Sequence[np.ndarray]) -> None:
    """Store ``[words, layers, dim]`` features of ``sentences`` (float16) where :func:`load_features` finds them."""
    offsets = np.cumsum([0] + [len(s.words) for s in sentences])
    np.savez(path, features=np.concatenate(features).astype(np.float16), offsets=offsets,
             fingerprint=np.array(_fingerprint(sentences)))


def load_features(split: str, sentences: Sequence[UdSentence], *, out_dir: Path | None = None) -> list[np.ndarray]:
    """The cached ``[words, layers, dim]`` features of ``sentences`` (one array per sentence).

    Raises:
        InputError: no cache, or it was computed for other sentences.
    """
    path = (out_dir or features_dir()) / f"{split}.npz"
    if not path.is_file():
        raise InputError("no cached syntax features: run `newsgraph models syntax-features` first", path=path)
    data = np.load(path)
    if str(data["fingerprint"]) != _fingerprint(sentences):
        raise InputError("cached features belong to other sentences: rerun `newsgraph models syntax-features`",
                         path=path)
    features, offsets = data["features"], data["offsets"]
    return [features[offsets[i]:offsets[i + 1]] for i in range(len(sentences))]


__all__ = ["SPLITS", "TorchFeaturizer", "UdSentence", "extract_features", "features_dir", "load_features",
           "read_ud_blocks", "read_ud_splits", "write_features"]
