"""Assembly of the shipped pipeline from tiny pipelines trained inside the test (no shipped model needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.training import Example

from newsgraph.training.assemble import assemble
from support import CONFIGS, tiny_training_config

pytest.importorskip("spacy_lookups_data")


WORDS = ["Angela", "Merkel", "besuchte", "Paris", "."]
GOLD = {
    "words": WORDS,
    "tags": ["NE", "NE", "VVFIN", "NE", "$."],
    "pos": ["PROPN", "PROPN", "VERB", "PROPN", "PUNCT"],
    "morphs": ["Case=Nom", "Case=Nom", "Tense=Past", "Case=Acc", ""],
    "heads": [1, 2, 2, 2, 2],
    "deps": ["pnc", "sb", "ROOT", "oa", "punct"],
    "entities": ["B-PER", "L-PER", "O", "U-LOC", "O"],
}


def _train(config_name: str) -> Language:
    """The project's training config at a tiny width, a few updates on one sentence."""
    nlp = spacy.util.load_model_from_config(tiny_training_config(config_name), auto_fill=True)
    if "parser" in nlp.pipe_names:
        nlp.get_pipe("parser").cfg["min_action_freq"] = 1  # type: ignore[attr-defined]
    example = Example.from_dict(nlp.make_doc(" ".join(WORDS)), GOLD)
    optimizer = nlp.initialize(lambda: [example])
    for _ in range(3):
        nlp.update([example], sgd=optimizer)
    return nlp


def _listeners_of(nlp: Language) -> set[str]:
    return set(nlp.get_pipe("tok2vec").listening_components)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def joint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("trained") / "joint"
    _train("joint.cfg").to_disk(path)
    return path


def test_joint_pipeline_keeps_one_tok2vec_for_all_four(joint: Path, tmp_path: Path) -> None:
    out = assemble(joint, tmp_path / "out", version="9.9.9", meta_extra={})
    nlp = spacy.load(out)
    assert nlp.pipe_names == ["tok2vec", "tagger", "morphologizer", "parser", "lemmatizer", "ner", "gazetteer_ruler"]
    assert _listeners_of(nlp) == {"tagger", "morphologizer", "parser", "ner"}
    assert nlp.meta["version"] == "9.9.9"
    doc = nlp("«Angela Merkel besuchte Paris», sagte er.")
    assert doc[0].text == "«" and doc.has_annotation("DEP") and doc.has_annotation("TAG")
    assert [t.lemma_ for t in doc if t.text == "besuchte"] == ["besuchen"]


def test_separate_ner_gets_its_own_copy_of_its_tok2vec(joint: Path, tmp_path: Path) -> None:
    ner_dir = tmp_path / "ner"
    _train("ner.cfg").to_disk(ner_dir)
    nlp = spacy.load(assemble(joint, tmp_path / "out", version="9.9.9", meta_extra={}, ner_dir=ner_dir))
    assert _listeners_of(nlp) == {"tagger", "morphologizer", "parser"}
    ner_layers = {node.name for node in nlp.get_pipe("ner").model.walk()}  # type: ignore[attr-defined]
    assert "tok2vec-listener" not in ner_layers and "hashembed" in ner_layers
    assert nlp("Angela Merkel besuchte Paris.").has_annotation("ENT_IOB")


def test_shared_layout_starts_from_the_ner_and_keeps_one_tok2vec(tmp_path: Path) -> None:
    """shared.cfg: tagger, morphologizer and parser join a trained NER's tok2vec; assembly keeps that layout."""
    from spacy.tokens import DocBin
    from spacy.training.initialize import init_nlp

    ner_source = tmp_path / "ner-source"
    _train("ner.cfg").to_disk(ner_source)
    corpus = tmp_path / "one.spacy"
    DocBin(docs=[Example.from_dict(spacy.blank("de").make_doc(" ".join(WORDS)), GOLD).reference]).to_disk(corpus)
    overrides = {f"components.{name}.model.tok2vec.width": 16 for name in ("tagger", "morphologizer", "parser")}
    overrides.update({"paths.ner_pipeline": str(ner_source), "paths.train": str(corpus), "paths.dev": str(corpus),
                      "components.parser.min_action_freq": 1})
    nlp = init_nlp(spacy.util.load_config(CONFIGS / "shared.cfg", overrides=overrides))
    nlp.to_disk(tmp_path / "shared")

    nlp = spacy.load(assemble(tmp_path / "shared", tmp_path / "out", version="9.9.9", meta_extra={}))
    assert _listeners_of(nlp) == {"tagger", "morphologizer", "parser", "ner"}
    source = spacy.load(ner_source).get_pipe("tok2vec").model.to_bytes()  # type: ignore[attr-defined]
    assert nlp.get_pipe("tok2vec").model.to_bytes() == source  # type: ignore[attr-defined]
    doc = nlp("Angela Merkel besuchte Paris.")
    assert doc.has_annotation("DEP") and doc.has_annotation("TAG") and doc.has_annotation("ENT_IOB")


def test_shared_listeners_default_to_the_width_of_the_ner_config() -> None:
    """make train-shared sources ner.cfg's student by default: its listeners must fit that tok2vec."""
    shared = spacy.util.load_config(CONFIGS / "shared.cfg", interpolate=True)["components"]
    ner_tok2vec = spacy.util.load_config(CONFIGS / "ner.cfg", interpolate=True)["components"]["tok2vec"]
    width = ner_tok2vec["model"]["encode"]["width"]
    assert {shared[name]["model"]["tok2vec"]["width"] for name in ("tagger", "morphologizer", "parser")} == {width}
