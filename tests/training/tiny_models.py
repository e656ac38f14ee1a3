"""Tiny training inputs for the tests of ``tests/training`` (nothing is downloaded): randomly initialised XLM-R
encoders, NER packages over them, gold NER DocBins and UD German folders.

The encoder helpers need torch and transformers (imported when called, after the tests' ``importorskip``); a test
module that uses the fixtures below imports them by name.
"""

from __future__ import annotations

import json
from pathlib import Path

from typing import Any

import pytest
import spacy
from spacy.tokens import DocBin, Span

from newsgraph.encoder.convert import PROVENANCE_FILE, build_tokenizer
from newsgraph.encoder.tags import TAGS

BASE = {"converter": "test.v1", "source_sha256": "0" * 64, "model": "tiny-xlmr"}
SENTENCES = [
    ("Angela Merkel besucht Paris .", [(0, 2, "PER"), (3, 4, "LOC")]),
    ("Siemens baut in Berlin .", [(0, 1, "ORG"), (3, 4, "LOC")]),
    ("Der Bundestag tagt in Bonn .", [(1, 2, "ORG"), (4, 5, "LOC")]),
    ("Olaf Scholz spricht Deutsch .", [(0, 2, "PER"), (3, 4, "MISC")]),
]


def write_docbin(path: Path) -> Path:
    nlp = spacy.blank("de")
    db = DocBin()
    for text, ents in SENTENCES:
        doc = nlp.make_doc(text)
        doc.ents = [Span(doc, s, e, label=label) for s, e, label in ents]
        db.add(doc)
    db.to_disk(path)
    return path


def tiny_tokenizer():  # type: ignore[no-untyped-def]
    letters = sorted({c for text, _ in SENTENCES for c in text if c != " "})
    pieces = ["<s>", "<pad>", "</s>", "<unk>", "▁", "▁Paris", "▁Berlin", *letters, "<mask>"]
    scores = [0.0, 0.0, 0.0, 0.0, -2.0, -3.0, -3.0, *[-5.0] * len(letters), 0.0]
    ids = {"bos": 0, "pad": 1, "eos": 2, "unk": 3}
    return build_tokenizer(pieces, scores, {}, special_ids=ids, mask_id=len(pieces) - 1), len(pieces)


def save_tiny_xlmr(path: Path, *, layers: int) -> Path:
    import torch
    import transformers

    tokenizer, vocab = tiny_tokenizer()
    tokenizer.save(str(path / "tokenizer.json"))
    specials = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>",
                "pad_token": "<pad>", "cls_token": "<s>", "mask_token": "<mask>"}
    (path / "tokenizer_config.json").write_text(
        json.dumps({"tokenizer_class": "XLMRobertaTokenizer", "model_max_length": 64, **specials}), encoding="utf-8"
    )
    config = transformers.XLMRobertaConfig(vocab_size=vocab, hidden_size=16, num_hidden_layers=layers,
                                           num_attention_heads=2, intermediate_size=32, max_position_embeddings=70)
    torch.manual_seed(0)
    transformers.XLMRobertaModel(config).save_pretrained(path)
    return path


def token_classifier(encoder: Path) -> Any:
    import transformers

    return transformers.AutoModelForTokenClassification.from_pretrained(
        encoder, num_labels=len(TAGS), id2label=dict(enumerate(TAGS)), label2id={t: i for i, t in enumerate(TAGS)})


def deep_xlmr(path: Path) -> Path:
    """A 3-layer tiny XLM-R with a conversion record, so that NER packages can be made over it."""
    save_tiny_xlmr(path, layers=3)
    (path / PROVENANCE_FILE).write_text(json.dumps({**BASE, "source_version": "0"}), encoding="utf-8")
    return path


def ner_package_over(deep_encoder: Path) -> Path:
    """A package over ``deep_encoder``: its layers above the embeddings moved and a trained-looking head."""
    import torch

    from newsgraph.training.encoder_package import export_package

    torch.manual_seed(1)
    model = token_classifier(deep_encoder)
    embeddings = model.get_input_embeddings().weight
    with torch.no_grad():
        for param in model.parameters():
            if param is not embeddings:
                param.add_(0.05 * torch.randn_like(param))
    best = deep_encoder.parent / "run" / "best"
    model.save_pretrained(best)
    return export_package(best, deep_encoder.parent / "package", encoder_dir=deep_encoder)


UD_SENTENCE = [("Der", "DET", "ART", "Case=Nom", 2, "det"), ("Hund", "NOUN", "NN", "Gender=Masc", 3, "nsubj"),
               ("bellt", "VERB", "VVFIN", "_", 0, "root"), (".", "PUNCT", "$.", "_", 3, "punct")]


def conllu(n: int, tag: str) -> str:
    """``n`` CoNLL-U sentences of 3 or 4 words, each with its own second word."""
    blocks = []
    for k in range(n):
        lines = [f"# sent_id = {tag}-{k}"]
        for i, (word, upos, xpos, feats, head, dep) in enumerate(UD_SENTENCE[: 3 + k % 2], start=1):
            lines.append(f"{i}\t{word}{k if i == 2 else ''}\t_\t{upos}\t{xpos}\t{feats}\t{head}\t{dep}\t_\t_")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks) + "\n"


def write_tiny_ud(folder: Path) -> Path:
    """A ``de/ud`` folder with the three files the syntax splits read."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "de_gsd-ud-test.conllu").write_text(conllu(10, "t"), encoding="utf-8")
    (folder / "de_gsd-ud-dev.conllu").write_text(conllu(12, "d"), encoding="utf-8")
    (folder / "de_pud-ud-test.conllu").write_text(conllu(4, "p"), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def tiny_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised 1-layer XLM-R with the tiny unigram tokenizer, saved as a Hugging Face folder."""
    pytest.importorskip("transformers")
    return save_tiny_xlmr(tmp_path_factory.mktemp("tiny-xlmr"), layers=1)


@pytest.fixture(scope="module")
def deep_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same with 3 layers and a conversion record, so that NER packages can be made over it."""
    pytest.importorskip("transformers")
    return deep_xlmr(tmp_path_factory.mktemp("deep-xlmr"))


@pytest.fixture(scope="module")
def ner_package(deep_encoder: Path) -> Path:
    """A package over ``deep_encoder``: its layers above the embeddings moved and a trained-looking head."""
    return ner_package_over(deep_encoder)
