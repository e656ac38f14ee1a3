"""de_e5_ner: accurate mode's German NER, shipped with newsgraph (`newsgraph extract --accurate`).

Not a spaCy pipeline: the fine-tuned layers' difference to multilingual-e5-small
(newsgraph_ner_package.json, ner_delta.safetensors), which newsgraph.encoder.package applies.
newsgraph finds it with newsgraph.nlp.loading.accurate_model_dir(). Written by
newsgraph.training.model_package.write_package_init.
"""

from __future__ import annotations

from pathlib import Path

#: The package's folder.
PATH = Path(__file__).parent
