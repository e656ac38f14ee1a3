"""Score the encoder syntax component end to end on the model card's held-out GSD sentences, lemmas included.

    OPENBLAS_NUM_THREADS=1 python benchmarks/eval_encoder_syntax.py HEADS ENCODER [--data ../shared/data]

Builds the pipeline the lead will integrate: a blank German pipeline, ``newsgraph_encoder_syntax`` (HEADS: a
``best/`` folder of ``newsgraph models train-syntax-heads`` or ``models/de_e5_syntax``; ENCODER: an ONNX folder of
``newsgraph models export-onnx`` or the torch package ``models/de_e5_ner``), then the lookup lemmatizer sourced
from ``models/de_newsgraph`` (it reads token texts, so it needs nothing else). Scores it with the function behind
``newsgraph evaluate --format conllu`` (spaCy's scorer: UPOS, STTS tag, morphology, lemma, UAS/LAS without
punctuation, sentence F) on the 196 held-out GSD test sentences, and prints words/s of the component.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import spacy

from newsgraph.tools.evaluate import evaluate_syntax
from newsgraph.training.syntax_data import read_ud_blocks

MODELS = Path(__file__).resolve().parents[1] / "models"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("heads", type=Path)
    parser.add_argument("encoder", type=Path)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    args = parser.parse_args()

    import newsgraph.encoder.syntax_component  # noqa: F401  (registers the factory)

    nlp = spacy.blank("de")
    nlp.add_pipe("newsgraph_encoder_syntax", config={"heads_dir": str(args.heads), "model_dir": str(args.encoder)})
    nlp.add_pipe("lemmatizer", source=spacy.load(MODELS / "de_newsgraph"))
    with tempfile.TemporaryDirectory() as tmp:
        held = Path(tmp) / "ud-test.conllu"
        held.write_text("\n".join(read_ud_blocks(args.data / "de/ud")["test"]), encoding="utf-8")
        words = sum(1 for line in held.read_text(encoding="utf-8").splitlines() if line.split("\t")[0].isdigit())
        started = time.perf_counter()
        report = evaluate_syntax(nlp, held)
        seconds = time.perf_counter() - started
    print(json.dumps({**report.as_dict(), "seconds": round(seconds, 1), "words_per_s": round(words / seconds)}))


if __name__ == "__main__":
    main()
