"""The ONNX export (``newsgraph.training.onnx_export``): vocabulary trimming and the graph's two outputs.

Trimming is checked on the shipped tokenizer (models/de_e5_onnx), the export on a tiny random BERT; nothing large
is built.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("tokenizers")

from newsgraph.training.onnx_export import (  # noqa: E402
    VOCAB_SOURCES, corpus_sentences, coverage, load_tokenizer, read_sentences, select_pieces, trim_tokenizer,
)

ROOT = Path(__file__).resolve().parents[2]
TOKENIZER = ROOT / "models" / "de_e5_onnx" / "tokenizer.json"
SEEN = [["Die", "Bundesregierung", "verhandelt", "in", "Brüssel", "."], ["Der", "Minister", "lacht", "."]]
UNSEEN = [["Xylophonkörperschaft", "Ærøskøbing", "Łódź", "Θεσσαλονίκη", "Ђорђевић", "naïve", "Œuvre", "1.234,5"]]


@pytest.fixture(scope="module")
def config() -> dict:  # type: ignore[type-arg]
    return json.loads(TOKENIZER.read_text(encoding="utf-8"))


def _trimmed(config: dict, sentences: list[list[str]]) -> tuple[object, object, list[int]]:  # type: ignore[type-arg]
    original = load_tokenizer(config)
    counts = np.zeros(len(config["model"]["vocab"]), dtype=np.int64)
    for encoding in original.encode_batch(sentences, is_pretokenized=True, add_special_tokens=False):
        np.add.at(counts, np.asarray(encoding.ids, dtype=np.int64), 1)
    kept = select_pieces(counts, config["model"]["vocab"], top_n=50)
    return original, load_tokenizer(trim_tokenizer(config, kept)), kept


def test_trimming_keeps_specials_and_fallback_characters(config: dict) -> None:  # type: ignore[type-arg]
    _, trimmed, kept = _trimmed(config, SEEN)
    assert len(kept) < len(config["model"]["vocab"]) // 4
    assert [trimmed.id_to_token(i) for i in range(4)] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert trimmed.id_to_token(len(kept) - 1) == "<mask>"
    assert trimmed.token_to_id("ł") is not None and trimmed.token_to_id("Ђ") is not None


def _latin(piece: str) -> bool:
    letters = [ch for ch in piece.lstrip("\u2581") if ch.isalpha()]
    return bool(letters) and all(unicodedata.name(ch, "").startswith("LATIN") for ch in letters)


def test_pieces_ranked_by_score_are_kept_without_counts(config: dict) -> None:  # type: ignore[type-arg]
    vocab = config["model"]["vocab"]
    counts = np.zeros(len(vocab), dtype=np.int64)  # no corpus at all
    base = set(select_pieces(counts, vocab, top_n=50))
    kept = set(select_pieces(counts, vocab, top_n=50, by_score=500))
    extra = kept - base
    assert 0 < len(extra) <= 500 and all(_latin(vocab[i][0]) for i in extra)
    dropped = [vocab[i][1] for i in range(4, len(vocab) - 1) if i not in kept and _latin(vocab[i][0])]
    assert min(vocab[i][1] for i in extra) >= max(dropped)  # the most probable Latin pieces, by the model's scores
    assert len(set(select_pieces(counts, vocab, top_n=50, by_score=5000)) - base) > 4000


# One file per corpus folder of ../shared/data: the licence-clean ones the vocabulary may be counted on, and the
# non-commercial ones and evaluation files it must never see.
CLEAN = ["de/ner/europarl/train.tsv", "de/ner/europeana/enp_DE.sbb.bio", "de/ner/ler/ler_test.conll",
         "de/ner/hipe2022/HIPE-2022-v2.1-newseye-dev-de.tsv", "de/ner/hipe2022/HIPE-2022-v2.1-sonar-test-de.tsv",
         "de/ner/neiss/train_sturm.conll", "de/ud/de_gsd-ud-dev.conllu", "de/ud/de_pud-ud-test.conllu",
         "multi/en_gum_news/conllu/GUM_news_nasa.conllu", "multi/uner_pud/de_pud-ud-test.iob2",
         "multi/fr_europeana/enp_FR.bnf.bio"]
NOT_COUNTED = ["de/ner/wikineural/train.conllu", "de/ner/hipe2022/HIPE-2022-v2.1-hipe2020-train-de.tsv",
               "de/ner/neiss/train_arendt.conll", "de/ud/de_lit-ud-test.conllu", "de/ud/de_gsd-ud-test.conllu",
               "multi/it_kind_wikinews/WN_dev.tsv", "multi/hipe2022_fr_en/fr/HIPE-2022-v2.1-hipe2020-dev-fr.tsv",
               "multi/hipe2022_fr_en/letemps/fr/HIPE-2022-v2.1-letemps-dev-fr.tsv",
               "multi/uner_pud/en_pud-ud-test.iob2",
               "de/ner/germeval2014/NER-de-dev.tsv", "de/ner/germeval2014/NER-de-test.part-a.tsv",
               "de/news/10kgnad/articles.jsonl"]


def test_vocabulary_is_counted_only_on_corpora_without_nc_terms(tmp_path: Path) -> None:
    for name in CLEAN + NOT_COUNTED:  # one sentence per file: its own path, in the column the reader takes
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        indexed = path.suffix in (".conllu", ".iob2") or path.name.startswith("NER-de-")
        path.write_text(f"1\t{name}\tO\n" if indexed else f"{name}\tO\n", encoding="utf-8")
    counted = [words[0] for words in corpus_sentences(tmp_path, VOCAB_SOURCES)]
    assert sorted(counted) == sorted(CLEAN)


def test_seen_words_keep_their_segmentation(config: dict) -> None:  # type: ignore[type-arg]
    original, trimmed, _ = _trimmed(config, SEEN)
    assert coverage(original, trimmed, SEEN)["words"] == 1.0


def test_every_text_still_tokenizes_without_unknown_pieces(config: dict) -> None:  # type: ignore[type-arg]
    original, trimmed, kept = _trimmed(config, SEEN)
    encoding, = trimmed.encode_batch(UNSEEN, is_pretokenized=True, add_special_tokens=False)
    assert "<unk>" not in encoding.tokens
    assert set(w for w in encoding.word_ids if w is not None) == set(range(len(UNSEEN[0])))
    assert all(i < len(kept) for i in encoding.ids)
    assert coverage(original, trimmed, UNSEEN)["words"] < 1.0  # rare words are cut into more pieces


def test_read_sentences_takes_the_word_column(tmp_path: Path) -> None:
    (tmp_path / "a.conllu").write_text("# text = A b\n1\tA\ta\tX\n2\tb\tb\tX\n\n1\tC\tc\tX\n", encoding="utf-8")
    (tmp_path / "b.bio").write_text("Paris B-LOC\nlacht O\n\nJa O\n", encoding="utf-8")
    assert list(read_sentences(tmp_path / "a.conllu")) == [["A", "b"], ["C"]]
    assert list(read_sentences(tmp_path / "b.bio")) == [["Paris", "lacht"], ["Ja"]]


def test_exported_graph_gives_the_torch_logits_and_all_layers(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    from support import save_tiny_bert

    from newsgraph.encoder.tags import TAGS
    from newsgraph.training.onnx_export import export_graph, quantize_dynamic

    folder = save_tiny_bert(tmp_path / "bert", tags=TAGS)
    model = transformers.AutoModelForTokenClassification.from_pretrained(folder).eval()
    ids = torch.tensor([[2, 7, 9, 11, 3], [2, 8, 3, 0, 0]])
    mask = (ids != 0).long()
    with torch.no_grad():
        expected = model(input_ids=ids, attention_mask=mask, output_hidden_states=True)
    kept = list(range(model.config.vocab_size))[::-1]  # a remapped embedding table: id i is old id kept[i]
    export_graph(model, tmp_path / "m.onnx", kept=kept)
    session = ort.InferenceSession(str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"])
    remapped = np.vectorize({old: new for new, old in enumerate(kept)}.get)(ids.numpy())
    logits, hidden = session.run(None, {"input_ids": remapped, "attention_mask": mask.numpy()})
    assert hidden.shape == (2, 2, 5, 32)  # layers + 1
    assert np.abs(logits - expected.logits.numpy())[mask.bool().numpy()].max() < 1e-4
    assert np.abs(hidden[:, -1] - expected.hidden_states[-1].numpy())[mask.bool().numpy()].max() < 1e-4
    quantize_dynamic(tmp_path / "m.onnx", tmp_path / "q.onnx")
    quantized = ort.InferenceSession(str(tmp_path / "q.onnx"), providers=["CPUExecutionProvider"])
    q_logits, _ = quantized.run(None, {"input_ids": remapped, "attention_mask": mask.numpy()})
    assert np.abs(q_logits - logits).max() < 0.1


def test_exported_graph_of_a_cut_model_has_its_layers(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    from support import save_tiny_bert

    from newsgraph.encoder.tags import TAGS
    from newsgraph.training.encoder_finetune import keep_layers
    from newsgraph.training.onnx_export import export_graph

    folder = save_tiny_bert(tmp_path / "bert", tags=TAGS, layers=3)
    model = transformers.AutoModelForTokenClassification.from_pretrained(folder).eval()
    ids = torch.tensor([[2, 7, 9, 11, 3]])
    with torch.no_grad():
        full = model(input_ids=ids, output_hidden_states=True).hidden_states
    export_graph(keep_layers(model, 2), tmp_path / "m.onnx")
    session = ort.InferenceSession(str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"])
    logits, hidden = session.run(None, {"input_ids": ids.numpy(), "attention_mask": np.ones((1, 5), np.int64)})
    assert hidden.shape == (1, 3, 5, 32)  # the embeddings and the 2 kept layers, as newsgraph_onnx.json's "layers": 2
    assert np.abs(hidden - torch.stack(full[:3], 1).numpy()).max() < 1e-4
    with torch.no_grad():
        expected = model.classifier(full[2]).numpy()
    assert np.abs(logits - expected).max() < 1e-4


def test_smoothing_keeps_the_float_outputs_and_moves_activation_ranges_into_the_weights(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    ort = pytest.importorskip("onnxruntime")
    onnx = pytest.importorskip("onnx")
    from support import save_tiny_bert
    from tokenizers import Tokenizer

    from newsgraph.encoder.tags import TAGS
    from newsgraph.training.onnx_export import activation_ranges, export_graph, smooth_activations, smoothing_targets

    folder = save_tiny_bert(tmp_path / "bert", tags=TAGS, layers=2)
    model = transformers.AutoModelForTokenClassification.from_pretrained(folder).eval()
    with torch.no_grad():  # one loud channel into the second layer's feed-forward output projection
        model.bert.encoder.layer[1].intermediate.dense.weight[5] *= 40
    export_graph(model, tmp_path / "m.onnx")
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    sentences = [["Angela", "Merkel", "lacht"], ["Paris", "und", "Berlin"], ["Merkel", "lacht", "."]]
    smoothed = smooth_activations(tmp_path / "m.onnx", tmp_path / "s.onnx", tokenizer, sentences, alpha=1.0)
    assert smoothed == 3 * 2  # attention output, feed-forward in and out, per layer

    graph = onnx.load(str(tmp_path / "s.onnx"))
    assert sum(node.op_type == "Mul" and node.name.endswith("/smooth") for node in graph.graph.node) == 6
    ids = np.array([[2, 7, 9, 11, 3], [2, 8, 3, 0, 0]])
    feeds = {"input_ids": ids, "attention_mask": (ids != 0).astype(np.int64)}
    before = ort.InferenceSession(str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"]).run(None, feeds)
    after = ort.InferenceSession(str(tmp_path / "s.onnx"), providers=["CPUExecutionProvider"]).run(None, feeds)
    assert all(np.allclose(a, b, atol=1e-4, rtol=1e-4) for a, b in zip(before, after))  # the same function

    inputs = sorted({node.input[0] for node in smoothing_targets(graph)})
    original = activation_ranges(onnx.load(str(tmp_path / "m.onnx")), tokenizer, sentences,
                                 sorted({n.input[0] for n in smoothing_targets(onnx.load(str(tmp_path / "m.onnx")))}))
    assert max(peak.max() / np.median(peak) for peak in original.values()) > 5  # the loud channel is there
    for peak in activation_ranges(graph, tokenizer, sentences, inputs).values():
        assert np.allclose(peak, 1.0, atol=1e-3)  # alpha 1: every channel's range moved into the weights
