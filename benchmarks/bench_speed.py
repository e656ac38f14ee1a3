"""Words/s and peak memory of the German pipeline on real news (10kGNAD articles), on one core.

Usage:
    python benchmarks/bench_speed.py [--limit 300] [--rounds 2] [--articles PATH] [--model DIR] [--accurate-model DIR]
        [--reference] [--blis]

Prints one line per configuration: the bare spaCy pipeline (tagger+parser+NER, what the model card
quotes), the same with the lemmatizer, and newsgraph's full ``extract`` (adds resolution and record
building). Peak RSS is the process high-water mark after each run (Linux ``ru_maxrss``). The spaCy rows load
the model as newsgraph does, with thinc's matrix products through numpy's BLAS (``newsgraph.nlp.blas``);
``--blis`` also times them through thinc's default BLIS, to show what that choice gains on this CPU.

``--reference`` also times spaCy's own small-pipeline architecture (``spacy init config --optimize
efficiency``: one tok2vec of width 96 for tagger, morphologizer and parser, the NER with its own, as in
``de_core_news_sm``) with untrained weights and this model's labels and tokenizer: its speed does not depend on
the weights, so it tells how this host compares with the 8.4k words/s spaCy publishes for de_core_news_sm.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from contextlib import nullcontext
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import spacy  # noqa: E402

from newsgraph.nlp.blas import numpy_blas  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ARTICLES = ROOT.parent / "shared/data/de/news/10kgnad/articles.jsonl"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def read_texts(path: Path, limit: int) -> list[str]:
    texts = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            texts.append(json.loads(line)["text"])
            if len(texts) >= limit:
                break
    return texts


def count_words(texts: list[str]) -> int:
    """Words as whitespace-separated tokens: the same count for every configuration."""
    return sum(len(t.split()) for t in texts)


def time_pipe(nlp: spacy.Language, texts: list[str], *, disable: list[str], rounds: int = 1) -> tuple[float, int]:
    """Seconds of the fastest of ``rounds`` passes over ``texts`` (a single pass, the first configuration's
    most of all, sometimes read slower than a configuration doing more), and the word count."""
    fastest = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        with nlp.select_pipes(disable=disable):
            for _doc in nlp.pipe(texts, batch_size=32):
                pass
        fastest = min(fastest, time.perf_counter() - start)
    return fastest, count_words(texts)


def reference_pipeline(model: spacy.Language) -> spacy.Language:
    """spaCy's efficiency architecture for German with ``model``'s labels and tokenizer, untrained weights."""
    from spacy.cli.init_config import init_config
    from spacy.util import load_model_from_config

    components = ["tagger", "morphologizer", "parser", "ner"]
    config = init_config(lang="de", pipeline=components, optimize="efficiency", gpu=False)
    nlp = load_model_from_config(config, auto_fill=True)
    nlp.tokenizer = model.tokenizer
    for name in components:
        labels = model.get_pipe(name).labels
        for label in labels:
            nlp.get_pipe(name).add_label(label)  # type: ignore[attr-defined]
    nlp.initialize()
    nlp.replace_listeners("tok2vec", "ner", ["model.tok2vec"])  # the core pipelines' NER has its own tok2vec
    return nlp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES)
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--model", type=Path, default=ROOT / "models/de_newsgraph")
    parser.add_argument("--reference", action="store_true",
                        help="also time spaCy's small-pipeline architecture (untrained) to calibrate the host")
    parser.add_argument("--blis", action="store_true",
                        help="also time tagger+parser+NER with thinc's default BLIS instead of numpy's BLAS")
    parser.add_argument("--rounds", type=int, default=2,
                        help="time each spaCy configuration this many times and report the fastest")
    parser.add_argument("--accurate-model", type=Path, default=None,
                        help="also time newsgraph.extract in accurate mode with this fine-tuned encoder NER")
    args = parser.parse_args()

    texts = read_texts(args.articles, args.limit)
    print(f"texts: {len(texts)} articles, {sum(len(t) for t in texts):,} chars from {args.articles}")
    base_rss = peak_rss_mb()
    with numpy_blas():
        nlp = spacy.load(args.model)
    print(f"model: {args.model.name} {nlp.meta.get('version')}  pipes={nlp.pipe_names}  load RSS {peak_rss_mb():.0f} MB")
    time_pipe(nlp, texts[:10], disable=[])  # warm-up
    configs = {
        "tagger+parser+ner": ["lemmatizer"],
        "full spaCy pipeline": [],
        "ner only": [p for p in nlp.pipe_names if p != "ner"],
    }
    print(f"{'configuration':<24}{'words':>9}{'seconds':>9}{'words/s':>10}{'peak RSS MB':>13}")
    for name, disable in configs.items():
        seconds, words = time_pipe(nlp, texts, disable=disable, rounds=args.rounds)
        print(f"{name:<24}{words:>9}{seconds:>9.1f}{words / seconds:>10,.0f}{peak_rss_mb():>13.0f}")

    if args.blis:
        blis_nlp = spacy.load(args.model)
        time_pipe(blis_nlp, texts[:10], disable=[])
        seconds, words = time_pipe(blis_nlp, texts, disable=configs["tagger+parser+ner"], rounds=args.rounds)
        print(f"{'t+p+n, thinc BLIS':<24}{words:>9}{seconds:>9.1f}{words / seconds:>10,.0f}{peak_rss_mb():>13.0f}")

    if args.reference:
        for name, ops in (("spaCy sm architecture", numpy_blas), ("spaCy sm arch., BLIS", nullcontext)):
            with ops():
                reference = reference_pipeline(nlp)
            time_pipe(reference, texts[:10], disable=[])
            seconds, words = time_pipe(reference, texts, disable=[], rounds=args.rounds)
            print(f"{name:<24}{words:>9}{seconds:>9.1f}{words / seconds:>10,.0f}{peak_rss_mb():>13.0f}")

    import newsgraph

    start = time.perf_counter()
    results = list(newsgraph.extract(texts, lang="de", model=args.model))
    seconds = time.perf_counter() - start
    words = count_words(texts)
    assert len(results) == len(texts)
    print(f"{'newsgraph.extract':<24}{words:>9}{seconds:>9.1f}{words / seconds:>10,.0f}{peak_rss_mb():>13.0f}")
    if args.accurate_model is not None:
        start = time.perf_counter()
        results = list(newsgraph.extract(texts, lang="de", model=args.model, accurate=True,
                                         accurate_model=args.accurate_model))
        seconds = time.perf_counter() - start
        assert len(results) == len(texts) and all(r.ok for r in results)
        print(f"{'extract --accurate':<24}{words:>9}{seconds:>9.1f}{words / seconds:>10,.0f}{peak_rss_mb():>13.0f}")
    print(f"(baseline RSS before loading: {base_rss:.0f} MB; one process, OPENBLAS_NUM_THREADS=1)")


if __name__ == "__main__":
    main()
