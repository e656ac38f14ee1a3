"""The numpy syntax heads compute what the torch training module computes (same weights, same scores)."""

from __future__ import annotations

import numpy as np
import pytest

from newsgraph.encoder.syntax_heads import SyntaxHeads
from support import is_tree

torch = pytest.importorskip("torch")  # the training extra


def _tiny_heads(lstm: int) -> tuple[object, object, SyntaxHeads]:
    from newsgraph.training.syntax_heads import HeadsConfig, Vocab, build_model, export_heads

    torch.manual_seed(lstm)
    config = HeadsConfig(layers=[0, 2, 3], lstm=lstm, tag_hidden=8, arc_hidden=6, label_hidden=5)
    vocab = Vocab(upos=["NOUN", "VERB", "PUNCT"], tag=["NN", "VVFIN"], morph=["", "Case=Nom"],
                  dep=["ROOT", "nsubj", "punct", "obj"])
    model = build_model(config, vocab, dim=7)
    with torch.no_grad():
        for param in model.parameters():
            param.normal_(0, 0.5)
    model.eval()
    params, meta = export_heads(model, config, vocab)
    return config, model, SyntaxHeads(params, meta)


@pytest.mark.parametrize("lstm", [0, 4])
def test_numpy_forward_equals_torch(lstm: int) -> None:
    _, model, heads = _tiny_heads(lstm)
    rng = np.random.default_rng(lstm)
    lengths = [5, 3]
    x = np.zeros((2, 5, 4, 7), dtype=np.float32)  # [batch, words, layers, dim], second sentence padded
    for row, n in enumerate(lengths):
        x[row, :n] = rng.normal(size=(n, 4, 7))
    with torch.no_grad():
        out = model(torch.from_numpy(x[:, :, [0, 2, 3]]), torch.tensor(lengths))
        for row, n in enumerate(lengths):
            ref = heads.scores(x[row, :n].transpose(1, 0, 2))
            for kind in ("upos", "tag", "morph"):
                np.testing.assert_allclose(ref[kind], out[kind][row, :n].numpy(), rtol=1e-4, atol=1e-5)
            arc = out["arc"][row, :n, : n + 1].numpy().copy()
            arc[np.arange(n), np.arange(n) + 1] = -np.inf
            np.testing.assert_allclose(ref["arc"], arc, rtol=1e-4, atol=1e-5)
            gold = np.array([2, 0, 2, 2, 1][:n]) if n == 5 else np.array([0, 1, 1])
            expected = model.label_scores(out["lab_dep"][row:row + 1, :n], out["lab_head"][row:row + 1, : n + 1],
                                          torch.from_numpy(gold)[None])[0].numpy()
            got = heads.label_scores(ref["lab_dep"], ref["lab_head"], gold)
            np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


def test_predict_gives_labels_and_a_tree() -> None:
    _, _, heads = _tiny_heads(4)
    features = np.random.default_rng(3).normal(size=(4, 9, 7)).astype(np.float32)
    pred = heads.predict(features)
    assert is_tree(pred.heads)
    assert set(pred.upos) <= {"NOUN", "VERB", "PUNCT"} and set(pred.deps) <= {"ROOT", "nsubj", "punct", "obj"}
    assert len(pred.tags) == len(pred.morph) == 9
