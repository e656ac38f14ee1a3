"""Seconds per pipeline component, for one or more German pipelines timed side by side in one process.

Usage:
    python benchmarks/bench_components.py [--limit 150] [--rounds 3] [PIPELINE ...]

Where the time of tagger+parser+NER goes (the model card's speed budget): the tokenizer, then each of
``tok2vec``, ``tagger``, ``morphologizer``, ``parser`` and ``ner`` on batches of 32 10kGNAD articles. The
pipelines are loaded as newsgraph loads them (numpy's BLAS, ``newsgraph.nlp.blas``) and timed in turn, round
after round; each figure is the fastest of the rounds, which keeps the comparison fair on a host whose speed
drifts (compare pipelines of one run, not across runs). Without arguments it times the shipped pipeline.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from bench_speed import DEFAULT_ARTICLES, count_words, read_texts  # noqa: E402
from spacy.language import Language  # noqa: E402
from spacy.util import minibatch  # noqa: E402

from newsgraph.nlp.loading import load_pipeline  # noqa: E402

TIMED = ("tok2vec", "tagger", "morphologizer", "parser", "ner")


def component_seconds(nlp: Language, texts: list[str], batch_size: int = 32) -> dict[str, float]:
    """Seconds spent in the tokenizer and in each timed component over all texts (one pass)."""
    spent = {"tokenizer": 0.0} | {name: 0.0 for name in nlp.pipe_names if name in TIMED}
    for batch in minibatch(texts, batch_size):
        start = time.perf_counter()
        docs = [nlp.make_doc(text) for text in batch]
        spent["tokenizer"] += time.perf_counter() - start
        for name, component in nlp.pipeline:
            if name in spent:
                start = time.perf_counter()
                docs = list(component.pipe(docs, batch_size=batch_size))
                spent[name] += time.perf_counter() - start
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pipelines", nargs="*", type=Path, help="pipeline folders (default: the shipped one)")
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES)
    parser.add_argument("--limit", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    texts = read_texts(args.articles, args.limit)
    words = count_words(texts)
    pipelines = {str(path): load_pipeline(model=path, components=()) for path in args.pipelines} or {
        "shipped": load_pipeline(components=())
    }
    best: dict[str, dict[str, float]] = {label: {} for label in pipelines}
    for _ in range(args.rounds):
        for label, nlp in pipelines.items():
            for name, seconds in component_seconds(nlp, texts).items():
                best[label][name] = min(seconds, best[label].get(name, float("inf")))
    print(f"{len(texts)} articles, {words:,} words; fastest of {args.rounds} rounds, seconds per component")
    for label, spent in best.items():
        total = sum(spent.values())
        parts = "  ".join(f"{name} {seconds:.2f}" for name, seconds in spent.items())
        print(f"{label}: total {total:.2f} s = {words / total:,.0f} words/s  ({parts})")


if __name__ == "__main__":
    main()
