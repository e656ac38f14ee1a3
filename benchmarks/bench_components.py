"""Seconds per pipeline component, for one or more German pipelines timed side by side in one process.

Usage:
    python benchmarks/bench_components.py [--limit 150] [--rounds 3] [PIPELINE ...]

Where the time of tagger+parser+NER goes (the model card's speed budget): the tokenizer, then each of
``tok2vec``, ``tagger``, ``morphologizer``, ``parser`` and ``ner`` on batches of 32 10kGNAD articles. The
pipelines are loaded as newsgraph loads them (numpy's BLAS, ``newsgraph.nlp.blas``) and timed in turn, round
after round; each figure is the fastest of the rounds, which keeps the comparison fair on a host whose speed
drifts (compare pipelines of one run, not across runs). Without arguments it times the shipped pipeline.

``--rules`` times every component of the full newsgraph pipeline instead (the rule-based ones too: sentence
hints, gazetteer ruler, resolver, relations, events) and sums the rule components apart from the statistical
ones. ``--tree DIR`` (repeatable, with ``--rules``) compares source trees, e.g. a checkout of the current main
against the working tree: each round runs this script once per tree in a fresh process (``PYTHONPATH=DIR/src``,
the tree's own ``models/``), alternating, and the fastest round of each component is kept::

    python benchmarks/bench_components.py --rules --limit 300 --tree ../main-before --tree .

``--cpu`` counts each component's CPU time instead of wall time: on a host that other jobs share, the wall
time also holds the time the process waited for a core.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from bench_speed import DEFAULT_ARTICLES, count_words, read_texts  # noqa: E402
from spacy.language import Language  # noqa: E402
from spacy.util import minibatch  # noqa: E402

from newsgraph.nlp.loading import load_pipeline  # noqa: E402

TIMED = ("tok2vec", "tagger", "morphologizer", "parser", "ner")
STATISTICAL = (*TIMED, "tokenizer", "lemmatizer", "newsgraph_encoder_ner")


def component_seconds(nlp: Language, texts: list[str], batch_size: int = 32,
                      timed: tuple[str, ...] | None = TIMED, clock: Callable[[], float] = time.perf_counter,
                      ) -> dict[str, float]:
    """Seconds spent in the tokenizer and in each timed component (``None``: every one) over all texts (one pass).

    ``clock`` is ``time.perf_counter`` (wall time), or ``time.process_time`` (CPU time of this process: on a
    shared host it does not count the time other processes hold the cores).
    """
    spent = {"tokenizer": 0.0} | {name: 0.0 for name in nlp.pipe_names if timed is None or name in timed}
    for batch in minibatch(texts, batch_size):
        start = clock()
        docs = [nlp.make_doc(text) for text in batch]
        spent["tokenizer"] += clock() - start
        for name, component in nlp.pipeline:
            if name in spent:
                start = clock()
                docs = _run(component, docs, batch_size)
                spent[name] += clock() - start
            else:
                docs = _run(component, docs, batch_size)
    return spent


def _run(component: object, docs: list, batch_size: int) -> list:
    if hasattr(component, "pipe"):
        return list(component.pipe(docs, batch_size=batch_size))
    return [component(doc) for doc in docs]  # type: ignore[operator]


def _print_rules(label: str, spent: dict[str, float], words: int) -> None:
    rules = {name: seconds for name, seconds in spent.items() if name not in STATISTICAL}
    total = sum(rules.values())
    parts = "  ".join(f"{name} {seconds:.2f}" for name, seconds in rules.items())
    print(f"{label}: rule components {total:.2f} s = {words / total:,.0f} words/s  ({parts});"
          f" all components {sum(spent.values()):.2f} s")


def _compare_trees(trees: list[Path], args: argparse.Namespace, words: int, count: int) -> None:
    best: dict[str, dict[str, float]] = {str(tree): {} for tree in trees}
    for _ in range(args.rounds):
        for tree in trees:
            env = dict(os.environ, PYTHONPATH=str(tree.resolve() / "src"))
            command = [sys.executable, __file__, "--rules", "--rounds", "1", "--json", *(["--cpu"] if args.cpu else []),
                       *(["--fast"] if args.fast else []),
                       "--limit", str(args.limit), "--articles", str(args.articles)]
            output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
            for name, seconds in json.loads(output.splitlines()[-1]).items():
                best[str(tree)][name] = min(seconds, best[str(tree)].get(name, float("inf")))
    kind = "CPU seconds" if args.cpu else "seconds"
    print(f"{count} articles, {words:,} words; fastest of {args.rounds} alternating rounds, {kind} per component")
    for label, spent in best.items():
        _print_rules(label, spent, words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pipelines", nargs="*", type=Path, help="pipeline folders (default: the shipped one)")
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES)
    parser.add_argument("--limit", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rules", action="store_true", help="time every component of the full newsgraph pipeline")
    parser.add_argument("--tree", type=Path, action="append", default=[], help="a source tree to compare (with --rules)")
    parser.add_argument("--cpu", action="store_true",
                        help="CPU time of the process instead of wall time (for a host other jobs share)")
    parser.add_argument("--fast", action="store_true",
                        help="German's CNN pipeline (--fast), the one trees from before the encoder default run")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    texts = read_texts(args.articles, args.limit)
    words = count_words(texts)
    if args.tree:
        _compare_trees(args.tree, args, words, len(texts))
        return
    if args.rules:
        # a tree from before the encoder default has no `fast`: its default is the CNN pipeline
        fast = {"fast": True} if args.fast and "fast" in inspect.signature(load_pipeline).parameters else {}
        nlp = load_pipeline(**fast)
        spent: dict[str, float] = {}
        for _ in range(args.rounds):
            clock = time.process_time if args.cpu else time.perf_counter
            for name, seconds in component_seconds(nlp, texts, timed=None, clock=clock).items():
                spent[name] = min(seconds, spent.get(name, float("inf")))
        print(json.dumps(spent) if args.json else "")
        if not args.json:
            _print_rules("this tree", spent, words)
        return
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
