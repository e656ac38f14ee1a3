"""NER fine-tuning of the encoder: BIO decoding, scores, first-sub-word labels, and a 3-step run with resume.

The model is a tiny randomly initialised XLM-R built inside the test with a hand-made unigram vocabulary, so
nothing is downloaded and the assertions are about the wiring (labels, checkpoints, resume, outputs).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
pytest.importorskip("tokenizers")

from typer.testing import CliRunner  # noqa: E402

from newsgraph.cli import app  # noqa: E402
from newsgraph.encoder.package import load_package  # noqa: E402
from newsgraph.errors import ModelError  # noqa: E402
from newsgraph.training.encoder_finetune import (  # noqa: E402
    TAGS,
    Example,
    FinetuneSettings,
    batch_indices,
    decode_spans,
    encode,
    finetune,
    keep_layers,
    load_start_model,
    read_examples,
    span_scores,
)
from tiny_models import deep_encoder, ner_package, tiny_encoder, token_classifier, write_docbin  # noqa: E402,F401  (fixtures by name)



def tag_ids(*names: str) -> list[int]:
    return [TAGS.index(n) for n in names]


@pytest.mark.parametrize(
    ("tags", "spans"),
    [
        (["B-PER", "I-PER", "O", "B-LOC"], {("PER", 0, 2), ("LOC", 3, 4)}),
        (["I-ORG", "I-ORG", "O"], {("ORG", 0, 2)}),  # I- without B- opens a span
        (["B-PER", "I-LOC", "B-LOC"], {("PER", 0, 1), ("LOC", 1, 2), ("LOC", 2, 3)}),
        (["O", "O"], set()),
    ],
)
def test_decode_spans(tags: list[str], spans: set[tuple[str, int, int]]) -> None:
    assert decode_spans(tag_ids(*tags)) == spans


def test_span_scores_are_exact_match() -> None:
    gold = [{("PER", 0, 2), ("LOC", 3, 4)}, {("ORG", 0, 1)}]
    predicted = [{("PER", 0, 1), ("LOC", 3, 4)}, {("ORG", 0, 1), ("MISC", 2, 3)}]
    scores = span_scores(gold, predicted)
    assert scores["per_label"]["LOC"]["f"] == 1.0 and scores["per_label"]["PER"]["f"] == 0.0
    assert scores["micro"] == {"p": 0.5, "r": 0.6667, "f": 0.5714}
    assert scores["micro_per_loc_org"] == {"p": 0.6667, "r": 0.6667, "f": 0.6667}


def test_batch_order_is_reproducible_across_resumes() -> None:
    first = [batch_indices(step, 10, 3, seed=1) for step in range(6)]
    assert first == [batch_indices(step, 10, 3, seed=1) for step in range(6)]
    assert sorted(i for batch in first[:3] for i in batch) == sorted(set(i for batch in first[:3] for i in batch))


def test_first_sub_word_labelling(tiny_encoder: Path) -> None:
    tokenizer = transformers.AutoTokenizer.from_pretrained(tiny_encoder)
    example = Example(["Angela", "Paris"], tag_ids("B-PER", "B-LOC"))
    (feature,) = encode(tokenizer, [example], max_length=64)
    tokens = tokenizer.convert_ids_to_tokens(feature["input_ids"])
    assert tokens[:3] == ["<s>", "▁", "A"] and tokens[-2:] == ["▁Paris", "</s>"]
    labelled = [(t, label) for t, label in zip(tokens, feature["labels"]) if label != -100]
    assert labelled == [("▁", TAGS.index("B-PER")), ("▁Paris", TAGS.index("B-LOC"))]
    assert feature["first"] == [1, len(tokens) - 2]


def test_three_steps_then_resume(tiny_encoder: Path, tmp_path: Path) -> None:
    data = write_docbin(tmp_path / "ner.spacy")
    assert [len(e.spans) for e in read_examples(data)] == [2, 2, 2, 2]
    settings = FinetuneSettings(out=tmp_path / "run", encoder=tiny_encoder, train=data, dev=data, steps=3,
                                batch_size=2, eval_every=2, checkpoint_every=1, threads=1)
    lines: list[str] = []
    result = finetune(settings, log=lines.append)
    assert result.step == 3 and [e["step"] for e in result.evaluations] == [2, 3]
    assert (tmp_path / "run" / "checkpoint.pt").is_file() and result.best_dir is not None
    model = transformers.AutoModelForTokenClassification.from_pretrained(result.best_dir)
    assert model.config.id2label[1] == "B-PER"

    settings.steps = 5
    result = finetune(settings, log=lines.append)
    assert "resumed" in lines[2] and "step 3" in lines[2]
    assert result.step == 5 and [e["step"] for e in result.evaluations] == [2, 3, 4, 5]
    metrics = (tmp_path / "run" / "metrics.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["step"] for line in metrics] == [2, 3, 4, 5]


def test_command_line(tiny_encoder: Path, tmp_path: Path) -> None:
    data = write_docbin(tmp_path / "ner.spacy")
    args = ["--out", str(tmp_path / "run"), "--encoder", str(tiny_encoder), "--train", str(data), "--dev", str(data),
            "--steps", "1", "--batch-size", "2", "--threads", "1"]
    result = CliRunner().invoke(app, ["models", "finetune-ner", *args])
    assert result.exit_code == 0, result.output
    assert "best dev F1" in result.output and (tmp_path / "run" / "best").is_dir()


def test_keep_layers_is_the_classifier_over_layer_n(deep_encoder: Path) -> None:
    torch.manual_seed(0)
    model = token_classifier(deep_encoder).eval()
    ids = torch.tensor([[0, 5, 7, 9, 6, 2]])
    with torch.no_grad():
        full = model(input_ids=ids, output_hidden_states=True)
        expected = model.classifier(full.hidden_states[2])  # the embeddings are hidden state 0
        assert keep_layers(model, 2) is model
        cut = model(input_ids=ids, output_hidden_states=True)
    assert model.config.num_hidden_layers == 2 and len(model.base_model.encoder.layer) == 2
    assert len(cut.hidden_states) == 3
    assert torch.allclose(cut.logits, expected, atol=1e-6)
    assert not torch.allclose(cut.logits, full.logits, atol=1e-3)  # layer 3 mattered: the cut is not a no-op


@pytest.mark.parametrize("layers", [0, 4])
def test_keep_layers_refuses_impossible_counts(deep_encoder: Path, layers: int) -> None:
    with pytest.raises(ModelError, match="between 1 and 3"):
        keep_layers(token_classifier(deep_encoder), layers)


def test_start_from_a_package_cut_to_two_layers(deep_encoder: Path, ner_package: Path, tmp_path: Path) -> None:
    _, packaged = load_package(ner_package, encoder_dir=deep_encoder)
    settings = FinetuneSettings(out=tmp_path, encoder=deep_encoder, init_package=ner_package, layers=2)
    _, model = load_start_model(settings, deep_encoder)
    assert model.config.num_hidden_layers == 2 and len(model.base_model.encoder.layer) == 2
    theirs = packaged.state_dict()
    for name, weights in model.state_dict().items():  # the package's weights, layers 0-1 and the head
        assert torch.equal(weights, theirs[name]), name
    assert not torch.equal(model.classifier.weight, token_classifier(deep_encoder).classifier.weight)


def test_package_and_layers_train_and_resume(deep_encoder: Path, ner_package: Path, tmp_path: Path) -> None:
    data = write_docbin(tmp_path / "ner.spacy")
    settings = FinetuneSettings(out=tmp_path / "run", encoder=deep_encoder, train=data, dev=data, steps=2,
                                batch_size=2, eval_every=1, checkpoint_every=1, threads=1,
                                init_package=ner_package, layers=2)
    lines: list[str] = []
    result = finetune(settings, log=lines.append)
    assert result.step == 2 and result.best_dir is not None
    best = transformers.AutoModelForTokenClassification.from_pretrained(result.best_dir)
    assert best.config.num_hidden_layers == 2 and len(best.base_model.encoder.layer) == 2

    settings.steps = 3
    result = finetune(settings, log=lines.append)
    assert any("resumed" in line and "step 2" in line for line in lines) and result.step == 3

    for key, value in (("layers", None), ("layers", 1), ("init_package", None)):
        other = FinetuneSettings(**{**settings.__dict__, key: value, "steps": 4})
        with pytest.raises(ModelError, match=f"{key}="):
            finetune(other)


def test_command_line_layers_and_package(deep_encoder: Path, ner_package: Path, tmp_path: Path) -> None:
    data = write_docbin(tmp_path / "ner.spacy")
    args = ["--out", str(tmp_path / "run"), "--encoder", str(deep_encoder), "--train", str(data), "--dev", str(data),
            "--steps", "1", "--batch-size", "2", "--threads", "1", "--init-package", str(ner_package), "--layers", "2"]
    result = CliRunner().invoke(app, ["models", "finetune-ner", *args])
    assert result.exit_code == 0, result.output
    best = transformers.AutoModelForTokenClassification.from_pretrained(tmp_path / "run" / "best")
    assert best.config.num_hidden_layers == 2
    result = CliRunner().invoke(app, ["models", "finetune-ner", *args[:-1], "5"])
    assert result.exit_code != 0 and "between 1 and 3" in result.output


def test_resume_accepts_the_same_package_named_another_way(deep_encoder: Path, ner_package: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    data = write_docbin(tmp_path / "ner.spacy")
    monkeypatch.chdir(ner_package.parent)
    settings = FinetuneSettings(out=tmp_path / "run", encoder=deep_encoder, train=data, dev=data, steps=1,
                                batch_size=2, eval_every=1, checkpoint_every=1, threads=1,
                                init_package=Path(ner_package.name))  # relative to the run's folder
    finetune(settings)
    lines: list[str] = []
    absolute = FinetuneSettings(**{**settings.__dict__, "init_package": ner_package.resolve(), "steps": 2})
    assert finetune(absolute, log=lines.append).step == 2 and any("resumed" in line for line in lines)
    copy = shutil.copytree(ner_package, tmp_path / "copy")  # the same weights elsewhere: another start model
    other = FinetuneSettings(**{**settings.__dict__, "init_package": copy, "steps": 3})
    with pytest.raises(ModelError, match="init_package="):
        finetune(other)
