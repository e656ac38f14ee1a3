"""The German e5 ONNX NER on the English, French and Italian pipelines (issue 23, must-have 5; README, "Per-language
NER figures"): the encoder replaces a language's ``ner`` where it scores higher on that language's held-out rows."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

pytest.importorskip("onnxruntime")
pytest.importorskip("tokenizers")

from support import ROOT, needs_pipelines  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from newsgraph.cli import app  # noqa: E402
from newsgraph.nlp.loading import ONNX_ENCODER, ONNX_PACKAGE, PIPELINES, load_pipeline  # noqa: E402

pytestmark = pytest.mark.skipif(not (ROOT / "models" / ONNX_PACKAGE / "model.onnx").is_file(),
                                reason="the ONNX encoder is not in models/")

# UNER-style IOB2 (id, word, tag): one English news sentence with a person, an organisation and a place
GOLD = """# sent_id = 1
1\tAngela\tB-PER
2\tMerkel\tI-PER
3\tmet\tO
4\tthe\tO
5\tchief\tO
6\texecutive\tO
7\tof\tO
8\tSiemens\tB-ORG
9\tin\tO
10\tBerlin\tB-LOC
11\ton\tO
12\tMonday\tO
13\t.\tO

"""


@needs_pipelines
def test_evaluate_scores_the_english_pipeline_with_the_onnx_encoder_ner(tmp_path: Path) -> None:
    gold = tmp_path / "en.iob2"
    gold.write_text(GOLD, encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", str(gold), "--format", "iob", "--lang", "en", "--json"])
    assert result.exit_code == 0, result.output
    per_label = json.loads(result.output)["per_label"]
    assert {label: per_label[label]["tp"] for label in ("PER", "ORG", "LOC")} == {"PER": 1, "ORG": 1, "LOC": 1}
    assert sum(score["fp"] for score in per_label.values()) == 0


@needs_pipelines
def test_english_french_italian_run_the_encoder_ner_unless_fast() -> None:
    for lang in ("en", "fr", "it"):
        default = load_pipeline(lang, components=())
        assert ONNX_ENCODER in default.pipe_names and "ner" not in default.pipe_names, lang
        assert default.get_pipe(ONNX_ENCODER).encoder.folder.resolve() == (ROOT / "models" / ONNX_PACKAGE).resolve()
        own = load_pipeline(lang, components=(), fast=True)
        assert "ner" in own.pipe_names and ONNX_ENCODER not in own.pipe_names, lang


@needs_pipelines
def test_the_encoder_mode_follows_each_languages_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    assert [lang for lang, spec in PIPELINES.items() if spec.encoder_ner] == ["de", "en", "fr", "it"]
    monkeypatch.setitem(PIPELINES, "en", replace(PIPELINES["en"], encoder_ner=False))
    kept = load_pipeline("en", components=())
    assert "ner" in kept.pipe_names and ONNX_ENCODER not in kept.pipe_names
    named = load_pipeline("en", components=(), accurate=True, accurate_model=ROOT / "models" / ONNX_PACKAGE)
    assert ONNX_ENCODER in named.pipe_names and "ner" not in named.pipe_names  # a named encoder is used as asked
