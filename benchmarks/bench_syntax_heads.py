"""Size and speed of exported syntax heads (numpy, no encoder): weights MB and words/s, side by side.

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_syntax_heads.py HEADS [HEADS ...] [--data ../shared/data]
        [--encoder models/de_e5_onnx] [--rounds 3] [--batched [--article 25]]

Runs each heads folder's ``predict`` (tags, morphology, arcs, MST decode, labels) on the cached features of the
196 held-out GSD sentences (3,354 words; ``newsgraph models syntax-features``, of ``--encoder`` when given), the
folders alternating round by round so that a change of machine load hits them all alike; prints the best round's
words/s per folder, the weights' size and the held-out figures stored in its JSON. ``--batched`` times the
default pipeline's path instead: ``predict_mixed`` on the mixed layers (mixed outside the timing, as the encoder
does it), ``--article`` consecutive sentences per call as the pipeline runs one article's sentences at a time. The
figure is words per second of CPU time (``time.process_time``), less sensitive to other jobs than wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from newsgraph.encoder.syntax_heads import META_FILE, WEIGHTS_FILE, SyntaxHeads  # noqa: E402
from newsgraph.training.syntax_data import features_dir, load_features, read_ud_splits  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("heads", type=Path, nargs="+")
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--encoder", type=Path, help="read the cached features of this ONNX encoder")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batched", action="store_true", help="time predict_mixed (the default pipeline's path)")
    parser.add_argument("--article", type=int, default=25, help="sentences per predict_mixed call (--batched)")
    args = parser.parse_args()
    test = read_ud_splits(args.data / "de/ud")["test"]
    features = [f.transpose(1, 0, 2) for f in load_features("test", test, out_dir=features_dir(args.encoder))]
    words = sum(f.shape[1] for f in features)
    models = {str(folder): SyntaxHeads.load(folder) for folder in args.heads}
    mixed = {name: [np.tensordot(heads.mix, f[heads.layers].astype(np.float32), axes=1) for f in features]
             for name, heads in models.items()} if args.batched else {}
    best: dict[str, float] = {}
    for _ in range(args.rounds):
        for name, heads in models.items():
            started = time.process_time()
            if args.batched:
                for i in range(0, len(features), args.article):
                    heads.predict_mixed(mixed[name][i:i + args.article])
            else:
                for f in features:
                    heads.predict(f)
            best[name] = max(best.get(name, 0.0), words / (time.process_time() - started))
    for folder in args.heads:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        print(json.dumps({"heads": str(folder), "path": "predict_mixed" if args.batched else "predict",
                          "words_per_s": round(best[str(folder)]),
                          "weights_mb": round((folder / WEIGHTS_FILE).stat().st_size / 1e6, 2),
                          "lstm": meta.get("config", {}).get("lstm"), "step": meta.get("step"),
                          "tune": meta.get("tune"), "heldout_gsd": meta.get("heldout_gsd")}))


if __name__ == "__main__":
    main()
