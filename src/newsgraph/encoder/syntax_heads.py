"""Syntax heads over the encoder's layer features in numpy: tags, morphology and a biaffine parser decoded as MST.

The heads are trained in PyTorch (:mod:`newsgraph.training.syntax_heads`) and exported as a ``.npz`` of weights
plus a JSON of label lists (:data:`WEIGHTS_FILE`, :data:`META_FILE`); this module runs them without torch:

* a learned scalar mix over the selected encoder layers (softmax weights times a scale);
* optionally one bidirectional LSTM layer (PyTorch's gate order i, f, g, o);
* a ReLU layer feeding three linear classifiers: UPOS, STTS tag, morphology (the whole UD FEATS string);
* arc scores ``dep_i · U · head_j + head_j · u`` (Dozat & Manning's biaffine attention; head 0 is a learned
  root vector), decoded with Chu-Liu-Edmonds into a tree with exactly one word attached to the root;
* label scores ``dep_i · U_k · head_j + W_k · [dep_i; head_j] + b_k`` for the chosen head.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from newsgraph.errors import ModelError

WEIGHTS_FILE = "syntax_heads.npz"
META_FILE = "syntax_heads.json"
FORMAT = "newsgraph.SyntaxHeads.v1"
LABEL_KINDS = ("upos", "tag", "morph", "dep")
ROOT = "ROOT"  # the root word's label in spaCy's Docs (UD's "root")


@dataclass
class SyntaxPrediction:
    """Per-word predictions for one sentence; ``heads`` are 0 for the root, else the 1-based head word."""

    upos: list[str]
    tags: list[str]
    morph: list[str]
    heads: list[int]
    deps: list[str]


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _linear(p: dict[str, np.ndarray], name: str, x: np.ndarray) -> np.ndarray:
    return x @ p[name + ".weight"].T + p[name + ".bias"]


def lstm_direction(x: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One LSTM direction over ``x`` ``[n, in]`` (PyTorch's layout: gates i, f, g, o stacked); ``[n, hidden]``."""
    hidden = w_hh.shape[1]
    inputs = x @ w_ih.T + b
    h = np.zeros(hidden, dtype=x.dtype)
    c = np.zeros(hidden, dtype=x.dtype)
    out = np.empty((len(x), hidden), dtype=x.dtype)
    for t in range(len(x)):
        gates = inputs[t] + w_hh @ h
        i, f = _sigmoid(gates[:hidden]), _sigmoid(gates[hidden:2 * hidden])
        g, o = np.tanh(gates[2 * hidden:3 * hidden]), _sigmoid(gates[3 * hidden:])
        c = f * c + i * g
        h = o * np.tanh(c)
        out[t] = h
    return out


def lstm_direction_batch(x: np.ndarray, lengths: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray,
                         b: np.ndarray) -> np.ndarray:
    """:func:`lstm_direction` over a batch: ``x`` ``[batch, time, in]``, each row's words first and padding after
    them, rows sorted by ``lengths`` (longest first); ``[batch, time, hidden]``, zeros at the padding.

    One step is a ``[rows, hidden]`` matrix product for the rows still running (a prefix, as they are sorted),
    so padding is never computed and never reaches a real word's state.
    """
    return _lstm_recurrence(x @ w_ih.T + b, lengths, np.ascontiguousarray(w_hh.T))


def _lstm_recurrence(inputs: np.ndarray, lengths: np.ndarray, w_hh_t: np.ndarray) -> np.ndarray:
    """The recurrent part of :func:`lstm_direction_batch`, from the input projections ``[batch, time, 4 hidden]``
    (what padding holds there is never read)."""
    batch, time = inputs.shape[:2]
    hidden = w_hh_t.shape[0]
    h = np.zeros((batch, hidden), dtype=inputs.dtype)
    c = np.zeros((batch, hidden), dtype=inputs.dtype)
    out = np.zeros((batch, time, hidden), dtype=inputs.dtype)
    running = (lengths[None, :] > np.arange(time)[:, None]).sum(axis=1)  # rows still running at each step
    for t in range(time):
        k = int(running[t])
        gates = inputs[:k, t] + h[:k] @ w_hh_t
        i, f = _sigmoid(gates[:, :hidden]), _sigmoid(gates[:, hidden:2 * hidden])
        g, o = np.tanh(gates[:, 2 * hidden:3 * hidden]), _sigmoid(gates[:, 3 * hidden:])
        c[:k] = f * c[:k] + i * g
        h[:k] = o * np.tanh(c[:k])
        out[:k, t] = h[:k]
    return out


def _bilstm_words(p: dict[str, np.ndarray], words: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The BiLSTM over a batch's words ``[all words, dim]`` (sentence by sentence, longest first, ``lengths``):
    ``[all words, 2 hidden]``. The input projections of both directions are one product over the words only
    (no padding); the backward direction reads each sentence reversed."""
    batch, time = len(lengths), int(lengths[0])
    valid = np.arange(time)[None, :] < lengths[:, None]
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    position = np.broadcast_to(np.arange(time)[None, :], valid.shape)[valid]
    row = np.broadcast_to(np.arange(batch)[:, None], valid.shape)[valid]
    mirror = starts[row] + lengths[row] - 1 - position  # the word at the same step of the reversed sentence
    projected = words @ p["lstm.weight_ih_both"].T + p["lstm.bias_both"]
    gates = projected.shape[1] // 2
    directions = ((slice(0, gates), slice(None), p["lstm.weight_hh_t"]),
                  (slice(gates, None), mirror, p["lstm.weight_hh_reverse_t"]))
    out = []
    for columns, order, w_hh_t in directions:
        inputs = np.zeros((batch, time, gates), dtype=words.dtype)
        inputs[valid] = projected[order, columns]
        out.append(_lstm_recurrence(inputs, lengths, w_hh_t)[valid][order])
    return np.concatenate(out, axis=1)


def _bilstm(p: dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
    forward = lstm_direction(x, p["lstm.weight_ih_l0"], p["lstm.weight_hh_l0"],
                             p["lstm.bias_ih_l0"] + p["lstm.bias_hh_l0"])
    backward = lstm_direction(x[::-1], p["lstm.weight_ih_l0_reverse"], p["lstm.weight_hh_l0_reverse"],
                              p["lstm.bias_ih_l0_reverse"] + p["lstm.bias_hh_l0_reverse"])[::-1]
    return np.concatenate([forward, backward], axis=1)


def _log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _find_cycle(heads: np.ndarray) -> list[int]:
    """A cycle of the head graph (nodes ``1..n``, 0 is the root), or ``[]``."""
    n = len(heads)
    state = np.zeros(n, dtype=np.int8)  # 0 unseen, 1 on the current path, 2 done
    for start in range(1, n):
        path = []
        node = start
        while node != 0 and state[node] == 0:
            state[node] = 1
            path.append(node)
            node = int(heads[node])
        if node != 0 and state[node] == 1:
            return path[path.index(node):]
        for visited in path:
            state[visited] = 2
    return []


def _chu_liu_edmonds(scores: np.ndarray) -> np.ndarray:
    """Maximum spanning arborescence rooted at node 0; ``scores[dep, head]``, ``-inf`` for forbidden arcs."""
    n = len(scores)
    s = scores.copy()
    np.fill_diagonal(s, -np.inf)
    s[0, :] = -np.inf
    heads = s.argmax(axis=1)
    heads[0] = 0
    cycle = _find_cycle(heads)
    if not cycle:
        return heads
    in_cycle = np.zeros(n, dtype=bool)
    in_cycle[cycle] = True
    rest = np.flatnonzero(~in_cycle)  # rest[0] == 0: the root is never in a cycle
    members = np.array(cycle)
    m = len(rest)
    sub = np.full((m + 1, m + 1), -np.inf)
    sub[:m, :m] = s[np.ix_(rest, rest)]
    # entering the cycle at member c from outside head h breaks c's cycle arc
    enter_gain = s[np.ix_(members, rest)] - s[members, heads[members]][:, None]  # [cycle, rest]
    enter = enter_gain.argmax(axis=0)
    sub[m, :m] = enter_gain[enter, np.arange(m)]
    leave_scores = s[np.ix_(rest, members)]  # [rest, cycle]: an outside word headed by a cycle member
    leave = leave_scores.argmax(axis=1)
    sub[:m, m] = leave_scores[np.arange(m), leave]
    sub[0, :] = -np.inf
    sub_heads = _chu_liu_edmonds(sub)
    result = heads.copy()
    for k in range(1, m):
        head = sub_heads[k]
        result[rest[k]] = members[leave[k]] if head == m else rest[head]
    outside = sub_heads[m]
    result[members[enter[outside]]] = rest[outside]
    return result


def decode_tree(arc_scores: np.ndarray) -> list[int]:
    """The best tree for ``arc_scores`` ``[n, n + 1]`` (word i's score for head j, head 0 the root): exactly one
    word attached to the root, no cycles. When the unconstrained maximum tree has several root words, each of
    them is tried as the only one and the best-scoring tree wins.

    Returns:
        The head of each word: 0 for the root, else the 1-based head word.
    """
    n = arc_scores.shape[0]
    full = np.full((n + 1, n + 1), -np.inf)
    full[1:, :] = _log_softmax(arc_scores.astype(np.float64), axis=1)
    heads = _chu_liu_edmonds(full)
    roots = [i for i in range(1, n + 1) if heads[i] == 0]
    if len(roots) > 1:
        best, best_score = heads, -np.inf
        for root in roots:
            constrained = full.copy()
            constrained[1:, 0] = -np.inf
            constrained[root, 0] = full[root, 0]
            candidate = _chu_liu_edmonds(constrained)
            score = constrained[np.arange(1, n + 1), candidate[1:]].sum()
            if score > best_score:
                best, best_score = candidate, score
        heads = best
    return [int(h) for h in heads[1:]]


class SyntaxHeads:
    """The exported heads: ``predict(features)`` with per-sentence ``[layers, words, dim]`` features."""

    def __init__(self, params: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
        self.params = {k: v.astype(np.float32) for k, v in params.items()}
        self.meta = meta
        self.layers = [int(x) for x in meta["layers"]]
        self.labels: dict[str, list[str]] = {kind: list(meta["labels"][kind]) for kind in LABEL_KINDS}
        self.has_lstm = "lstm.weight_ih_l0" in self.params
        if self.has_lstm:  # the batched path's matrices: both directions' input projections as one, and the
            p = self.params  # recurrent ones transposed once rather than per batch
            p["lstm.weight_hh_t"] = np.ascontiguousarray(p["lstm.weight_hh_l0"].T)
            p["lstm.weight_hh_reverse_t"] = np.ascontiguousarray(p["lstm.weight_hh_l0_reverse"].T)
            p["lstm.weight_ih_both"] = np.concatenate([p["lstm.weight_ih_l0"], p["lstm.weight_ih_l0_reverse"]])
            p["lstm.bias_both"] = np.concatenate([p["lstm.bias_ih_l0"] + p["lstm.bias_hh_l0"],
                                                  p["lstm.bias_ih_l0_reverse"] + p["lstm.bias_hh_l0_reverse"]])
        w = self.params["mix.weights"]
        mix = np.exp(w - w.max())
        self.mix = (mix / mix.sum() * self.params["mix.gamma"][0]).astype(np.float32)

    @classmethod
    def load(cls, folder: Path) -> SyntaxHeads:
        """Read :data:`WEIGHTS_FILE` and :data:`META_FILE` from ``folder``.

        Raises:
            ModelError: the files are missing, unreadable or of another format.
        """
        try:
            meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
            with np.load(folder / WEIGHTS_FILE) as data:
                params = {key: data[key] for key in data.files}
        except (OSError, ValueError) as e:
            raise ModelError(f"cannot read the syntax heads in {folder}: {e}; export them with "
                             "`newsgraph models train-syntax-heads`") from e
        if meta.get("format") != FORMAT:
            raise ModelError(f"{folder / META_FILE} is not a {FORMAT} file")
        return cls(params, meta)

    def hidden(self, features: np.ndarray) -> np.ndarray:
        """The mixed (and BiLSTM-encoded) word vectors ``[words, width]`` of ``[layers, words, dim]`` features."""
        x = np.tensordot(self.mix, features[self.layers].astype(np.float32), axes=1)
        return _bilstm(self.params, x) if self.has_lstm else x

    def scores(self, features: np.ndarray) -> dict[str, np.ndarray]:
        """Raw scores of one sentence: ``upos``/``tag``/``morph`` ``[n, classes]``, ``arc`` ``[n, n + 1]`` and
        the label projections ``lab_dep`` ``[n, b]``, ``lab_head`` ``[n + 1, b]``."""
        p = self.params
        h = self.hidden(features)
        shared = _relu(_linear(p, "tag_mlp", h))
        arc_dep = _relu(_linear(p, "arc_dep", h))
        arc_head = np.concatenate([p["arc_root"][None], _relu(_linear(p, "arc_head", h))])
        arc = arc_dep @ p["arc_U"] @ arc_head.T + (arc_head @ p["arc_u"])[None, :]
        n = len(h)
        arc[np.arange(n), np.arange(n) + 1] = -np.inf  # no word heads itself
        return {
            "upos": _linear(p, "upos", shared), "tag": _linear(p, "tag", shared), "morph": _linear(p, "morph", shared),
            "arc": arc, "lab_dep": _relu(_linear(p, "lab_dep", h)),
            "lab_head": np.concatenate([p["lab_root"][None], _relu(_linear(p, "lab_head", h))]),
        }

    def label_scores(self, lab_dep: np.ndarray, lab_head: np.ndarray, heads: Sequence[int]) -> np.ndarray:
        """``[n, labels]`` scores of each word's arc to its head in ``heads`` (0 the root)."""
        return self.arc_label_scores(lab_dep, lab_head[np.asarray(heads)])

    def arc_label_scores(self, lab_dep: np.ndarray, chosen: np.ndarray) -> np.ndarray:
        """``[n, labels]`` scores of arcs from the dependents' ``lab_dep`` ``[n, b]`` to the heads' ``chosen``
        ``[n, b]`` label projections (any words, of any sentences)."""
        p = self.params
        k, b, c = p["lab_U"].shape
        # dep_i · U_k · head_i for every label k, as one matrix product (einsum would not use BLAS here)
        projected = (lab_dep @ p["lab_U"].transpose(1, 0, 2).reshape(b, k * c)).reshape(len(lab_dep), k, c)
        bilinear = (projected * chosen[:, None, :]).sum(axis=2)
        return bilinear + np.concatenate([lab_dep, chosen], axis=1) @ p["lab_W"].T + p["lab_b"]

    def constrain_root_label(self, scores: np.ndarray, heads: Sequence[int]) -> np.ndarray:
        """Label scores where the root word can only be ``ROOT`` and no other word can be (when ``ROOT`` is a label)."""
        if ROOT not in self.labels["dep"]:
            return scores
        column = self.labels["dep"].index(ROOT)
        at_root = np.asarray(heads) == 0
        scores = scores.copy()
        scores[~at_root, column] = -np.inf
        scores[at_root] = -np.inf
        scores[at_root, column] = 0.0
        return scores

    def predict_mixed(self, mixed: Sequence[np.ndarray], *, batch_size: int = 64) -> list[SyntaxPrediction]:
        """:meth:`predict` for many sentences at once, from their mixed layers (``[words, dim]`` each, what
        :meth:`hidden` mixes; :class:`newsgraph.encoder.onnx_runtime.LayerMix` computes it in the encoder's batch).

        Sentences of similar length are run together (``batch_size`` per batch): the BiLSTM steps over a
        batch's time steps with ``[rows, dim]`` matrix products, every other layer (the LSTM's input
        projections included) runs over the batch's words only, never over padding; arc scores and trees are
        computed per sentence. The predictions are those of :meth:`predict`.
        """
        results: list[SyntaxPrediction | None] = [None] * len(mixed)
        order = sorted(range(len(mixed)), key=lambda i: -len(mixed[i]))
        for start in range(0, len(order), batch_size):
            chunk = [i for i in order[start:start + batch_size] if len(mixed[i])]
            for i in order[start:start + batch_size]:
                if not len(mixed[i]):
                    results[i] = SyntaxPrediction([], [], [], [], [])
            if chunk:
                for i, pred in zip(chunk, self._predict_batch([mixed[i] for i in chunk])):
                    results[i] = pred
        return [r for r in results if r is not None]

    def _predict_batch(self, mixed: list[np.ndarray]) -> list[SyntaxPrediction]:
        """Predictions for non-empty sentences sorted longest first."""
        p = self.params
        lengths = np.array([len(m) for m in mixed])
        x = np.concatenate(mixed).astype(np.float32, copy=False)  # [all words, dim], sentence by sentence
        words = _bilstm_words(p, x, lengths) if self.has_lstm else x
        shared = _relu(_linear(p, "tag_mlp", words))
        picks = {kind: _linear(p, kind, shared).argmax(axis=1) for kind in ("upos", "tag", "morph")}
        dep_u = _relu(_linear(p, "arc_dep", words)) @ p["arc_U"]
        arc_head = _relu(_linear(p, "arc_head", words))
        root_u = float(p["arc_root"] @ p["arc_u"])
        head_u = arc_head @ p["arc_u"]
        lab_dep = _relu(_linear(p, "lab_dep", words))
        lab_head = _relu(_linear(p, "lab_head", words))
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        heads: list[list[int]] = []
        chosen = np.empty((len(words), lab_dep.shape[1]), dtype=np.float32)
        for row, n in enumerate(lengths):
            a, b = offsets[row], offsets[row + 1]
            scores = np.empty((n, n + 1), dtype=np.float32)
            scores[:, 0] = dep_u[a:b] @ p["arc_root"] + root_u
            scores[:, 1:] = dep_u[a:b] @ arc_head[a:b].T + head_u[a:b][None, :]
            scores[np.arange(n), np.arange(n) + 1] = -np.inf  # no word heads itself
            tree = decode_tree(scores)
            heads.append(tree)
            index = np.asarray(tree) - 1
            chosen[a:b] = np.where((index < 0)[:, None], p["lab_root"][None], lab_head[a + np.maximum(index, 0)])
        flat_heads = [head for tree in heads for head in tree]
        deps = self.constrain_root_label(self.arc_label_scores(lab_dep, chosen), flat_heads).argmax(axis=1)
        out = []
        for row in range(len(mixed)):
            a, b = offsets[row], offsets[row + 1]
            out.append(SyntaxPrediction(
                upos=[self.labels["upos"][i] for i in picks["upos"][a:b]],
                tags=[self.labels["tag"][i] for i in picks["tag"][a:b]],
                morph=[self.labels["morph"][i] for i in picks["morph"][a:b]], heads=heads[row],
                deps=[self.labels["dep"][i] for i in deps[a:b]]))
        return out

    def layer_mix(self) -> tuple[tuple[int, ...], np.ndarray]:
        """The layers the heads read and their mixing weights (softmax times scale), for the encoder to mix."""
        return tuple(self.layers), self.mix

    def predict(self, features: np.ndarray) -> SyntaxPrediction:
        """Tags, morphology and a well-formed tree for one sentence's ``[layers, words, dim]`` features."""
        if features.shape[1] == 0:
            return SyntaxPrediction([], [], [], [], [])
        s = self.scores(features)
        heads = decode_tree(s["arc"])
        deps = self.constrain_root_label(self.label_scores(s["lab_dep"], s["lab_head"], heads), heads).argmax(axis=1)
        pick = {kind: s[kind].argmax(axis=1) for kind in ("upos", "tag", "morph")}
        return SyntaxPrediction(
            upos=[self.labels["upos"][i] for i in pick["upos"]], tags=[self.labels["tag"][i] for i in pick["tag"]],
            morph=[self.labels["morph"][i] for i in pick["morph"]], heads=heads,
            deps=[self.labels["dep"][i] for i in deps],
        )


__all__ = ["FORMAT", "META_FILE", "SyntaxHeads", "SyntaxPrediction", "WEIGHTS_FILE", "decode_tree",
           "lstm_direction", "lstm_direction_batch"]
