"""Assemble a German pipeline from the trained pipeline(s) (``make assemble``, ``make train-joint``).

The result has a news-tuned tokenizer, ``tok2vec`` + ``tagger`` + ``morphologizer`` + ``parser`` (+ ``ner``
when it was trained with them on one tok2vec: ``models/configs/joint.cfg``, not shipped), a lookup
``lemmatizer`` (spacy-lookups-data's German table, copied into the pipeline so nothing is needed at run time)
and ``gazetteer_ruler``, which adds the names of newsgraph's gazetteer (countries, cities, organisations) that
the NER missed. ``--ner DIR`` takes the NER from a separately trained pipeline, with its own copy of that
pipeline's tok2vec: the shipped layout (``syntax.cfg`` + ``ner.cfg``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.pipeline import Lemmatizer
from spacy.tokenizer import Tokenizer
from spacy.util import compile_prefix_regex, compile_suffix_regex

from newsgraph.training.model_package import write_package_init

# Guillemets and single angle quotes as used in Swiss and French-style quoting: split them off.
EXTRA_QUOTES = ("‹", "›", "«", "»", "„", "“", "”", "‚", "‘", "’")


def tune_tokenizer(nlp: Language) -> None:
    """Split news quote marks off words (``‹Wort›``); keep hyphen compounds (``US-Aussenminister``) whole."""
    prefixes = list(nlp.Defaults.prefixes or []) + [q for q in EXTRA_QUOTES]
    # Sentence punctuation after a closing quote: «… Nein›.» → Nein › . »
    quote_class = "".join(EXTRA_QUOTES)
    suffixes = list(nlp.Defaults.suffixes or []) + [q for q in EXTRA_QUOTES] + [rf"(?<=[{quote_class}])[.,;:!?]"]
    tokenizer: Tokenizer = nlp.tokenizer  # type: ignore[assignment]
    tokenizer.prefix_search = compile_prefix_regex(prefixes).search
    tokenizer.suffix_search = compile_suffix_regex(suffixes).search


def add_lookup_lemmatizer(nlp: Language) -> None:
    """Add spaCy's German lookup lemmatizer with its table stored inside the pipeline."""
    lemmatizer: Lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"}, after="parser")  # type: ignore[assignment]
    lemmatizer.initialize(lookups=load_lookups("de", ["lemma_lookup"]))


GAZETTEER = "gazetteer.v2.tsv"
RULER_LABELS = {"GPE": "LOC", "LOC": "LOC", "ORG": "ORG"}


def gazetteer_patterns(lang: str = "de") -> list[dict[str, str]]:
    """Phrase patterns from the package gazetteer (countries, cities, regions, organisations), with
    the genitive -s of place names (Russlands); NORP groups are left to the resolver.

    Args:
        lang: ``de`` reads the German gazetteer; another language takes the names the resolver knows in
            that language (its labels first, see ``labels.v2.tsv``), without the German genitive.
    """
    from importlib import resources

    if lang != "de":
        return _localised_patterns(lang)

    text = resources.files("newsgraph.data").joinpath(GAZETTEER).read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    header, rows = rows[0], rows[1:]
    patterns = {}
    for row in rows:
        entry = dict(zip(header, row))
        label = RULER_LABELS.get(entry["type"])
        if label is None:
            continue
        names = [entry["name"], *[a for a in entry.get("aliases", "").split("|") if a]]
        for name in names:
            if len(name) < 3 or name.isupper() and len(name) < 4:
                continue  # short acronyms (US, IS) are too ambiguous for a blind rule
            patterns[name] = label
            if label == "LOC" and not name.endswith(("s", "x", "z", "ß")):
                patterns[name + "s"] = label
    return [{"label": label, "pattern": name} for name, label in sorted(patterns.items())]


def _localised_patterns(lang: str) -> list[dict[str, str]]:
    from importlib import resources

    from newsgraph.resolve.tables import _tsv_rows, load_alias_tables

    tables = load_alias_tables(lang=lang)
    text = resources.files("newsgraph.data").joinpath("labels.v2.tsv").read_text(encoding="utf-8")
    patterns: dict[str, str] = {}
    for key, row_lang, name, aliases in ((row + [""] * 4)[:4] for row in _tsv_rows(text)):
        label = RULER_LABELS.get(tables.entries[key].type) if row_lang == lang and key in tables.entries else None
        for alias in [name, *aliases.split("|")] if label else []:
            if label and len(alias) >= 3 and not (alias.isupper() and len(alias) < 4) and alias[:1].isupper():
                patterns[alias] = label
    return [{"label": label, "pattern": name} for name, label in sorted(patterns.items())]


def add_gazetteer_ruler(nlp: Language, *, lang: str = "de") -> None:
    """Add gazetteer names the statistical NER missed (it keeps every entity it found)."""
    ruler = nlp.add_pipe("entity_ruler", name="gazetteer_ruler", after="ner",
                         config={"overwrite_ents": False, "phrase_matcher_attr": "ORTH"})
    ruler.add_patterns(gazetteer_patterns(lang))  # type: ignore[attr-defined]


def _listeners(nlp: Language) -> list[str]:
    """The components listening to ``nlp``'s tok2vec (none if it has none, as in an assembled pipeline's NER)."""
    return list(nlp.get_pipe("tok2vec").listening_components) if "tok2vec" in nlp.pipe_names else []  # type: ignore[attr-defined]


def assemble(trained_dir: Path, out_dir: Path, *, version: str, meta_extra: dict, ner_dir: Path | None = None) -> Path:
    """Combine the trained components into one pipeline folder at ``out_dir``.

    Args:
        trained_dir: A pipeline with tok2vec, tagger, morphologizer, parser and (unless ``ner_dir``) ner.
        out_dir: Where to write the assembled pipeline (replaced if it exists).
        version: The pipeline's version in meta.json.
        meta_extra: More meta.json fields.
        ner_dir: A separately trained NER pipeline whose ``ner`` (with its own tok2vec) is used instead.
    """
    trained = spacy.load(trained_dir)
    ner = spacy.load(ner_dir) if ner_dir is not None else trained
    if ner is not trained and "ner" in _listeners(ner):
        # give the NER its own copy of its tok2vec, so it does not listen to the syntax one
        ner.replace_listeners("tok2vec", "ner", ["model.tok2vec"])
    nlp = spacy.blank("de")
    tune_tokenizer(nlp)
    for name in ("tok2vec", "tagger", "morphologizer", "parser"):
        nlp.add_pipe(name, source=trained)
    add_lookup_lemmatizer(nlp)
    nlp.add_pipe("ner", source=ner)
    add_gazetteer_ruler(nlp)
    nlp.meta.update(
        {
            "name": "newsgraph",
            "version": version,
            "description": "German news pipeline trained by newsgraph (see MODEL_CARD.md)",
            "license": "CC BY-SA 4.0",
            **meta_extra,
        }
    )
    if out_dir.exists():
        shutil.rmtree(out_dir)
    nlp.to_disk(out_dir)
    write_package_init(out_dir)  # stays an importable package (pip install ships it)
    return out_dir


def record_evaluation(model_dir: Path, *, germeval_dev: Path, ud_test: Path) -> dict:
    """Score the assembled pipeline on GermEval-2014 dev news and the held-out UD sentences and store
    the figures in its meta.json (the model card quotes them; a test checks they reproduce)."""
    from newsgraph.tools.evaluate import evaluate_file
    from newsgraph.nlp.blas import numpy_blas

    with numpy_blas():  # as newsgraph loads it, so `newsgraph evaluate` reproduces the figures
        nlp = spacy.load(model_dir)
    evaluation = {
        "germeval2014_dev_news": evaluate_file(nlp, germeval_dev, fmt="germeval", news_only=True).as_dict(),
        "ud_german_gsd_heldout": evaluate_file(nlp, ud_test, fmt="conllu").as_dict(),
    }
    meta_path = model_dir / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["newsgraph_evaluation"] = evaluation
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return evaluation


def assemble_and_evaluate(trained_dir: Path, out_dir: Path, *, version: str, data: Path,
                          ner_dir: Path | None = None) -> dict:
    """Assemble a trained pipeline (:func:`assemble`) and record its evaluation (``newsgraph models assemble``).

    Args:
        trained_dir: The trained pipeline (``model-best`` of ``spacy train``).
        out_dir: Where to write the assembled pipeline.
        version: The pipeline's version.
        data: The shared corpora folder; GermEval-2014 dev is scored from it.
        ner_dir: Take the NER from this separately trained pipeline.

    Returns:
        The evaluation stored in the pipeline's meta.json.
    """
    assemble(trained_dir, out_dir, version=version, meta_extra={}, ner_dir=ner_dir)
    return record_evaluation(
        out_dir, germeval_dev=data / "de/ner/germeval2014/NER-de-dev.tsv", ud_test=Path("models/build/ud-test.conllu")
    )
