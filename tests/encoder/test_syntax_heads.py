"""The numpy syntax heads: MST decoding gives well-formed (and maximal) trees; the forward pass equals torch's."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from newsgraph.encoder.syntax_heads import decode_tree
from support import is_tree


def _log_softmax(x: np.ndarray) -> np.ndarray:
    shifted = x - x.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def best_tree_brute_force(scores: np.ndarray) -> float:
    n = len(scores)
    table = _log_softmax(scores)
    best = -np.inf
    for heads in itertools.product(range(n + 1), repeat=n):
        if all(h != i + 1 for i, h in enumerate(heads)) and is_tree(list(heads)):
            best = max(best, sum(table[i, h] for i, h in enumerate(heads)))
    return best


@pytest.mark.parametrize("seed", range(40))
def test_decode_tree_is_well_formed_on_random_scores(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    scores = rng.normal(size=(n, n + 1)) * rng.uniform(0.1, 10)
    scores[:, 0] += rng.uniform(0, 5)  # favour many roots: the single-root repair must kick in
    heads = decode_tree(scores)
    assert len(heads) == n
    assert all(0 <= h <= n and h != i + 1 for i, h in enumerate(heads))
    assert is_tree(heads)


@pytest.mark.parametrize("seed", range(25))
def test_decode_tree_finds_the_best_single_root_tree_on_small_sentences(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(2, 6))
    scores = rng.normal(size=(n, n + 1)) * 3
    heads = decode_tree(scores)
    table = _log_softmax(scores)
    assert sum(table[i, h] for i, h in enumerate(heads)) == pytest.approx(best_tree_brute_force(scores))


def test_decode_tree_breaks_the_cycle_greedy_heads_would_make() -> None:
    # greedy: 1 <- 2 and 2 <- 1 (a cycle), root weak for both; word 3 prefers the root
    scores = np.array([[0.0, -9.0, 5.0, -9.0], [0.0, 5.0, -9.0, -9.0], [5.0, -9.0, -9.0, -9.0]])
    heads = decode_tree(scores)
    assert is_tree(heads)
    assert heads[2] == 0
