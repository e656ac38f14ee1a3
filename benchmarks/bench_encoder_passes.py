"""The ONNX encoder's words per CPU second by pass size (padded sub-words per forward pass), side by side.

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_encoder_passes.py [--articles 40] [--sizes 64,128,256,512,1024]
        [--model models/de_e5_onnx] [--rounds 3]

Cuts the first ``--articles`` 10kGNAD articles (from ../shared; never copied into the project) into sentences
with spaCy's sentencizer and encodes each article's sentences as German's default pipeline does (one
``OnnxEncoder.encode`` call per article, the heads' layer mix applied), once per pass size and round,
alternating the sizes; prints the CPU seconds of every round and the words per CPU second of the best one.
One onnxruntime thread.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT.parent / "shared/data/de/news/10kgnad/articles.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--sizes", default="64,128,256,512,1024")
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "de_e5_onnx")
    parser.add_argument("--heads", type=Path, default=ROOT / "models" / "de_e5_syntax")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    import spacy

    from newsgraph.encoder.onnx_runtime import LayerMix, OnnxEncoder
    from newsgraph.encoder.syntax_heads import SyntaxHeads

    with ARTICLES.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for _, line in zip(range(args.articles), handle)]
    splitter = spacy.blank("de")
    splitter.add_pipe("sentencizer")
    articles = [[[t.text for t in sentence if not t.is_space] for sentence in splitter(row["text"]).sents]
                for row in rows]
    words = sum(len(sentence) for article in articles for sentence in article)
    mix = LayerMix(*SyntaxHeads.load(args.heads).layer_mix())
    sizes = [int(size) for size in args.sizes.split(",")]
    encoders = {size: OnnxEncoder(args.model, batch_pieces=size) for size in sizes}
    seconds: dict[int, list[float]] = {size: [] for size in sizes}
    for _ in range(args.rounds):
        for size in sizes:
            started = time.process_time()
            for article in articles:
                encoders[size].encode(article, mix=mix)
            seconds[size].append(time.process_time() - started)
    print(f"{len(articles)} articles, {words:,} words; CPU seconds per round, words per CPU second of the best")
    for size in sizes:
        rounds = ", ".join(f"{s:.2f}" for s in seconds[size])
        print(f"  {size:>5} pieces per pass: {rounds}  ->  {words / min(seconds[size]):,.0f} words/s")


if __name__ == "__main__":
    main()
