"""de_e5_syntax: UPOS / STTS / morphology / dependency heads over the e5 NER encoder's layers (opt-in, issue 23).

Not a spaCy pipeline: numpy weights (syntax_heads.npz, float16) and labels, config and figures
(syntax_heads.json) that newsgraph.encoder.syntax_heads.SyntaxHeads loads and the newsgraph_encoder_syntax
component runs over the ONNX encoder (models/de_e5_onnx) or the torch package (models/de_e5_ner). Written by
`newsgraph models train-syntax-heads` (RUN/best); see docs/encoder-syntax.md.
"""

from __future__ import annotations

from pathlib import Path

#: The package's folder.
PATH = Path(__file__).parent
