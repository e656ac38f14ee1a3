"""NER fine-tuning of the encoder: BIO decoding, scores, first-sub-word labels, and a 3-step run with resume.

The model is a tiny randomly initialised XLM-R built inside the test with a hand-made unigram vocabulary, so
nothing is downloaded and the assertions are about the wiring (labels, checkpoints, resume, outputs).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
pytest.importorskip("tokenizers")

import spacy  # noqa: E402
from spacy.tokens import DocBin, Span  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from newsgraph.cli import app  # noqa: E402
from newsgraph.encoder.convert import PROVENANCE_FILE, build_tokenizer  # noqa: E402
from newsgraph.encoder.package import load_package  # noqa: E402
from newsgraph.errors import ModelError  # noqa: E402
from newsgraph.training.encoder_package import export_package  # noqa: E402
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

BASE = {"converter": "test.v1", "source_sha256": "0" * 64, "model": "tiny-xlmr"}
SENTENCES = [
    ("Angela Merkel besucht Paris .", [(0, 2, "PER"), (3, 4, "LOC")]),
    ("Siemens baut in Berlin .", [(0, 1, "ORG"), (3, 4, "LOC")]),
    ("Der Bundestag tagt in Bonn .", [(1, 2, "ORG"), (4, 5, "LOC")]),
    ("Olaf Scholz spricht Deutsch .", [(0, 2, "PER"), (3, 4, "MISC")]),
]


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


def write_docbin(path: Path) -> Path:
    nlp = spacy.blank("de")
    db = DocBin()
    for text, ents in SENTENCES:
        doc = nlp.make_doc(text)
        doc.ents = [Span(doc, s, e, label=label) for s, e, label in ents]
        db.add(doc)
    db.to_disk(path)
    return path


def tiny_tokenizer():  # type: ignore[no-untyped-def]
    letters = sorted({c for text, _ in SENTENCES for c in text if c != " "})
    pieces = ["<s>", "<pad>", "</s>", "<unk>", "▁", "▁Paris", "▁Berlin", *letters, "<mask>"]
    scores = [0.0, 0.0, 0.0, 0.0, -2.0, -3.0, -3.0, *[-5.0] * len(letters), 0.0]
    ids = {"bos": 0, "pad": 1, "eos": 2, "unk": 3}
    return build_tokenizer(pieces, scores, {}, special_ids=ids, mask_id=len(pieces) - 1), len(pieces)


@pytest.fixture(scope="module")
def tiny_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised 1-layer XLM-R with the tiny unigram tokenizer, saved as a Hugging Face folder."""
    return save_tiny_xlmr(tmp_path_factory.mktemp("tiny-xlmr"), layers=1)


@pytest.fixture(scope="module")
def deep_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same with 3 layers and a conversion record, so that NER packages can be made over it."""
    path = save_tiny_xlmr(tmp_path_factory.mktemp("deep-xlmr"), layers=3)
    (path / PROVENANCE_FILE).write_text(json.dumps({**BASE, "source_version": "0"}), encoding="utf-8")
    return path


def save_tiny_xlmr(path: Path, *, layers: int) -> Path:
    tokenizer, vocab = tiny_tokenizer()
    tokenizer.save(str(path / "tokenizer.json"))
    specials = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>",
                "pad_token": "<pad>", "cls_token": "<s>", "mask_token": "<mask>"}
    (path / "tokenizer_config.json").write_text(
        json.dumps({"tokenizer_class": "XLMRobertaTokenizer", "model_max_length": 64, **specials}), encoding="utf-8"
    )
    config = transformers.XLMRobertaConfig(vocab_size=vocab, hidden_size=16, num_hidden_layers=layers,
                                           num_attention_heads=2, intermediate_size=32, max_position_embeddings=70)
    torch.manual_seed(0)
    transformers.XLMRobertaModel(config).save_pretrained(path)
    return path


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


def token_classifier(encoder: Path) -> object:
    return transformers.AutoModelForTokenClassification.from_pretrained(
        encoder, num_labels=len(TAGS), id2label=dict(enumerate(TAGS)), label2id={t: i for i, t in enumerate(TAGS)})


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


@pytest.fixture(scope="module")
def ner_package(deep_encoder: Path) -> Path:
    """A package over ``deep_encoder``: its layers above the embeddings moved and a trained-looking head."""
    torch.manual_seed(1)
    model = token_classifier(deep_encoder)
    embeddings = model.get_input_embeddings().weight
    with torch.no_grad():
        for param in model.parameters():
            if param is not embeddings:
                param.add_(0.05 * torch.randn_like(param))
    best = deep_encoder.parent / "run" / "best"
    model.save_pretrained(best)
    return export_package(best, deep_encoder.parent / "package", encoder_dir=deep_encoder)


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
