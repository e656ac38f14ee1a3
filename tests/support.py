"""Paths and markers shared by the tests (a plain module: import it as ``from support import ...``)."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from thinc.api import Config

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED_TEXT = SEEDS / "000_8bf24d917596bb10.txt"
EXPECTED_SEED = ROOT.parent / "shared/seeds/000_8bf24d917596bb10.expected.json"
SHIPPED_MODEL = ROOT / "models/de_newsgraph"
CONFIGS = ROOT / "models/configs"

requires_model = pytest.mark.skipif(
    not (SHIPPED_MODEL / "meta.json").exists(), reason="the trained German pipeline is not in models/"
)


def tiny_training_config(name: str) -> Config:
    """A training config of ``models/configs`` at width 16, with 50-row hash tables and no pretrained weights."""
    overrides = {"components.tok2vec.model.encode.width": 16, "components.tok2vec.model.embed.width": 16,
                 "components.tok2vec.model.embed.rows": [50] * 4, "paths.init_tok2vec": None}
    return spacy.util.load_config(CONFIGS / name, overrides=overrides)


TINY_CHARS = "abcdefghijklmnopqrstuvwxyzäöüßABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜ0123456789"
TINY_PUNCT = ".,;:!?-«»„“\"'()"
TINY_WORDS = ["die", "der", "und", "in", "am", "Montag", "Berlin", "Paris", "Merkel", "Angela", "sagte"]


def save_tiny_bert(folder: Path, *, tags: tuple[str, ...] | None = None) -> Path:
    """Save a tiny random BERT with a WordPiece tokenizer built from a local vocab into ``folder``.

    With ``tags`` it is a seeded ``BertForTokenClassification`` over them (what the encoder
    fine-tuning writes); without, a plain unseeded ``BertModel`` checkpoint. Needs transformers.
    """
    import transformers

    folder.mkdir(parents=True)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *TINY_CHARS, *TINY_PUNCT,
             *(f"##{c}" for c in TINY_CHARS), *TINY_WORDS]
    vocab_file = folder.parent / "vocab.txt"
    vocab_file.write_text("\n".join(dict.fromkeys(vocab)) + "\n", encoding="utf-8")
    tokenizer = transformers.BertTokenizerFast(vocab_file=str(vocab_file), do_lower_case=False)
    tokenizer.save_pretrained(folder)
    sizes = {"vocab_size": len(tokenizer), "hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2,
             "intermediate_size": 64, "max_position_embeddings": 256}
    if tags is None:
        transformers.BertModel(transformers.BertConfig(**sizes)).save_pretrained(folder)
        return folder
    config = transformers.BertConfig(**sizes, num_labels=len(tags), id2label=dict(enumerate(tags)),
                                     label2id={t: i for i, t in enumerate(tags)})
    transformers.set_seed(0)
    transformers.BertForTokenClassification(config).save_pretrained(folder)
    return folder
