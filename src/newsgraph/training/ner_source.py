"""Turn a pipeline whose NER has its own tok2vec into ``tok2vec`` + a listening ``ner``.

Used by ``make train-shared``, an experiment (not shipped).

``models/configs/shared.cfg`` starts the whole pipeline from a trained NER: the tagger, morphologizer and
parser join the NER's tok2vec and all four train on together. It sources ``tok2vec`` and ``ner`` from a
pipeline in the form ``spacy train models/configs/ner.cfg`` writes (``ner`` listening to ``tok2vec``). A
pipeline assembled with a separate NER (the shipped layout) stores that NER with a private copy of its
tok2vec instead (``replace_listeners``); this module reverses that, copying every weight, so the NER of a
shipped pipeline can be the starting point without retraining it. The rebuilt pipeline predicts exactly
the entities the original did.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import spacy
from spacy.language import Language
from thinc.api import Model

LISTENER = "spacy.Tok2VecListener.v1"


def _component_settings(pipeline: Language) -> tuple[dict, dict]:
    """The ``tok2vec`` and listening ``ner`` settings that rebuild ``pipeline``'s NER, from its own config."""
    ner = dict(pipeline.config.interpolate()["components"]["ner"])
    own = ner["model"]["tok2vec"]
    if own.get("@architectures") == LISTENER:
        raise ValueError("the pipeline's ner already listens to a tok2vec: use the pipeline itself as the source")
    listener = {"@architectures": LISTENER, "width": own["encode"]["width"], "upstream": "*"}
    del ner["factory"]
    return {"model": own}, {**ner, "model": {**ner["model"], "tok2vec": listener}}


def _own_tok2vec(ner_model: Model) -> Model:
    """The tok2vec inside a transition model whose listener was replaced: chain(tok2vec, list2array, linear)."""
    return ner_model.get_ref("tok2vec").layers[0]


def _weighted_layers(model: Model, *, skip: Model | None = None) -> list[Model]:
    """``model``'s layers with parameters in walk order, leaving out ``skip`` and everything under it."""
    hidden = {id(node) for node in skip.walk()} if skip is not None else set()
    return [node for node in model.walk() if id(node) not in hidden and node.param_names]


def _copy_params(source: list[Model], target: list[Model]) -> None:
    if [(s.name, [s.get_param(p).shape for p in s.param_names]) for s in source] != [
        (t.name, [t.get_param(p).shape for p in t.param_names]) for t in target
    ]:
        raise ValueError("the rebuilt NER's layers differ from the original's")
    for src, dst in zip(source, target):
        for name in src.param_names:
            dst.set_param(name, src.get_param(name).copy())


def shared_ner_pipeline(pipeline: Language) -> Language:
    """A pipeline with ``pipeline``'s tokenizer, a ``tok2vec`` holding its NER's own tok2vec weights and an
    ``ner`` with the same weights and moves that listens to that tok2vec."""
    tok2vec_settings, ner_settings = _component_settings(pipeline)
    ner = pipeline.get_pipe("ner")
    own = _own_tok2vec(ner.model)  # type: ignore[attr-defined]
    nlp = spacy.blank(pipeline.lang or "de")
    nlp.tokenizer.from_bytes(pipeline.tokenizer.to_bytes())  # type: ignore[union-attr]
    tok2vec = nlp.add_pipe("tok2vec", config=tok2vec_settings)
    shared = nlp.add_pipe("ner", config=ner_settings)
    for label in ner.labels:  # type: ignore[attr-defined]
        shared.add_label(label)  # type: ignore[attr-defined]
    nlp.initialize()
    shared.from_bytes(ner.to_bytes(exclude=["model", "vocab"]), exclude=["model", "vocab"])  # type: ignore[attr-defined]
    tok2vec.model.from_bytes(own.to_bytes())  # type: ignore[attr-defined]
    _copy_params(_weighted_layers(ner.model, skip=own), _weighted_layers(shared.model))  # type: ignore[attr-defined]
    return nlp


def write_shared_ner_pipeline(pipeline_dir: Path, out: Path) -> list[str]:
    """Write ``tok2vec`` + a listening ``ner`` rebuilt from ``pipeline_dir`` to ``out`` (``newsgraph models ner-source``).

    Args:
        pipeline_dir: A pipeline whose ner has its own tok2vec (``models/de_newsgraph``).
        out: The folder to write (replaced).

    Returns:
        The written pipeline's component names.
    """
    from newsgraph.nlp.blas import numpy_blas

    with numpy_blas():
        nlp = shared_ner_pipeline(spacy.load(pipeline_dir, exclude=["gazetteer_ruler", "lemmatizer"]))
    if out.exists():
        shutil.rmtree(out)
    nlp.to_disk(out)
    return list(nlp.pipe_names)
