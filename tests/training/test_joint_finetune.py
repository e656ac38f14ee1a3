"""Joint NER + syntax fine-tuning: the heads load from their export, the heads read the encoder's first pieces with
gradients into the encoder, and a run trains, keeps its best step, resumes and refuses another run's checkpoint."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from typer.testing import CliRunner  # noqa: E402

from newsgraph.cli import app  # noqa: E402
from newsgraph.encoder.package import load_package  # noqa: E402
from newsgraph.encoder.syntax_heads import WEIGHTS_FILE, SyntaxHeads  # noqa: E402
from newsgraph.errors import ModelError  # noqa: E402
from newsgraph.training.joint_finetune import (  # noqa: E402
    JointSettings,
    encode_ud,
    finetune_joint,
    word_layers,
)
from newsgraph.training.syntax_data import read_ud_splits  # noqa: E402
from newsgraph.training.syntax_heads import (  # noqa: E402
    HeadsConfig,
    Vocab,
    build_model,
    export_heads,
    load_heads,
    warm_start,
    write_heads,
)
from tiny_models import deep_encoder, ner_package, write_docbin, write_tiny_ud  # noqa: E402,F401  (fixtures by name)

CONFIG = HeadsConfig(layers=[0, 1, 2, 3], lstm=3, tag_hidden=6, arc_hidden=5, label_hidden=4)


@pytest.fixture()
def tiny_inputs(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A UD folder, an NER DocBin and heads over the 16-wide tiny encoder's 4 hidden states."""
    ud = write_tiny_ud(tmp_path / "ud")
    vocab = Vocab.build(read_ud_splits(ud)["train"])
    torch.manual_seed(2)
    params, meta = export_heads(build_model(CONFIG, vocab, dim=16), CONFIG, vocab)
    write_heads(tmp_path / "heads", params, meta, half=False)
    return ud, write_docbin(tmp_path / "ner.spacy"), tmp_path / "heads"


def test_exported_heads_load_back_into_the_same_torch_weights(tiny_inputs: tuple[Path, Path, Path]) -> None:
    ud, _, heads_dir = tiny_inputs
    model, config, vocab = load_heads(heads_dir)
    assert config.layers == CONFIG.layers and config.lstm == 3
    assert vocab == Vocab.build(read_ud_splits(ud)["train"])
    params, _ = export_heads(model, config, vocab)
    with np.load(heads_dir / WEIGHTS_FILE) as stored:
        assert set(params) == set(stored.files)
        assert all((params[k] == stored[k]).all() for k in stored.files)


def test_sentences_that_do_not_fit_are_left_out(deep_encoder: Path) -> None:
    tokenizer = transformers.AutoTokenizer.from_pretrained(deep_encoder)
    sentences = read_ud_splits(write_tiny_ud(deep_encoder.parent / "ud-fit"))["train"][:3]
    items = encode_ud(tokenizer, sentences)
    assert [it.sentence for it in items] == sentences
    assert all(len(it.first) == len(it.sentence.words) and it.first[0] == 1 for it in items)
    longest = max(len(it.input_ids) for it in items)
    assert encode_ud(tokenizer, sentences, max_pieces=longest - 1) == [
        it for it in items if len(it.input_ids) <= longest - 1]


def test_word_layers_are_the_first_pieces_hidden_states_with_gradients(deep_encoder: Path,
                                                                        ner_package: Path) -> None:
    tokenizer, model = load_package(ner_package, encoder_dir=deep_encoder)
    model.eval()
    sentences = read_ud_splits(write_tiny_ud(deep_encoder.parent / "ud-layers"))["train"][:3]
    items = encode_ud(tokenizer, sentences)
    x, lengths = word_layers(model.base_model, items, tokenizer.pad_token_id, [0, 3])
    assert x.shape == (3, max(lengths.tolist()), 2, 16) and lengths.tolist() == [len(s.words) for s in sentences]
    for row, it in enumerate(items):
        alone = model.base_model(input_ids=torch.tensor([it.input_ids]), output_hidden_states=True).hidden_states
        for k, layer in enumerate((0, 3)):
            assert torch.allclose(x[row, : len(it.first), k], alone[layer][0, it.first], atol=1e-5)
        assert not x[row, len(it.first):].any()  # padding words are zeros
    x.sum().backward()
    assert model.base_model.encoder.layer[2].output.dense.weight.grad.abs().sum() > 0


def test_a_run_trains_keeps_the_best_step_and_resumes(deep_encoder: Path, ner_package: Path,
                                                      tiny_inputs: tuple[Path, Path, Path], tmp_path: Path) -> None:
    ud, ner, heads_dir = tiny_inputs
    settings = JointSettings(out=tmp_path / "run", ud_dir=ud, init_package=ner_package, init_heads=heads_dir,
                             encoder=deep_encoder, ner_train=ner, ner_dev=ner, steps=2, ner_batch=2, ud_batch=4,
                             lr=1e-3, heads_lr=1e-2, eval_every=1, checkpoint_every=1, threads=1)
    lines: list[str] = []
    result = finetune_joint(settings, log=lines.append)
    metrics = [json.loads(line) for line in (tmp_path / "run/metrics.jsonl").read_text().splitlines()]
    assert [m["step"] for m in metrics] == [0, 1, 2]  # the starting point is scored too
    assert result["step"] == 2 and result["best"] == metrics[result["best_step"]]
    best_score = max(m["ner_tune"] + m["ud_tune_las"] for m in metrics)
    assert metrics[result["best_step"]]["ner_tune"] + metrics[result["best_step"]]["ud_tune_las"] == best_score

    _, start = load_package(ner_package, encoder_dir=deep_encoder)
    trained = transformers.AutoModelForTokenClassification.from_pretrained(tmp_path / "run/best/encoder")
    moved = trained.base_model.encoder.layer[1].output.dense.weight
    assert trained.config.num_hidden_layers == 3
    assert (result["best_step"] == 0) == torch.equal(moved, start.base_model.encoder.layer[1].output.dense.weight)
    assert torch.equal(trained.get_input_embeddings().weight, start.get_input_embeddings().weight)  # frozen
    SyntaxHeads.load(tmp_path / "run/best/heads")
    assert warm_start(build_model(CONFIG, Vocab.build(read_ud_splits(ud)["train"]), dim=16),
                      tmp_path / "run/best/heads") == result["best_step"]

    settings.steps = 3
    result = finetune_joint(settings, log=lines.append)
    assert any("resumed" in line and "step 2" in line for line in lines) and result["step"] == 3
    metrics = [json.loads(line) for line in (tmp_path / "run/metrics.jsonl").read_text().splitlines()]
    assert [m["step"] for m in metrics] == [0, 1, 2, 3]
    other = JointSettings(**{**settings.__dict__, "ud_batch": 2, "steps": 4})
    with pytest.raises(ModelError, match="ud_batch="):
        finetune_joint(other)


def test_command_line(deep_encoder: Path, ner_package: Path, tiny_inputs: tuple[Path, Path, Path],
                      tmp_path: Path) -> None:
    ud, ner, heads_dir = tiny_inputs
    data = tmp_path / "data"
    (data / "de").mkdir(parents=True)
    (data / "de/ud").symlink_to(ud)
    args = ["--out", str(tmp_path / "run"), "--data", str(data), "--init-package", str(ner_package),
            "--init-heads", str(heads_dir), "--encoder", str(deep_encoder), "--ner-train", str(ner), "--ner-dev",
            str(ner), "--steps", "1", "--ner-batch", "2", "--ud-batch", "2", "--threads", "1"]
    result = CliRunner().invoke(app, ["models", "finetune-joint", *args])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output[result.output.rindex('{\n  "step"'):])["step"] == 1
    args[args.index("--init-heads") + 1] = str(tmp_path)
    result = CliRunner().invoke(app, ["models", "finetune-joint", *args])
    assert result.exit_code == 2 and "cannot read syntax heads" in " ".join(result.output.split())
