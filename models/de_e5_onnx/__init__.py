"""de_e5_onnx: accurate mode's German NER as ONNX, shipped with newsgraph (runs on onnxruntime, no torch).

Not a spaCy pipeline: the fine-tuned e5 encoder of de_e5_ner exported by `newsgraph models export-onnx`
(model.onnx with int8 weights, a trimmed tokenizer.json, newsgraph_onnx.json), which
newsgraph.encoder.onnx_runtime runs. newsgraph finds it with newsgraph.nlp.loading.accurate_model_dir(onnx=True).
"""

from __future__ import annotations

from pathlib import Path

#: The package's folder.
PATH = Path(__file__).parent
