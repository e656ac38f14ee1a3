"""Check the ONNX export of the e5 NER against the torch package: F1, speed, memory and agreement, side by side.

    python benchmarks/check_onnx.py --variant torch=models/de_e5_ner --variant int8=models/de_e5_onnx \
        [--variant NAME=FOLDER ...] [--agree FOLDER ...] [--sentences 300] [--json OUT.json]

* Each ``--variant`` runs in its own process, one after the other, on one thread (``OPENBLAS_NUM_THREADS=1``,
  torch's and onnxruntime's intra-op threads 1): accurate mode's pipeline with that NER
  (``load_pipeline(accurate=True, accurate_model=FOLDER)``) scored on GermEval-2014 dev news exactly as
  ``newsgraph evaluate --accurate --news-only`` does (micro PER/LOC/ORG F1, ORG F1), the NER component alone
  timed on the gold words of those 1,081 sentences (words/s), the process's peak RSS, and the size of the
  model files (for the torch package: the delta plus the 470 MB encoder rebuilt in the cache).
* Each ``--agree`` folder is compared with the torch package on the first ``--sentences`` Wikipedia sentences
  of GermEval dev (never used to choose a variant): per-word label agreement, entity agreement (spans decoded
  from both, F1 of the ONNX spans against the torch ones) and the cosine of the per-word hidden states (every
  layer; mean and minimum over words).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["OMP_NUM_THREADS"] = "1"

ROOT = Path(__file__).resolve().parents[1]
GERMEVAL_DEV = ROOT.parent / "shared" / "data" / "de/ner/germeval2014/NER-de-dev.tsv"


def _megabytes(folder: Path) -> float:
    from newsgraph.encoder.convert import default_encoder_dir
    from newsgraph.encoder.package import is_package

    files = [p for p in folder.iterdir() if p.is_file() and p.suffix in (".onnx", ".json", ".safetensors")]
    if is_package(folder):
        files += [default_encoder_dir() / "model.safetensors", default_encoder_dir() / "tokenizer.json"]
    return round(sum(p.stat().st_size for p in files) / 1e6, 1)


def run_variant(folder: Path) -> dict[str, object]:
    """F1 on GermEval dev news, encoder words/s and peak RSS of accurate mode with the NER at ``folder``."""
    from newsgraph.nlp.loading import load_pipeline
    from newsgraph.tools.corpora import is_news_source, read_gold
    from newsgraph.tools.evaluate import evaluate_file

    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass
    nlp = load_pipeline("de", components=(), accurate=True, accurate_model=folder)
    report = evaluate_file(nlp, GERMEVAL_DEV, fmt="germeval", news_only=True).as_dict()
    words = [s.words for s in read_gold(GERMEVAL_DEV, "germeval") if is_news_source(s.source)]
    words.sort(key=len, reverse=True)  # as both components order a batch
    component = nlp.get_pipe(nlp.pipe_names[[hasattr(nlp.get_pipe(n), "model_dir") for n in nlp.pipe_names].index(True)])
    started, cpu = time.perf_counter(), time.process_time()
    if hasattr(component, "encoder"):
        component.encoder.encode(words, features=False)  # as the component runs it
    else:
        component.predict_tags(words)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    return {
        "f1": report["micro"]["f1"], "org_f1": report["per_label"]["ORG"]["f1"],
        "per_f1": report["per_label"]["PER"]["f1"], "loc_f1": report["per_label"]["LOC"]["f1"],
        "words_per_second": round(sum(map(len, words)) / seconds),
        "words_per_cpu_second": round(sum(map(len, words)) / cpu_seconds),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "megabytes": _megabytes(folder),
    }


def agreement(folder: Path, count: int) -> dict[str, object]:
    """Label, entity and hidden-state agreement of the ONNX model at ``folder`` with the torch package."""
    import numpy as np
    import torch

    from newsgraph.encoder.onnx_runtime import load_encoder
    from newsgraph.encoder.package import load_package
    from newsgraph.encoder.tags import decode_spans
    from newsgraph.tools.corpora import is_news_source, read_gold

    torch.set_num_threads(1)
    sentences = [s.words for s in read_gold(GERMEVAL_DEV, "germeval") if not is_news_source(s.source)][:count]
    tokenizer, model = load_package(ROOT / "models/de_e5_ner")
    encoded = load_encoder(folder).encode(sentences)
    same = total = span_match = torch_spans = onnx_spans = 0
    cosines = []
    with torch.no_grad():
        for words, onnx in zip(sentences, encoded):
            enc = tokenizer([words], is_split_into_words=True, return_tensors="pt")
            out = model(**enc, output_hidden_states=True)
            hidden = torch.stack(out.hidden_states, 1)[0].numpy()  # layers, pieces, hidden
            best = out.logits[0].argmax(-1).numpy()
            first: dict[int, int] = {}
            for position, word in enumerate(enc.word_ids(0)):
                if word is not None and word not in first:
                    first[word] = position
            tags = [int(best[first[w]]) if w in first else 0 for w in range(len(words))]
            same += sum(a == b for a, b in zip(tags, onnx.tags))
            total += len(words)
            gold, pred = decode_spans(tags), decode_spans(onnx.tags)
            span_match += len(gold & pred)
            torch_spans += len(gold)
            onnx_spans += len(pred)
            for w, position in first.items():
                a, b = hidden[:, position], onnx.features[w]
                cosines.append((a * b).sum(-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1) + 1e-9))
    cos = np.stack(cosines)  # words, layers
    return {
        "sentences": len(sentences), "words": total, "label_agreement": round(same / total, 4),
        "entity_agreement_f1": round(2 * span_match / max(torch_spans + onnx_spans, 1), 4),
        "entities_torch": torch_spans, "entities_onnx": onnx_spans,
        "cosine_mean_per_layer": [round(float(x), 4) for x in cos.mean(0)],
        "cosine_min_last_layer": round(float(cos[:, -1].min()), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variant", action="append", default=[], help="NAME=FOLDER (repeatable)")
    parser.add_argument("--agree", action="append", type=Path, default=[], help="ONNX folder to compare with torch")
    parser.add_argument("--sentences", type=int, default=300)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--agree-one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(run_variant(args.one)))
        return
    if args.agree_one is not None:
        print(json.dumps(agreement(args.agree_one, args.sentences)))
        return
    results: dict[str, object] = {"variants": {}, "agreement": {}}
    for spec in args.variant:
        name, _, folder = spec.partition("=")
        out = subprocess.run([sys.executable, __file__, "--one", folder], capture_output=True, text=True, check=True)
        results["variants"][name] = json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[index]
        print(name, results["variants"][name], flush=True)  # type: ignore[index]
    for folder in args.agree:
        out = subprocess.run([sys.executable, __file__, "--agree-one", str(folder), "--sentences", str(args.sentences)],
                             capture_output=True, text=True, check=True)
        results["agreement"][str(folder)] = json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[index]
        print(folder, results["agreement"][str(folder)], flush=True)  # type: ignore[index]
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
