"""How closely int8 ONNX exports follow the float32 export of the same package, without labels (how the smoothing
of ``export-onnx --smooth`` was chosen; model card, "Session 5").

    newsgraph models export-onnx models/de_e5_ner FLOAT --quant none --data ../shared/data --vocab 50000 --by-score 60000
    OPENBLAS_NUM_THREADS=1 python benchmarks/quant_agreement.py FLOAT models/de_e5_onnx OTHER ... [--sentences 1500]

On ``--sentences`` random sentences of the NER training DocBin (``models/build/ner-train.spacy``, from ``make
corpora``; training text, so no held-out data is looked at), one forward pass per sentence as German's pipeline
runs an article, every model's tags are decoded as the run time decodes them and compared with FLOAT's: entity
agreement (F1 of the model's spans against FLOAT's), word tag agreement, mean absolute logit difference. Then
the NER alone on ``ner-tune`` (micro PER/LOC/ORG, a pass per sentence and batched by length) and its CPU seconds
there, one thread.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from newsgraph.encoder.onnx_runtime import Encoded, load_encoder
from newsgraph.encoder.tags import decode_spans
from newsgraph.training.encoder_finetune import read_examples, span_scores

BUILD = Path(__file__).resolve().parents[1] / "models" / "build"


def one_pass_each(folder: Path, sentences: list[list[str]]) -> list[Encoded]:
    encoder = load_encoder(folder, threads=1)
    return [encoder.encode([words], features=False)[0] for words in sentences]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reference", type=Path, help="the float32 export (--quant none)")
    parser.add_argument("models", type=Path, nargs="+", help="int8 exports to compare with it")
    parser.add_argument("--sentences", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    train = read_examples(BUILD / "ner-train.spacy")
    picked = sorted(np.random.default_rng(args.seed).choice(len(train), args.sentences, replace=False).tolist())
    words = [train[i].words for i in picked]
    reference = one_pass_each(args.reference, words)
    reference_spans = [decode_spans(r.tags) for r in reference]
    tune = read_examples(BUILD / "ner-tune.spacy")
    gold = [e.spans for e in tune]
    print(f"{len(words)} training sentences, {sum(len(s) for s in reference_spans)} float32 entities")
    print("model | entity agreement | tag agreement | mean |logit diff| | ner-tune PER/LOC/ORG pass per sentence / "
          "batched | CPU s on ner-tune (pass per sentence)")
    for folder in args.models:
        out = one_pass_each(folder, words)
        agreement = span_scores(reference_spans, [decode_spans(o.tags) for o in out])["micro"]["f"]
        tags = np.mean(np.concatenate([np.array(o.tags) == np.array(r.tags) for o, r in zip(out, reference)]))
        logits = np.mean(np.concatenate([np.abs(o.logits - r.logits).ravel() for o, r in zip(out, reference)]))
        started = time.process_time()
        alone = one_pass_each(folder, [e.words for e in tune])
        seconds = time.process_time() - started
        batched = load_encoder(folder, threads=1).encode([e.words for e in tune], features=False)
        scores = [span_scores(gold, [decode_spans(o.tags) for o in run])["micro_per_loc_org"]["f"]
                  for run in (alone, batched)]
        print(f"{folder} | {agreement:.4f} | {tags:.4f} | {logits:.4f} | {scores[0]:.4f} / {scores[1]:.4f} | "
              f"{seconds:.2f}", flush=True)


if __name__ == "__main__":
    main()
