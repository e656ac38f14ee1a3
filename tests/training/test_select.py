"""Tuning-set scores used to choose a shipped pipeline (tiny gold DocBins and rule pipelines)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc, DocBin, Span
from support import requires_model

from newsgraph.nlp.loading import ENCODER_PIPELINE, MODELS_ENV
from newsgraph.training.select import load_candidate, tune_scores

MODELS = Path(__file__).resolve().parents[2] / "models"


def _write_build(folder: Path) -> Path:
    vocab = spacy.blank("de").vocab
    ner_doc = Doc(vocab, words=["Angela", "Merkel", "besuchte", "Paris", "."])
    ner_doc.ents = [Span(ner_doc, 0, 2, "PER"), Span(ner_doc, 3, 4, "LOC")]
    DocBin(docs=[ner_doc]).to_disk(folder / "ner-tune.spacy")
    ud_doc = Doc(vocab, words=["Er", "schläft", "."], tags=["PPER", "VVFIN", "$."], heads=[1, 1, 1],
                 deps=["sb", "ROOT", "punct"])
    DocBin(docs=[ud_doc], store_user_data=False).to_disk(folder / "ud-tune.spacy")
    return folder


def _ruler(patterns: list[dict[str, str]]) -> spacy.language.Language:
    nlp = spacy.blank("de")
    nlp.add_pipe("entity_ruler").add_patterns(patterns)  # type: ignore[attr-defined]
    return nlp


def test_ner_scores_and_no_syntax_scores_without_tagger_or_parser(tmp_path: Path) -> None:
    build = _write_build(tmp_path)
    right = tune_scores(_ruler([{"label": "PER", "pattern": "Angela Merkel"}, {"label": "LOC", "pattern": "Paris"}]), build)
    assert right["ner_tune_micro_f1"] == 1.0 and right["ner_tune_PER_f1"] == 1.0
    assert not any(key.startswith("ud_tune_") for key in right)
    half = tune_scores(_ruler([{"label": "ORG", "pattern": "Angela Merkel"}, {"label": "LOC", "pattern": "Paris"}]), build)
    assert half["ner_tune_LOC_f1"] == 1.0 and half["ner_tune_PER_f1"] == 0.0
    assert half["ner_tune_micro_f1"] == 0.5  # the ORG is a false positive, the PER a miss


@requires_model
def test_a_models_folder_is_scored_as_the_default_pipeline_it_holds(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    models = tmp_path / "candidate"
    models.mkdir()
    for name in ("de_newsgraph", "de_e5_onnx", "de_e5_syntax"):
        (models / name).symlink_to(MODELS / name)
    monkeypatch.setenv(MODELS_ENV, str(tmp_path / "elsewhere"))
    nlp = load_candidate(models)
    assert os.environ[MODELS_ENV] == str(tmp_path / "elsewhere")  # restored
    encoder = nlp.get_pipe(ENCODER_PIPELINE)
    assert Path(nlp.config["components"][ENCODER_PIPELINE]["model_dir"]) == (models / "de_e5_onnx").resolve()
    assert encoder is not None and "ner" not in nlp.pipe_names  # not the CNN pipeline
    cnn = load_candidate(MODELS / "de_newsgraph")
    assert "ner" in cnn.pipe_names and ENCODER_PIPELINE not in cnn.pipe_names
