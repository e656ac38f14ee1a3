"""Score candidate pipelines on the tuning sets, the only figures used to choose which trained pipeline ships.

The reported test figures (GermEval-2014 dev news, held-out UD test) are never used for that choice.

Usage::

    newsgraph models select models/de_newsgraph /tmp/candidate [--build models/build]
    newsgraph models select models /tmp/candidate-models      # German's default encoder pipeline of each

A candidate is a pipeline folder (loaded as ``--model`` loads it), or a *models folder* holding ``de_e5_onnx``
(with ``de_e5_syntax`` and ``de_newsgraph`` beside it, symbolic links allowed): German's default encoder pipeline
loaded from it, as with ``NEWSGRAPH_MODELS`` pointing there.

Prints, per pipeline, micro PER/LOC/ORG F1 on ``ner-tune.spacy`` (400 held-out GermEval part-a news sentences)
and UAS/LAS/tag accuracy on ``ud-tune.spacy``, both on gold tokens, with each pipeline's own components
(the gazetteer ruler included).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, DocBin

from newsgraph.tools.evaluate import evaluate_ner, score_syntax
from newsgraph.nlp.loading import MODELS_ENV, ONNX_PACKAGE, load_pipeline
from newsgraph.training.corpora import Sentence


def _gold_docs(path: Path, nlp: Language) -> list[Doc]:
    return list(DocBin().from_disk(path).get_docs(nlp.vocab))


def _bio(doc: Doc) -> list[str]:
    return [f"{t.ent_iob_}-{t.ent_type_}" if t.ent_iob_ in ("B", "I") else "O" for t in doc]


def tune_scores(nlp: Language, build: Path) -> dict[str, float]:
    """Micro PER/LOC/ORG F1 on ner-tune and syntax accuracies on ud-tune."""
    sentences = [Sentence(words=[t.text for t in d], tags=_bio(d), spaces=[bool(t.whitespace_) for t in d])
                 for d in _gold_docs(build / "ner-tune.spacy", nlp)]
    ner = evaluate_ner(nlp, sentences)
    syntax = score_syntax(nlp, _gold_docs(build / "ud-tune.spacy", nlp)).scores
    return {
        "ner_tune_micro_f1": round(ner.micro.f1, 4),
        **{f"ner_tune_{label}_f1": round(score.f1, 4) for label, score in sorted(ner.per_label.items())},
        # a pipeline without tagger or parser has no such score
        **{f"ud_tune_{key}": syntax[key] for key in ("tag_acc", "pos_acc", "dep_uas", "dep_las") if key in syntax},
    }


def select_scores(pipelines: Iterable[Path], *, build: Path = Path("models/build")) -> Iterator[dict[str, object]]:
    """The tuning-set scores of each pipeline, loaded as newsgraph loads it (``newsgraph models select``).

    Args:
        pipelines: Pipeline folders to compare.
        build: The build folder with ``ner-tune.spacy`` and ``ud-tune.spacy``.

    Returns:
        Per pipeline, in order: ``{"pipeline": path, **scores}``.
    """
    for path in pipelines:
        yield {"pipeline": str(path), **tune_scores(load_candidate(path), build)}


def load_candidate(path: Path) -> Language:
    """A pipeline folder as ``--model`` loads it, or German's default pipeline from a models folder (one that holds
    ``de_e5_onnx``), as newsgraph loads it with ``NEWSGRAPH_MODELS`` pointing there."""
    if not (path / ONNX_PACKAGE).is_dir():
        return load_pipeline("de", model=path, components=())
    before = os.environ.get(MODELS_ENV)
    os.environ[MODELS_ENV] = str(path)
    try:
        return load_pipeline("de", components=())
    finally:
        if before is None:
            del os.environ[MODELS_ENV]
        else:
            os.environ[MODELS_ENV] = before
