"""German's default pipeline: one encoder pass writes entities, tags, morphology and one tree per sentence; the
batched heads give the per-sentence heads' predictions; ``fast`` selects the CNN pipeline; ``info`` and ``device``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import spacy
from spacy.language import Language
from typer.testing import CliRunner

from newsgraph.cli import app
from newsgraph.encoder.onnx_runtime import LayerMix, load_encoder
from newsgraph.encoder.pipeline_component import FACTORY_NAME, EncoderPipeline, split_long
from newsgraph.encoder.syntax_heads import SyntaxHeads, lstm_direction, lstm_direction_batch
from newsgraph.encoder.tags import LABELS
from newsgraph.errors import ConfigError, ModelError
from newsgraph.nlp import loading
from newsgraph.nlp.loading import CNN_COMPONENTS, ONNX_PACKAGE, SYNTAX_PACKAGE, load_pipeline, onnx_providers
from support import is_tree, random_syntax_heads

ROOT = Path(__file__).resolve().parents[2]
ENCODER = ROOT / "models" / ONNX_PACKAGE
HEADS = ROOT / "models" / SYNTAX_PACKAGE
TEXT = ("Bundeskanzlerin Angela Merkel traf am Montag in Paris den französischen Präsidenten Emmanuel Macron. "
        "Die Deutsche Bank lud beide ein.\n\nSpäter sagte ein Sprecher in Berlin, das Treffen sei gut gewesen!")
NO_CUDA = "CUDAExecutionProvider" not in onnx_providers()


@pytest.fixture(autouse=True)
def _shipped_models(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(loading.MODELS_ENV, raising=False)


@pytest.fixture(scope="module")
def nlp() -> Language:
    """German's default pipeline (loaded once per process: load_pipeline caches it)."""
    return load_pipeline("de")


def _mixed(heads: SyntaxHeads, features: np.ndarray) -> np.ndarray:
    return np.tensordot(heads.mix, features[heads.layers].astype(np.float32), axes=1)


def check_trees(doc: spacy.tokens.Doc) -> None:
    """One root per sentence, every head inside its sentence, the words' heads a tree."""
    for sent in doc.sents:
        assert sum(1 for t in sent if t.head.i == t.i) == 1
        assert all(sent.start <= t.head.i < sent.end for t in sent)
        words = [t for t in sent if not t.is_space]
        position = {t.i: k + 1 for k, t in enumerate(words)}
        assert is_tree([0 if t.head.i == t.i else position[t.head.i] for t in words])


@pytest.mark.parametrize("lstm", [0, 4])
def test_batched_heads_predict_what_the_per_sentence_heads_predict(lstm: int) -> None:
    params, meta = random_syntax_heads(lstm=lstm)
    heads = SyntaxHeads(params, meta)
    rng = np.random.default_rng(1)
    sentences = [rng.normal(size=(3, n, 7)).astype(np.float32) for n in (5, 1, 0, 12, 3, 12, 7)]
    expected = [heads.predict(f) for f in sentences]
    got = heads.predict_mixed([_mixed(heads, f) for f in sentences], batch_size=3)
    assert got == expected


def test_batched_lstm_equals_one_sentence_at_a_time() -> None:
    rng = np.random.default_rng(2)
    w_ih, w_hh, b = (rng.normal(size=s).astype(np.float32) for s in ((16, 5), (16, 4), (16,)))
    lengths = np.array([6, 4, 4, 1])
    x = np.zeros((4, 6, 5), dtype=np.float32)
    rows = [rng.normal(size=(n, 5)).astype(np.float32) for n in lengths]
    for row, values in enumerate(rows):
        x[row, :len(values)] = values
    out = lstm_direction_batch(x, lengths, w_ih, w_hh, b)
    for row, values in enumerate(rows):
        np.testing.assert_allclose(out[row, :len(values)], lstm_direction(values, w_ih, w_hh, b), rtol=1e-5, atol=1e-6)
        assert not out[row, len(values):].any()


def test_shipped_heads_batched_equal_the_reference_on_encoder_features() -> None:
    heads = SyntaxHeads.load(HEADS)
    encoder = load_encoder(ENCODER)
    words = [s.split() for s in ("Die Deutsche Bank lud Angela Merkel ein .",
                                 "Später sagte ein Sprecher in Berlin , das Treffen sei gut gewesen !",
                                 "Gut .", "Der Rat der Stadt Wien stimmte am Dienstag gegen den Plan der Regierung .")]
    reference = [heads.predict(e.features.transpose(1, 0, 2)) for e in encoder.encode(words)]
    mixed = encoder.encode(words, mix=LayerMix(*heads.layer_mix()))
    assert [m.features.shape for m in mixed] == [(len(w), 384) for w in words]
    assert heads.predict_mixed([m.features for m in mixed]) == reference


def test_default_german_pipeline_is_one_encoder_pass_without_cnn_components(nlp: Language) -> None:
    assert FACTORY_NAME in nlp.pipe_names
    assert not set(CNN_COMPONENTS) & set(nlp.pipe_names)
    order = nlp.pipe_names
    assert order.index("sentencizer") < order.index(FACTORY_NAME) < order.index("lemmatizer")
    assert order.index(FACTORY_NAME) < order.index("gazetteer_ruler") < order.index("newsgraph_resolver")


def test_component_writes_every_annotation(nlp: Language) -> None:
    doc = nlp(TEXT)
    assert len(list(doc.sents)) == 3
    check_trees(doc)
    words = [t for t in doc if not t.is_space]
    assert all(t.tag_ and t.pos_ and t.dep_ and t.lemma_ for t in words)
    assert all(t.morph.key != 0 for t in words)
    assert {(ent.text, ent.label_) for ent in doc.ents} >= {("Angela Merkel", "PER"), ("Paris", "LOC"),
                                                          ("Emmanuel Macron", "PER"), ("Deutsche Bank", "ORG"),
                                                          ("Berlin", "LOC")}
    assert all(ent.label_ in LABELS for ent in doc.ents)
    assert doc[3].lemma_ == "treffen" and doc[3].pos_ == "VERB"  # the lookup lemmatizer after the component


def _annotations(doc: spacy.tokens.Doc) -> list[object]:
    return [[(t.tag_, t.dep_, t.head.i, str(t.morph)) for t in doc], [(e.start, e.end, e.label_) for e in doc.ents]]


def test_a_docs_annotations_do_not_depend_on_the_docs_batched_with_it(nlp: Language) -> None:
    # the int8 encoder quantises a forward pass's activations with one scale: sentences of other articles in
    # the same pass would move this one's scores (and a run's output with its batch size or worker count)
    texts = [TEXT, "", "Merkel.", TEXT.replace("Paris", "Rom"),
             "Der Vorstandsvorsitzende der Österreichischen Post AG kündigte am Montag in Wien einen Stellenabbau "
             "an, der nach Angaben der Gewerkschaft mehr als 1.000 Beschäftigte in ganz Österreich betrifft."]
    together = list(nlp.pipe(texts, batch_size=len(texts)))
    reversed_order = list(nlp.pipe(list(reversed(texts)), batch_size=2))[::-1]
    for text, doc, other in zip(texts, together, reversed_order):
        check_trees(doc)
        assert all(t.tag_ and t.dep_ for t in doc if not t.is_space)
        assert _annotations(doc) == _annotations(nlp(text)) == _annotations(other)
    assert len(together[1]) == 0 and [t.text for t in together[2]] == ["Merkel", "."]
    assert ("Rom", "LOC") in {(e.text, e.label_) for e in together[3].ents}


def test_long_sentence_is_read_in_windows_and_parsed_whole() -> None:
    blank = spacy.blank("de")
    blank.add_pipe("sentencizer")
    component = EncoderPipeline(blank, "encoder", model_dir=str(ENCODER), heads_dir=str(HEADS), max_pieces=24)
    words = ("Angela Merkel sprach in Paris mit Emmanuel Macron und der Deutschen Bank , " * 6).split() + ["."]
    doc = blank(" ".join(words))
    component(doc)
    assert len(list(doc.sents)) == 1
    check_trees(doc)
    assert [e.text for e in doc.ents if e.label_ == "PER"].count("Angela Merkel") == 6  # every window tagged
    assert all(t.tag_ for t in doc)


def test_a_run_on_sentence_is_parsed_in_parts_that_cover_it() -> None:
    words = [w for w in range(3, 23) if w != 10]  # token 10 is white space
    parts = split_long((2, 24), words, limit=6)
    assert [p[1] for p in parts] == [words[:6], words[6:12], words[12:18], words[18:]]
    assert [p[0] for p in parts] == [(2, 9), (9, 16), (16, 22), (22, 24)]
    assert split_long((0, 3), [0, 1, 2], limit=6) == [((0, 3), [0, 1, 2])]


def test_a_huge_run_on_sentence_gets_one_tree_per_part_in_bounded_memory(nlp: Language) -> None:
    doc = nlp(" ".join(["Merkel"] * 3_000))  # one sentence: a 3,000 x 3,000 biaffine matrix per part otherwise
    sents = list(doc.sents)
    assert len(sents) == -(-3_000 // 256) and all(len(s) <= 256 for s in sents)
    check_trees(doc)


def test_fast_selects_the_cnn_pipeline() -> None:
    fast = load_pipeline("de", fast=True)
    assert set(CNN_COMPONENTS) <= set(fast.pipe_names) and FACTORY_NAME not in fast.pipe_names
    assert load_pipeline("de", accurate=True) is load_pipeline("de")  # --accurate: the default's alias


def test_cli_extract_default_and_fast_record_their_pipelines(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    models = {}
    for flags in ([], ["--fast"]):
        out = tmp_path / ("out" + "".join(flags))
        result = CliRunner().invoke(app, ["extract", str(article), "--lang", "de", "-o", str(out), "-q", *flags])
        assert result.exit_code == 0, result.output
        record = json.loads((out / "articles.jsonl").read_text(encoding="utf-8").splitlines()[0])
        models[" ".join(flags)] = record["model"]
    assert models[""].endswith("+" + FACTORY_NAME)
    assert "+" not in models["--fast"]


def test_fast_and_accurate_together_are_a_config_error() -> None:
    with pytest.raises(ConfigError, match="--fast"):
        load_pipeline("de", fast=True, accurate=True)
    with pytest.raises(ConfigError, match="device 'tpu'"):
        load_pipeline("de", device="tpu")


@pytest.mark.skipif(not NO_CUDA, reason="this machine has onnxruntime's CUDA provider")
def test_heads_that_read_more_layers_than_the_encoder_has_are_refused(tmp_path: Path) -> None:
    from newsgraph.encoder.syntax_heads import META_FILE, WEIGHTS_FILE

    params, meta = random_syntax_heads(layers=14)  # layers 0-13: heads of a deeper encoder than the shipped 12
    np.savez(tmp_path / WEIGHTS_FILE, **params)
    (tmp_path / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError, match="layers up to 13, but the encoder .* has 12 layers.*--layers 0-12"):
        EncoderPipeline(spacy.blank("de"), "encoder", model_dir=str(ENCODER), heads_dir=str(tmp_path))


def test_cuda_without_the_provider_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no CUDA provider.*onnxruntime-gpu"):
        load_pipeline("de", device="cuda")
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(article), "--device", "cuda", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "onnxruntime-gpu" in " ".join(result.output.split())
    assert not (tmp_path / "out" / "articles.jsonl").exists()


def test_info_says_which_pipeline_runs_and_where(monkeypatch: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(app, ["info"])
    assert result.exit_code == 0
    line = next(x for x in result.output.splitlines() if x.startswith("German runs: "))
    assert f"{FACTORY_NAME}) on cpu" in line and str(ENCODER) in line and str(HEADS) in line
    monkeypatch.setenv("NEWSGRAPH_FAST", "true")
    result = CliRunner().invoke(app, ["info", "--json"])
    assert json.loads(result.output)["german_pipeline"] == "CNN pipeline de_newsgraph on cpu (--fast)"
    if NO_CUDA:
        monkeypatch.setenv("NEWSGRAPH_FAST", "false")
        monkeypatch.setenv("NEWSGRAPH_DEVICE", "cuda")
        german = json.loads(CliRunner().invoke(app, ["info", "--json"]).output)["german_pipeline"]
        assert german.startswith("encoder pipeline (one ONNX encoder pass) on cuda: cannot run") and "CUDA" in german
