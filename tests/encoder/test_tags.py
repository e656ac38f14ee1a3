"""The encoder NER's decoding: the best well-formed BIO sequence, checked against every sequence of small cases."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from newsgraph.encoder.tags import TAGS, best_tags, decode_spans, first_pieces, word_logits


def ids(*names: str) -> list[int]:
    return [TAGS.index(n) for n in names]


def logits_preferring(*names: str, margin: float = 2.0) -> np.ndarray:
    scores = np.zeros((len(names), len(TAGS)), dtype=np.float32)
    for row, k in enumerate(ids(*names)):
        scores[row, k] = margin
    return scores


def well_formed(tags: tuple[int, ...]) -> bool:
    previous = "O"
    for k in tags:
        prefix, _, kind = TAGS[k].partition("-")
        if prefix == "I" and previous.partition("-")[2] != kind:
            return False
        previous = TAGS[k]
    return True


def log_softmax(x: np.ndarray) -> np.ndarray:
    return x - np.logaddexp.reduce(x, axis=-1, keepdims=True)


def test_each_words_best_tag_when_the_sequence_is_well_formed() -> None:
    assert best_tags(logits_preferring("B-PER", "I-PER", "O", "B-LOC")) == ids("B-PER", "I-PER", "O", "B-LOC")
    assert best_tags(np.zeros((0, len(TAGS)), dtype=np.float32)) == []


def test_an_ill_formed_best_sequence_becomes_one_span_of_the_likelier_label() -> None:
    scores = logits_preferring("B-ORG", "I-LOC")
    scores[1, TAGS.index("I-ORG")] = 1.5  # the second word's runner-up continues the ORG
    assert decode_spans(scores.argmax(-1).tolist()) == {("ORG", 0, 1), ("LOC", 1, 2)}  # what argmax gave
    assert best_tags(scores) == ids("B-ORG", "I-ORG")
    assert best_tags(logits_preferring("I-PER", "I-PER")) != ids("I-PER", "I-PER")  # no sentence opens with I-


@pytest.mark.parametrize("seed", range(20))
def test_the_result_is_the_best_well_formed_sequence(seed: int) -> None:
    rng = np.random.default_rng(seed)
    scores = rng.normal(scale=3.0, size=(3, len(TAGS))).astype(np.float32)
    chosen = tuple(best_tags(scores))
    assert well_formed(chosen)
    total = log_softmax(scores.astype(np.float64))
    best = max(sum(total[i, k] for i, k in enumerate(seq))
               for seq in itertools.product(range(len(TAGS)), repeat=3) if well_formed(seq))
    assert sum(total[i, k] for i, k in enumerate(chosen)) == pytest.approx(best, abs=1e-4)


def test_first_pieces_and_word_logits() -> None:
    first = first_pieces([None, 0, 0, 1, None, 2, None], 4)
    assert first == [1, 3, 5, -1]  # the fourth word has no piece (cut off)
    pieces = np.arange(7 * len(TAGS), dtype=np.float32).reshape(7, len(TAGS))
    words = word_logits(pieces, first)
    assert (words[:3] == pieces[[1, 3, 5]]).all()
    assert best_tags(words[3:]) == ids("O")
