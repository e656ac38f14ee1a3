"""Training the syntax heads: the held-out split is the model card's, and a resumed run equals an uninterrupted one."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")  # the training extra

from newsgraph.encoder.syntax_heads import META_FILE  # noqa: E402
from newsgraph.training.syntax_data import read_ud_blocks, read_ud_splits, write_features  # noqa: E402
from newsgraph.training.syntax_heads import CHECKPOINT, HeadsConfig, train_heads  # noqa: E402
from tiny_models import write_tiny_ud  # noqa: E402

UD = Path(__file__).resolve().parents[2].parent / "shared/data/de/ud"


@pytest.fixture()
def tiny_ud(tmp_path: Path) -> tuple[Path, Path]:
    ud = write_tiny_ud(tmp_path / "ud")
    cache = tmp_path / "features"
    cache.mkdir()
    rng = np.random.default_rng(0)
    for split, sentences in read_ud_splits(ud).items():
        write_features(cache / f"{split}.npz", sentences,
                       [rng.normal(size=(len(s.words), 3, 8)).astype(np.float32) for s in sentences])
    return ud, cache


def _config(max_steps: int) -> HeadsConfig:
    return HeadsConfig(layers=[0, 2], lstm=3, tag_hidden=6, arc_hidden=5, label_hidden=4, batch_size=4,
                       max_steps=max_steps, eval_every=2, checkpoint_every=2, patience=100)


def test_resumed_training_equals_uninterrupted_training(tiny_ud: tuple[Path, Path], tmp_path: Path) -> None:
    ud, cache = tiny_ud
    straight, resumed = tmp_path / "straight", tmp_path / "resumed"
    train_heads(straight, ud, config=_config(8), features_dir=cache)
    train_heads(resumed, ud, config=_config(4), features_dir=cache)  # "interrupted" after 4 steps
    assert torch.load(resumed / CHECKPOINT, weights_only=False)["state"]["step"] == 4
    result = train_heads(resumed, ud, config=_config(8), features_dir=cache)
    a = torch.load(straight / CHECKPOINT, weights_only=False)
    b = torch.load(resumed / CHECKPOINT, weights_only=False)
    assert a["state"]["step"] == b["state"]["step"] == 8
    for name, weights in a["model"].items():
        assert torch.equal(weights, b["model"][name]), name
    meta = json.loads((resumed / "best" / META_FILE).read_text(encoding="utf-8"))
    assert set(meta["heldout_gsd"]) == {"upos", "tag", "morph", "uas", "las"}
    assert result["heldout_gsd"] == meta["heldout_gsd"]


def test_resuming_with_other_model_settings_is_refused(tiny_ud: tuple[Path, Path], tmp_path: Path) -> None:
    from newsgraph.errors import InputError

    ud, cache = tiny_ud
    train_heads(tmp_path / "run", ud, config=_config(2), features_dir=cache)
    other = _config(4)
    other.lstm = 0
    with pytest.raises(InputError, match="checkpoint was trained with"):
        train_heads(tmp_path / "run", ud, config=other, features_dir=cache)


@pytest.mark.skipif(not UD.is_dir(), reason="needs ../shared/data/de/ud")
def test_held_out_split_is_the_model_cards() -> None:
    import random

    blocks = read_ud_blocks(UD)
    assert [len(blocks[k]) for k in ("train", "tune", "test")] == [2385, 195, 196]
    test = (UD / "de_gsd-ud-test.conllu").read_text(encoding="utf-8").split("\n\n")
    test = [b.strip("\n") + "\n" for b in test if b.strip()]
    order = list(range(len(test)))
    random.Random(0).shuffle(order)  # build_ud's protocol: the last 20 % of a seed-0 shuffle, in file order
    assert blocks["test"] == [test[i] for i in sorted(order[int(len(test) * 0.8):])]
    train_text = set(blocks["train"]) | set(blocks["tune"])
    assert not train_text & set(blocks["test"])


def test_features_of_an_onnx_encoder_are_cached_apart_per_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsgraph.training.syntax_data import features_dir

    monkeypatch.setenv("NEWSGRAPH_CACHE", str(tmp_path / "cache"))
    encoder = tmp_path / "de_e5_onnx"
    encoder.mkdir()
    (encoder / "model.onnx").write_bytes(b"int8 graph")
    first = features_dir(encoder)
    (encoder / "model.onnx").write_bytes(b"another export")
    assert features_dir(None) == tmp_path / "cache" / "syntax-features"  # the torch package's, as before
    assert first.parent == features_dir(None) and first.name.startswith("onnx-de_e5_onnx-")
    assert features_dir(encoder) != first


def test_linear_decay_reaches_the_final_share_at_max_steps() -> None:
    from newsgraph.training.syntax_heads import learning_rate

    config = HeadsConfig(lr=2e-3, lr_decay="linear", lr_final=0.1, max_steps=100)
    assert learning_rate(config, 0) == pytest.approx(2e-3)
    assert learning_rate(config, 50) == pytest.approx(2e-3 * 0.55)
    assert learning_rate(config, 100) == pytest.approx(2e-4)
    assert learning_rate(HeadsConfig(lr=2e-3), 100) == pytest.approx(2e-3)


def test_checkpoint_without_the_new_settings_still_resumes(tiny_ud: tuple[Path, Path], tmp_path: Path) -> None:
    ud, cache = tiny_ud
    train_heads(tmp_path / "run", ud, config=_config(2), features_dir=cache)
    saved = torch.load(tmp_path / "run" / CHECKPOINT, weights_only=False)
    for key in ("lr_decay", "lr_final", "label_smoothing", "word_dropout"):  # as the shipped run's checkpoint
        del saved["config"][key]
    torch.save(saved, tmp_path / "run" / CHECKPOINT)
    train_heads(tmp_path / "run", ud, config=_config(4), features_dir=cache)
    assert torch.load(tmp_path / "run" / CHECKPOINT, weights_only=False)["state"]["step"] == 4


def test_warm_start_takes_the_weights_and_starts_at_step_zero(tiny_ud: tuple[Path, Path], tmp_path: Path) -> None:
    ud, cache = tiny_ud
    train_heads(tmp_path / "first", ud, config=_config(4), features_dir=cache)
    frozen = _config(2)
    frozen.lr = 0.0  # Adam with a zero rate leaves the weights as loaded
    frozen.seed = 1  # another initialisation, which the warm start must replace
    train_heads(tmp_path / "second", ud, config=frozen, features_dir=cache, init_from=tmp_path / "first")
    a = torch.load(tmp_path / "first" / CHECKPOINT, weights_only=False)
    b = torch.load(tmp_path / "second" / CHECKPOINT, weights_only=False)
    assert b["state"]["step"] == 2 and b["state"]["warm_start"]["step"] == 4
    for name, weights in a["model"].items():
        assert torch.equal(weights, b["model"][name]), name


def test_word_dropout_one_hides_every_word_in_training_only() -> None:
    from newsgraph.training.syntax_heads import Vocab, build_model

    config = HeadsConfig(layers=[0, 1], lstm=3, tag_hidden=6, arc_hidden=5, label_hidden=4, dropout=0.0,
                         word_dropout=1.0)
    model = build_model(config, Vocab(upos=["NOUN", "VERB"], tag=["NN"], morph=[""], dep=["ROOT", "nsubj"]), dim=8)
    x, y = torch.randn(1, 3, 2, 8), torch.randn(1, 3, 2, 8)
    lengths = torch.tensor([3])
    model.train()
    assert torch.equal(model(x, lengths)["upos"], model(y, lengths)["upos"])
    model.eval()
    assert not torch.equal(model(x, lengths)["upos"], model(y, lengths)["upos"])


def test_conversion_check_compares_the_heads_on_both_encoders_features(
        tiny_ud: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import newsgraph.encoder.features as features
    from newsgraph.training.syntax_heads import conversion_agreement, conversion_sentences

    ud, cache = tiny_ud
    train_heads(tmp_path / "run", ud, config=_config(2), features_dir=cache)

    def fake(seed: int) -> type:
        class Featurizer:
            def __init__(self, *_: object, **__: object) -> None:
                pass

            def encode_words(self, sentences: list[list[str]]) -> list[np.ndarray]:
                rng = np.random.default_rng(seed)
                return [rng.normal(size=(3, len(s), 8)).astype(np.float32) for s in sentences]
        return Featurizer

    monkeypatch.setattr(features, "TorchFeaturizer", fake(0))
    monkeypatch.setattr(features, "OnnxFeaturizer", fake(0))
    same = conversion_agreement(tmp_path / "run" / "best", ud, tmp_path, tmp_path, sentences=3)
    splits = read_ud_splits(ud)
    assert [s.words for s in conversion_sentences(ud, 3)] == [s.words for s in (splits["test"] + splits["tune"])[:3]]
    assert same["sentences"] == 3 and same["words"] == sum(len(s.words) for s in (splits["test"] + splits["tune"])[:3])
    assert same["head_and_label_agreement"] == same["upos_agreement"] == 1.0
    assert same["torch_float32"] == same["onnx"]
    monkeypatch.setattr(features, "OnnxFeaturizer", fake(1))
    other = conversion_agreement(tmp_path / "run" / "best", ud, tmp_path, tmp_path, sentences=3)
    assert other["mixed_vector_cosine_mean"] < 0.9


def test_polyak_average_is_what_is_scored_and_exported(tiny_ud: tuple[Path, Path], tmp_path: Path) -> None:
    from newsgraph.encoder.syntax_heads import WEIGHTS_FILE

    ud, cache = tiny_ud
    train_heads(tmp_path / "first", ud, config=_config(2), features_dir=cache)
    frozen_average = _config(4)
    frozen_average.ema = 1.0  # the average never moves from the warm start's weights; the raw weights do
    frozen_average.lr = 0.05
    train_heads(tmp_path / "second", ud, config=frozen_average, features_dir=cache, init_from=tmp_path / "first")
    start = torch.load(tmp_path / "first" / CHECKPOINT, weights_only=False)["model"]
    saved = torch.load(tmp_path / "second" / CHECKPOINT, weights_only=False)
    with np.load(tmp_path / "second" / "best" / WEIGHTS_FILE) as exported:
        assert np.array_equal(exported["arc_U"], start["arc_U"].numpy().astype(np.float16))
        assert np.array_equal(exported["upos.weight"], start["upos.weight"].numpy().astype(np.float16))
    assert not torch.equal(saved["model"]["arc_U"], start["arc_U"])
    assert all(torch.equal(saved["ema"][k], v) for k, v in start.items())
    assert {"raw_las", "las"} <= set(saved["state"]["history"][-1])


def test_resumed_training_with_an_average_equals_uninterrupted_training(tiny_ud: tuple[Path, Path],
                                                                         tmp_path: Path) -> None:
    ud, cache = tiny_ud

    def config(steps: int) -> HeadsConfig:
        c = _config(steps)
        c.ema = 0.9
        return c

    train_heads(tmp_path / "straight", ud, config=config(8), features_dir=cache)
    train_heads(tmp_path / "resumed", ud, config=config(4), features_dir=cache)
    train_heads(tmp_path / "resumed", ud, config=config(8), features_dir=cache)
    a = torch.load(tmp_path / "straight" / CHECKPOINT, weights_only=False)
    b = torch.load(tmp_path / "resumed" / CHECKPOINT, weights_only=False)
    for name, weights in a["ema"].items():
        assert torch.equal(weights, b["ema"][name]), name
    assert not torch.equal(a["ema"]["arc_U"], a["model"]["arc_U"])


def test_warm_start_can_leave_the_label_scorer_fresh_at_another_size(tiny_ud: tuple[Path, Path],
                                                                     tmp_path: Path) -> None:
    from newsgraph.errors import InputError

    ud, cache = tiny_ud
    train_heads(tmp_path / "first", ud, config=_config(2), features_dir=cache)
    wider = _config(2)
    wider.label_hidden = 7
    wider.lr = 0.0
    with pytest.raises(InputError, match="other sizes"):
        train_heads(tmp_path / "refused", ud, config=wider, features_dir=cache, init_from=tmp_path / "first")
    train_heads(tmp_path / "second", ud, config=wider, features_dir=cache, init_from=tmp_path / "first",
                init_fresh=["lab_"])
    a = torch.load(tmp_path / "first" / CHECKPOINT, weights_only=False)["model"]
    b = torch.load(tmp_path / "second" / CHECKPOINT, weights_only=False)["model"]
    assert b["lab_U"].shape[1:] == (7, 7) and b["lab_dep.weight"].shape[0] == 7
    for name, weights in a.items():
        if not name.startswith("lab_"):
            assert torch.equal(weights, b[name]), name


def test_label_weight_scales_the_label_loss_only() -> None:
    from newsgraph.training.syntax_heads import Vocab, build_model, loss_of

    config = HeadsConfig(layers=[0, 1], lstm=3, tag_hidden=6, arc_hidden=5, label_hidden=4, dropout=0.0)
    model = build_model(config, Vocab(upos=["NOUN", "VERB"], tag=["NN"], morph=[""], dep=["ROOT", "nsubj"]), dim=8)
    batch = {"x": torch.randn(1, 2, 2, 8), "lengths": torch.tensor([2]), "upos": torch.tensor([[0, 1]]),
             "tag": torch.tensor([[0, -100]]), "morph": torch.tensor([[0, 0]]), "dep": torch.tensor([[1, 0]]),
             "heads": torch.tensor([[2, 0]])}
    losses = [float(loss_of(model, batch, label_weight=w).detach()) for w in (0.0, 1.0, 3.0)]
    assert losses[1] > losses[0]
    assert losses[2] - losses[0] == pytest.approx(3 * (losses[1] - losses[0]), rel=1e-5)


def test_warm_start_from_exported_heads_takes_their_weights(tiny_ud: tuple[Path, Path], tmp_path: Path) -> None:
    from newsgraph.training.syntax_heads import Vocab, build_model, warm_start

    ud, cache = tiny_ud
    train_heads(tmp_path / "run", ud, config=_config(2), features_dir=cache)
    vocab = Vocab.build(read_ud_splits(ud)["train"])
    fresh = build_model(_config(2), vocab, dim=8)
    assert warm_start(fresh, tmp_path / "run" / "best") == 0  # exported heads: no checkpoint, step 0
    exported = np.load(tmp_path / "run" / "best" / "syntax_heads.npz")
    assert np.allclose(fresh.state_dict()["arc_U"].numpy(), exported["arc_U"].astype(np.float32))
    assert np.allclose(fresh.state_dict()["lab_W.weight"].numpy(), exported["lab_W"].astype(np.float32))
