"""Tuning-set scores used to choose a shipped pipeline (tiny gold DocBins and rule pipelines)."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.tokens import Doc, DocBin, Span

from newsgraph.training.select import tune_scores


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
