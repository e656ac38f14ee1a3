"""The transformer route: models/configs/ner_transformer.cfg trained on a local Hugging Face checkpoint,
then used through ``newsgraph.extract(..., model=PATH)`` and ``newsgraph extract --model PATH``.

The checkpoint is a tiny randomly initialised BERT built inside the test, so nothing is downloaded and the
assertions are about the wiring (components, records, offsets), never about a random model's accuracy.
Skipped when the ``transformers`` extra is not installed.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest

# Before transformers is imported: any attempt to reach a model hub fails instead of downloading.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

pytest.importorskip("spacy_transformers")
transformers = pytest.importorskip("transformers")

import spacy  # noqa: E402
from spacy.tokens import DocBin  # noqa: E402
from spacy.training.initialize import init_nlp  # noqa: E402
from spacy.training.loop import train  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

import newsgraph  # noqa: E402
from newsgraph.cli import app  # noqa: E402
from newsgraph.errors import ModelError  # noqa: E402
from support import save_tiny_bert  # noqa: E402
from newsgraph.nlp.loading import load_pipeline  # noqa: E402

CONFIGS = Path(__file__).resolve().parents[2] / "models" / "configs"
TRF_CONFIG = CONFIGS / "ner_transformer.cfg"

# Hand-made German sentences with PER/LOC/ORG/MISC spans (character offsets).
TRAIN_EXAMPLES = [
    ("Angela Merkel besuchte am Montag Paris.", [(0, 13, "PER"), (33, 38, "LOC")]),
    ("Die Siemens AG baut in München ein neues Werk.", [(4, 14, "ORG"), (23, 30, "LOC")]),
    (
        "Olaf Scholz sprach in Berlin mit der UNO über den Euro.",
        [(0, 11, "PER"), (22, 28, "LOC"), (37, 40, "ORG"), (50, 54, "MISC")],
    ),
    ("«Wir helfen», sagte Ignazio Cassis in Bern.", [(20, 34, "PER"), (38, 42, "LOC")]),
]
ARTICLE = "Angela Merkel traf am Montag in Paris den Chef der Siemens AG. «Wir helfen», sagte sie in Bern."

def make_hf_checkpoint(folder: Path) -> Path:
    """Write a tiny random BERT with a WordPiece tokenizer built from a local vocab into ``folder``."""
    return save_tiny_bert(folder)


def write_corpus(path: Path) -> Path:
    nlp = spacy.blank("de")
    db = DocBin()
    for text, spans in TRAIN_EXAMPLES:
        doc = nlp.make_doc(text)
        ents = [doc.char_span(start, end, label=label) for start, end, label in spans]
        assert all(ents), f"example spans must align with spaCy tokens: {text!r}"
        doc.ents = ents
        db.add(doc)
    db.to_disk(path)
    return path


@pytest.fixture(scope="module")
def hf_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_hf_checkpoint(tmp_path_factory.mktemp("hf") / "tiny-bert")


@pytest.fixture(scope="module")
def trf_pipeline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Train the shipped transformer config for a few steps on a throwaway checkpoint; return model-last.

    The checkpoint is deleted afterwards, so every test that uses the pipeline also shows that the
    trained folder is self-contained (the weights and tokenizer were copied into it).
    """
    tmp = tmp_path_factory.mktemp("trf")
    checkpoint = make_hf_checkpoint(tmp / "checkpoint" / "tiny-bert")
    corpus = write_corpus(tmp / "train.spacy")
    config = spacy.util.load_config(
        TRF_CONFIG,
        overrides={
            "paths.train": str(corpus),
            "paths.dev": str(corpus),
            "paths.transformer": str(checkpoint),
            "training.max_steps": 8,
            "training.eval_frequency": 4,
            "training.accumulate_gradient": 1,
            "training.optimizer.learn_rate.warmup_steps": 2,
            "training.batcher.size": 200,
        },
        interpolate=False,
    )
    nlp = init_nlp(config)
    output = tmp / "training"
    output.mkdir()
    train(nlp, output, stdout=io.StringIO(), stderr=io.StringIO())
    shutil.rmtree(checkpoint.parent)
    return output / "model-last"


def test_config_is_a_transformer_ner_on_the_ner_corpora() -> None:
    config = spacy.util.load_config(TRF_CONFIG, overrides={"paths.transformer": "/some/checkpoint"}, interpolate=True)
    cnn = spacy.util.load_config(CONFIGS / "ner.cfg")
    assert config["nlp"]["lang"] == "de"
    assert config["nlp"]["pipeline"] == ["transformer", "ner"]
    assert config["components"]["transformer"]["model"]["name"] == "/some/checkpoint"
    listener = config["components"]["ner"]["model"]["tok2vec"]
    assert listener["@architectures"] == "spacy-transformers.TransformerListener.v1"
    assert listener["upstream"] == "transformer"
    assert (config["paths"]["train"], config["paths"]["dev"]) == (cnn["paths"]["train"], cnn["paths"]["dev"])


def test_hf_checkpoint_is_local_and_loads(hf_checkpoint: Path) -> None:
    assert (hf_checkpoint / "config.json").exists()
    tokenizer = transformers.AutoTokenizer.from_pretrained(hf_checkpoint)
    model = transformers.AutoModel.from_pretrained(hf_checkpoint)
    encoded = tokenizer("Angela Merkel besuchte Paris.", return_tensors="pt")
    assert model(**encoded).last_hidden_state.shape[-1] == 32


def test_trained_pipeline_has_transformer_ner(trf_pipeline: Path) -> None:
    nlp = spacy.load(trf_pipeline)
    assert nlp.pipe_names == ["transformer", "ner"]
    assert set(nlp.get_pipe("ner").labels) == {"PER", "LOC", "ORG", "MISC"}
    doc = nlp(ARTICLE)
    trf_data = doc._.trf_data
    assert trf_data.width == 32
    # Every spaCy token is aligned to at least one wordpiece of the checkpoint's tokenizer.
    assert len(trf_data.align) == len(doc)
    assert all(n >= 1 for n in trf_data.align.lengths)


def test_load_pipeline_takes_the_transformer_folder(trf_pipeline: Path) -> None:
    nlp = load_pipeline("de", model=trf_pipeline)
    assert nlp.pipe_names[:2] == ["transformer", "ner"]
    assert load_pipeline("de", model=trf_pipeline) is nlp  # cached


def test_load_pipeline_rejects_the_raw_hf_checkpoint(hf_checkpoint: Path) -> None:
    with pytest.raises(ModelError, match="ner_transformer.cfg"):
        load_pipeline("de", model=hf_checkpoint)


def test_extract_api_with_transformer_model(trf_pipeline: Path) -> None:
    results = list(newsgraph.extract([ARTICLE], lang="de", model=trf_pipeline))
    assert len(results) == 1
    result = results[0]
    assert result.error is None
    assert result.article.text == ARTICLE
    assert result.model
    # The briefly trained NER marks some spans (random weights, fixed seed); which ones does not matter,
    # but without any this test would check nothing.
    ner_spans = [(ent.start_char, ent.end_char) for ent in spacy.load(trf_pipeline)(ARTICLE).ents]
    assert ner_spans and result.mentions and result.entities
    for mention in result.mentions:
        assert ARTICLE[mention.start : mention.end] == mention.text
    # The resolver may add rule-based mentions too; at least some come from the transformer NER.
    assert any(start <= m.start and m.end <= end for m in result.mentions for start, end in ner_spans)


def test_extract_cli_with_transformer_model(trf_pipeline: Path, tmp_path: Path) -> None:
    article = tmp_path / "artikel.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["extract", str(article), "--model", str(trf_pipeline), "--lang", "de", "-o", str(out), "-q"]
    )
    assert result.exit_code == 0, result.output
    lines = (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["error"] is None
    text = record["article"]["text"]
    assert text.strip() == ARTICLE
    assert record["mentions"]
    for mention in record["mentions"]:
        assert text[mention["start"] : mention["end"]] == mention["text"]
