"""The encoder NER's tag set, its BIO decoding and the word groups it tags, shared by the runtime components
(torch and ONNX) and the fine-tuning."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from spacy.tokens import Doc
from spacy.tokens import Span as DocSpan

LABELS = ("PER", "LOC", "ORG", "MISC")
TAGS = ("O", *(f"{prefix}-{label}" for label in LABELS for prefix in ("B", "I")))

Span = tuple[str, int, int]  # label, first word, end word (exclusive)


def _continues(previous: str, tag: str) -> bool:
    """May ``tag`` follow ``previous``? Only an ``I-X`` is restricted: it continues a ``B-X`` or ``I-X``."""
    prefix, _, kind = tag.partition("-")
    return prefix != "I" or previous.partition("-")[2] == kind and previous[0] in "BI"


_FOLLOWS = np.array([[0.0 if _continues(a, b) else -np.inf for b in TAGS] for a in TAGS])  # [previous, next]


def first_pieces(word_ids: Iterable[int | None], words: int) -> list[int]:
    """Each word's first sub-word position from a tokenizer's per-piece word indices (``-1``: the word has no
    piece, e.g. cut off at a maximum length)."""
    first = [-1] * words
    for position, word in enumerate(word_ids):
        if word is not None and first[word] < 0:
            first[word] = position
    return first


def word_logits(piece_logits: np.ndarray, first: Sequence[int]) -> np.ndarray:
    """``[words, tags]`` logits: each word's first sub-word's row of ``piece_logits``; a word without a piece
    (``-1``) is ``O``."""
    out = np.zeros((len(first), len(TAGS)), dtype=np.float32)
    out[:, 0] = 1.0  # TAGS[0] is "O"
    kept = [k for k, position in enumerate(first) if position >= 0]
    out[kept] = piece_logits[[first[k] for k in kept]]
    return out


def best_tags(logits: np.ndarray) -> list[int]:
    """The best well-formed BIO tag ids for one word group's ``[words, tags]`` logits.

    Each word's own best tag when that sequence is well-formed (no ``I-X`` except after ``B-X`` or ``I-X``): it is
    then also the best well-formed one. Otherwise the best well-formed sequence by the summed log-probabilities
    (Viterbi), instead of repairing an ill-formed one afterwards: ``B-ORG I-LOC`` becomes one span of the likelier
    label, not two spans.
    """
    picks = logits.argmax(-1).tolist() if len(logits) else []
    if all(_FOLLOWS[a, b] == 0.0 for a, b in zip([0, *picks], picks)):
        return [int(k) for k in picks]
    scores = logits - np.logaddexp.reduce(logits, axis=-1, keepdims=True)
    total = _FOLLOWS[0] + scores[0]  # a sentence opens as after an O
    back = np.zeros(scores.shape, dtype=np.int64)
    for i in range(1, len(scores)):
        candidates = total[:, None] + _FOLLOWS
        back[i] = candidates.argmax(0)
        total = candidates.max(0) + scores[i]
    path = [int(total.argmax())]
    for i in range(len(scores) - 1, 0, -1):
        path.append(int(back[i, path[-1]]))
    return path[::-1]


def decode_spans(tags: Sequence[int]) -> set[Span]:
    """BIO tag ids -> spans; an ``I-X`` that does not continue an ``X`` opens a new span (as conlleval)."""
    spans: set[Span] = set()
    label, start = None, 0
    for i, tag in enumerate([*tags, 0]):
        name = TAGS[tag]
        prefix, _, kind = name.partition("-")
        if label is not None and (prefix != "I" or kind != label):
            spans.add((label, start, i))
            label = None
        if prefix == "B" or (prefix == "I" and label is None):
            label, start = kind, i
    return spans


Unit = tuple[int, list[int]]  # the Doc's position in a batch, the token indices of its words


def word_units(doc: Doc, index: int) -> list[Unit]:
    """The word groups tagged together: the sentences when known, else the whole Doc (whitespace left out)."""
    parts = doc.sents if doc.has_annotation("SENT_START") else [doc[:]]
    units = [(index, [token.i for token in part if not token.is_space]) for part in parts]
    return [unit for unit in units if unit[1]]


def set_entities(docs: Sequence[Doc], tagged: Iterable[tuple[Unit, Sequence[int]]]) -> None:
    """Set ``doc.ents`` of ``docs`` from the BIO tag ids of their word units (see :func:`word_units`)."""
    spans: list[list[DocSpan]] = [[] for _ in docs]
    for (index, tokens), tags in tagged:
        for label, first, end in decode_spans(tags):
            spans[index].append(DocSpan(docs[index], tokens[first], tokens[end - 1] + 1, label=label))
    for doc, doc_spans in zip(docs, spans):
        doc.ents = sorted(doc_spans, key=lambda span: span.start)


__all__ = ["LABELS", "Span", "TAGS", "Unit", "best_tags", "decode_spans", "first_pieces", "set_entities", "word_logits",
           "word_units"]
