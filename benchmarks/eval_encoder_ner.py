"""Score a fine-tuned encoder NER (``newsgraph models finetune-ner`` output) on a DocBin.

Usage:
    python benchmarks/eval_encoder_ner.py MODEL_DIR [--gold models/build/ner-dev-news.spacy]

The default gold file is GermEval-2014 dev news (made by ``make corpora``), the same sentences,
gold tokens and label mapping as ``newsgraph evaluate ... --news-only``, so the figures compare
directly with the CNN pipeline's model card.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", type=Path, help="folder with the fine-tuned model and tokenizer (e.g. .../best)")
    parser.add_argument("--gold", type=Path, default=ROOT / "models/build/ner-dev-news.spacy")
    parser.add_argument("--max-length", type=int, default=256)
    args = parser.parse_args()

    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    from newsgraph.training.encoder_finetune import encode, evaluate_model, read_examples

    torch.set_num_threads(max(1, os.cpu_count() or 1))
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = AutoModelForTokenClassification.from_pretrained(args.model)
    examples = read_examples(args.gold)
    features = encode(tokenizer, examples, args.max_length)
    started = time.perf_counter()
    scores = evaluate_model(model, features, examples, pad_id=tokenizer.pad_token_id)
    seconds = time.perf_counter() - started
    words = sum(len(e.words) for e in examples)
    print(json.dumps({"gold": str(args.gold), "sentences": len(examples), **scores,
                      "words_per_second": round(words / seconds)}, indent=1))


if __name__ == "__main__":
    main()
