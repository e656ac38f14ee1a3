"""The encoder NER's tag set and its BIO decoding, shared by the runtime component and the fine-tuning."""

from __future__ import annotations

from collections.abc import Sequence

LABELS = ("PER", "LOC", "ORG", "MISC")
TAGS = ("O", *(f"{prefix}-{label}" for label in LABELS for prefix in ("B", "I")))

Span = tuple[str, int, int]  # label, first word, end word (exclusive)


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


__all__ = ["LABELS", "Span", "TAGS", "decode_spans"]
