"""Build, train and assemble the optional Italian pipeline ``it_newsgraph`` (``make model-it``).

There is no Italian treebank in ``../shared``, so the pipeline has no tagger or parser: a rule-based
``sentencizer``, a small CNN ``ner`` trained on KIND Wikinews (``WN_dev.tsv``; CC BY-NC 4.0, so the model is
for non-commercial use only) and the ``gazetteer_ruler`` with the Italian labels of newsgraph's gazetteer.
``WN_test.tsv`` is never trained or tuned on: it is where the model card's figures come from.

Steps (each is a function; ``newsgraph models italian-corpora|italian-assemble ...``):

1. :func:`build_kind_corpora`: ``WN_dev.tsv`` → ``it-ner-train.spacy`` and ``it-ner-tune.spacy``. KIND has no
   article boundaries, so consecutive sentences are grouped into blocks of ``BLOCK`` sentences and every
   ``TUNE_EVERY``-th block is held out for early stopping (neighbouring sentences of one article stay together).
2. ``spacy train models/configs/ner_it.cfg`` (single thread, a few minutes).
3. :func:`assemble_italian`: blank ``it`` + news tokenizer tweaks + ``sentencizer`` + the trained ``ner`` +
   ``gazetteer_ruler`` → ``models/it_newsgraph`` (about 5 MB). Without a tagger, verbs are not recognised:
   verb triggers and speech-verb quotes do not fire in Italian (noun triggers, roles and places do).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import spacy
from spacy.tokens import Doc, DocBin

from newsgraph.training import corpora as c
from newsgraph.training.model_package import write_package_init

KIND_DIR = "multi/it_kind_wikinews"
BLOCK = 5
"""Sentences per training Doc (and per hold-out block)."""
TUNE_EVERY = 10
"""Every 10th block of WN_dev is the early-stopping set (10 %)."""
LICENSE = "CC BY-NC 4.0"


def _block_doc(nlp: spacy.Language, sentences: list[c.Sentence]) -> Doc:
    words: list[str] = []
    tags: list[str] = []
    starts: list[bool | int | None] = []
    for sentence in sentences:
        words += sentence.words
        tags += sentence.tags
        starts += [True] + [False] * (len(sentence.words) - 1)
    doc = Doc(nlp.vocab, words=words, sent_starts=starts, ents=tags)
    return doc


def build_kind_corpora(data: Path, out: Path) -> dict[str, int]:
    """Write the Italian NER DocBins from KIND ``WN_dev.tsv``; returns sentence counts per split.

    Args:
        data: The shared data folder (``../shared/data``).
        out: Output folder (``models/build``).
    """
    nlp = spacy.blank("it")
    sentences = list(c.read_conll(data / KIND_DIR / "WN_dev.tsv", c.CONLL_MAP))
    blocks = [sentences[i : i + BLOCK] for i in range(0, len(sentences), BLOCK)]
    train = [b for n, b in enumerate(blocks) if n % TUNE_EVERY != TUNE_EVERY - 1]
    tune = [b for n, b in enumerate(blocks) if n % TUNE_EVERY == TUNE_EVERY - 1]
    out.mkdir(parents=True, exist_ok=True)
    for name, group in (("it-ner-train", train), ("it-ner-tune", tune)):
        DocBin(docs=[_block_doc(nlp, b) for b in group], store_user_data=False).to_disk(out / f"{name}.spacy")
    return {"train": sum(map(len, train)), "tune": sum(map(len, tune))}


def assemble_italian(ner_dir: Path, out_dir: Path, *, version: str) -> Path:
    """Combine the trained NER with the sentencizer and the gazetteer ruler into ``out_dir``."""
    from newsgraph.training.assemble import add_gazetteer_ruler, tune_tokenizer

    ner = spacy.load(ner_dir)
    if "tok2vec" in ner.pipe_names:
        ner.replace_listeners("tok2vec", "ner", ["model.tok2vec"])
    nlp = spacy.blank("it")
    tune_tokenizer(nlp)
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("ner", source=ner)
    add_gazetteer_ruler(nlp, lang="it")
    nlp.meta.update(
        {
            "name": "newsgraph",
            "version": version,
            "description": "Italian news NER trained by newsgraph on KIND Wikinews (non-commercial; see MODEL_CARD.md)",
            "license": LICENSE,
            "sources": [
                {"name": "KIND Wikinews (EVALITA 2023 NERMuD), WN_dev.tsv", "url": "https://github.com/dhfbk/KIND",
                 "license": "CC BY-NC 4.0 (annotations); Wikinews text CC BY 2.5"},
                {"name": "newsgraph gazetteer (Italian labels: CLDR via babel, curated lists)", "license": "MIT"},
            ],
        }
    )
    if out_dir.exists():
        shutil.rmtree(out_dir)
    nlp.to_disk(out_dir)
    write_package_init(out_dir)  # stays an importable package (pip install ships it)
    return out_dir


def record_evaluation(model_dir: Path, data: Path) -> dict[str, object]:
    """Score the assembled pipeline on KIND ``WN_test.tsv`` (never trained or tuned on) into its meta.json."""
    from newsgraph.tools.evaluate import evaluate_file

    nlp = spacy.load(model_dir)
    evaluation: dict[str, object] = {"kind_wikinews_test": evaluate_file(nlp, data / KIND_DIR / "WN_test.tsv", fmt="conll").as_dict()}
    meta_path = model_dir / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["newsgraph_evaluation"] = evaluation
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return evaluation


def assemble_and_evaluate_italian(ner_dir: Path, out_dir: Path, *, version: str, data: Path) -> dict[str, object]:
    """Steps 3 and 4 (``newsgraph models italian-assemble``): assemble the pipeline, then record its evaluation.

    Returns:
        The evaluation stored in the pipeline's meta.json.
    """
    return record_evaluation(assemble_italian(ner_dir, out_dir, version=version), data)
