"""Per-word encoder features for the syntax heads: the hidden states of every layer at each word's first piece.

The syntax heads (:mod:`newsgraph.encoder.syntax_heads`) read ``[layers, words, dim]`` arrays. A featurizer is
anything with ``encode_words(list of word lists) -> list of such arrays``: :class:`OnnxFeaturizer` runs the exported
ONNX encoder (no torch), :class:`TorchFeaturizer` the torch encoder NER package (torch and transformers imported when
it is created, never on import; training and checks).
Sentences longer than the encoder's 512-piece window are cut into overlapping windows of words, never truncated.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from newsgraph.encoder.tags import first_pieces
from newsgraph.errors import ModelError

MAX_PIECES = 512


class Featurizer(Protocol):
    """What the syntax component needs from an encoder."""

    def encode_words(self, sentences: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """``[layers, words, dim]`` float32 features per word list."""
        ...


def word_windows(piece_counts: Sequence[int], *, max_pieces: int, overlap: int = 32) -> list[tuple[int, int, int]]:
    """Windows of consecutive words of at most ``max_pieces`` pieces each, overlapping by about ``overlap``
    words; each as ``(start, end, keep_from)``: the window's words ``[keep_from, end)`` take their features
    from it (the overlap gives the later window's words left context)."""
    windows: list[tuple[int, int, int]] = []
    start, n = 0, len(piece_counts)
    while start < n:
        end, used = start, 0
        while end < n and (used + piece_counts[end] <= max_pieces or end == start):
            used += piece_counts[end]
            end += 1
        keep = start if not windows else windows[-1][1]
        windows.append((start, end, keep))
        if end >= n:
            break
        start = max(keep + 1, end - overlap)
    return windows


class TorchFeaturizer:
    """Per-word hidden states of all layers of the fine-tuned encoder NER (torch; training only)."""

    def __init__(self, package_dir: Path) -> None:
        try:
            import torch
        except ImportError as e:
            raise ModelError(f"the torch featurizer needs torch and transformers: pip install 'newsgraph[accurate]' ({e})") from e

        from newsgraph.encoder.package import load_package

        self.torch = torch
        self.tokenizer, self.model = load_package(package_dir)
        self.model.eval()

    def _forward(self, words: list[list[str]]) -> list[np.ndarray]:
        enc = self.tokenizer(words, is_split_into_words=True, padding=True, return_tensors="pt")
        with self.torch.no_grad():
            out = self.model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"],
                             output_hidden_states=True)
        states = self.torch.stack(out.hidden_states, dim=1).numpy()  # [batch, layers, pieces, dim]
        result = []
        for row, group in enumerate(words):
            result.append(states[row][:, first_pieces(enc.word_ids(row), len(group)), :])
        return result

    def encode(self, sentence: list[str]) -> np.ndarray:
        """``[layers, words, dim]`` float32 for one word list; long ones in overlapping piece windows."""
        counts = [max(1, len(self.tokenizer.tokenize(w))) for w in sentence]
        if sum(counts) + 2 <= MAX_PIECES:
            return self._forward([sentence])[0]
        parts = []
        for start, end, keep in word_windows(counts, max_pieces=MAX_PIECES - 2):
            parts.append(self._forward([sentence[start:end]])[0][:, keep - start:, :])
        return np.concatenate(parts, axis=1)

    def encode_words(self, sentences: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """``[layers, words, dim]`` float32 features per word list (one forward pass per sentence)."""
        return [self.encode(list(words)) for words in sentences]



class OnnxFeaturizer:
    """Per-word layer features from the torch-free ONNX encoder (:mod:`newsgraph.encoder.onnx_runtime`)."""

    def __init__(self, folder: Path, **options: object) -> None:
        from newsgraph.encoder.onnx_runtime import load_encoder

        self.encoder = load_encoder(folder, **options)

    def encode_words(self, sentences: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """``[layers, words, dim]`` float32 features per word list (length-bucketed batches, long ones windowed)."""
        return [encoded.features.transpose(1, 0, 2) for encoded in self.encoder.encode([list(s) for s in sentences])]


__all__ = ["Featurizer", "MAX_PIECES", "OnnxFeaturizer", "TorchFeaturizer", "word_windows"]
