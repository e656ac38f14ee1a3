"""Score the German e5 ONNX NER zero-shot on the English, French and Italian rows of README's per-language table,
side by side with each language's own pipeline: micro PER/LOC/ORG P/R/F1 and words/s, in one run.

    OPENBLAS_NUM_THREADS=1 python benchmarks/zeroshot_ner.py [--data ../shared/data] [--rows en_uner,it_kind]
        [--rounds 2] [--json OUT.json]

For every row (README, "Per-language NER figures": same gold file, format and language) two pipelines are
loaded as ``newsgraph evaluate`` loads them: the language's own (``load_pipeline(lang, components=(), fast=True)``,
what ``newsgraph evaluate --lang LANG --fast`` runs) and the same pipeline with its ``ner`` replaced by the ONNX
encoder (the default since issue 23: ``load_pipeline(lang, components=())``, ``newsgraph evaluate --lang LANG``). Both run
:func:`newsgraph.tools.evaluate.predict_entities` on the gold words (only the components that make entities,
predicted labels mapped as for the README rows), scored with the same exact-span scorer. Timing: ``--rounds``
passes of each pipeline, alternating own / encoder, one thread (``OPENBLAS_NUM_THREADS=1``, onnxruntime's
intra-op threads 1); words/s is the median of the rounds, wall clock and per CPU second (the machine may be shared).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["OMP_NUM_THREADS"] = "1"

ROOT = Path(__file__).resolve().parents[1]

# name: (gold file under the data folder, format, language), as README's rows and `make evaluate-multi`
ROWS: dict[str, tuple[str, str, str]] = {
    "en_uner": ("multi/uner_pud/en_pud-ud-test.iob2", "iob", "en"),
    "en_hipe": ("multi/hipe2022_fr_en/en/HIPE-2022-v2.1-hipe2020-test-en.tsv", "hipe", "en"),
    "fr_hipe": ("multi/hipe2022_fr_en/fr/HIPE-2022-v2.1-hipe2020-test-fr.tsv", "hipe", "fr"),
    "fr_letemps": ("multi/hipe2022_fr_en/letemps/fr/HIPE-2022-v2.1-letemps-test-fr.tsv", "hipe", "fr"),
    "it_kind": ("multi/it_kind_wikinews/WN_test.tsv", "conll", "it"),
}


def _scores(gold: list[set], pred: list[set]) -> dict[str, object]:
    from newsgraph.tools.evaluate import score_spans

    per_label, micro = score_spans(gold, pred)
    return {"micro": micro.as_dict(), "per_label": {k: v.as_dict() for k, v in sorted(per_label.items())}}


def run_row(name: str, data: Path, *, rounds: int) -> dict[str, object]:
    """Scores and words/s of the language's own NER and of the ONNX encoder NER on one README row."""
    from newsgraph.nlp.loading import load_pipeline
    from newsgraph.tools.corpora import bio_spans, read_gold
    from newsgraph.tools.evaluate import predict_entities

    path, fmt, lang = ROWS[name]
    sentences = list(read_gold(data / path, fmt))
    gold = [set(bio_spans(s.tags)) for s in sentences]
    words = sum(len(s.words) for s in sentences)
    pipelines = {"own": load_pipeline(lang, components=(), fast=True), "encoder": load_pipeline(lang, components=())}
    scored: dict[str, dict[str, object]] = {}
    walls: dict[str, list[float]] = {key: [] for key in pipelines}
    cpus: dict[str, list[float]] = {key: [] for key in pipelines}
    for _ in range(rounds):
        for key, nlp in pipelines.items():
            started, cpu = time.perf_counter(), time.process_time()
            pred = predict_entities(nlp, sentences)
            walls[key].append(time.perf_counter() - started)
            cpus[key].append(time.process_time() - cpu)
            scored.setdefault(key, _scores(gold, pred))
    for key, nlp in pipelines.items():
        scored[key].update(pipes=nlp.pipe_names, words_per_second=round(words / statistics.median(walls[key])),
                           words_per_cpu_second=round(words / statistics.median(cpus[key])))
    return {"file": path, "format": fmt, "lang": lang, "sentences": len(sentences), "words": words, **scored}


def _row_line(name: str, row: dict) -> str:
    cells = [name]
    for key in ("own", "encoder"):
        entry = row[key]
        m = entry["micro"]
        cells.append(f"{m['precision']:.3f}/{m['recall']:.3f}/{m['f1']:.3f}")
        cells.append(f"{entry['words_per_second']:,} ({entry['words_per_cpu_second']:,})")
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data", help="The shared data folder.")
    parser.add_argument("--rows", default=",".join(ROWS), help=f"Rows to run, comma-separated: {', '.join(ROWS)}.")
    parser.add_argument("--rounds", type=int, default=2, help="Timed passes of each pipeline (alternating).")
    parser.add_argument("--json", type=Path, help="Also write the figures here.")
    args = parser.parse_args()
    results = {name: run_row(name, args.data, rounds=args.rounds) for name in args.rows.split(",")}
    print("| row | own P/R/F1 | own words/s (per CPU s) | e5 ONNX P/R/F1 | e5 ONNX words/s (per CPU s) |")
    print("|---|---|---|---|---|")
    for name, row in results.items():
        print(_row_line(name, row))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
