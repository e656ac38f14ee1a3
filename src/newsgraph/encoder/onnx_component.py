"""The ``newsgraph_encoder`` component: the exported e5 encoder on onnxruntime as spaCy NER, without torch.

It runs a folder written by ``newsgraph models export-onnx`` (:mod:`newsgraph.encoder.onnx_runtime`) and tags
words as the torch component (:mod:`newsgraph.encoder.component`) does: the words are the Doc's non-whitespace
tokens, each sentence (when the Doc has sentence boundaries) is one text, a word's logits are its first
sub-word's, and the best well-formed BIO tags (:func:`newsgraph.encoder.tags.best_tags`) become spans with
:func:`newsgraph.encoder.tags.decode_spans`. Unlike the torch component nothing
is truncated: a sentence longer than the encoder's window is read in overlapping windows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from newsgraph.encoder.onnx_runtime import MAX_PIECES, OnnxEncoder
from newsgraph.encoder.tags import set_entities, word_units

FACTORY_NAME = "newsgraph_encoder"

class OnnxEncoderNer:
    """Sets ``doc.ents`` (PER/LOC/ORG/MISC) from the ONNX encoder's NER logits."""

    def __init__(self, nlp: Language, name: str, *, model_dir: str, batch_size: int, device: str, threads: int,
                 max_pieces: int) -> None:
        self.name = name
        self.model_dir = Path(model_dir)
        self.batch_size = batch_size
        self.encoder = OnnxEncoder(self.model_dir, device=device, threads=threads, max_pieces=max_pieces)

    def __call__(self, doc: Doc) -> Doc:
        self.tag_docs([doc])
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int | None = None) -> Iterator[Doc]:
        """Tag Docs in batches of ``batch_size`` Docs (default: the component's own)."""
        for docs in minibatch(stream, size=batch_size or self.batch_size):
            self.tag_docs(docs)
            yield from docs

    def tag_docs(self, docs: list[Doc]) -> None:
        """Set ``doc.ents`` on all ``docs``. Each Doc's sentences are encoded in forward passes of their own: the
        int8 encoder quantises a pass's activations with one scale, so sharing passes with other Docs would make a
        Doc's entities depend on its batch mates (and on the number of workers)."""
        for doc in docs:
            units = word_units(doc, 0)
            words = [[doc[t].text for t in tokens] for _, tokens in units]
            encoded = self.encoder.encode(words, features=False) if words else []
            set_entities([doc], ((unit, result.tags) for unit, result in zip(units, encoded)))


@Language.factory(
    FACTORY_NAME,
    assigns=["doc.ents", "token.ent_iob", "token.ent_type"],
    default_config={"batch_size": 64, "device": "cpu", "threads": 1, "max_pieces": MAX_PIECES},
)
def make_onnx_encoder(nlp: Language, name: str, model_dir: str, batch_size: int, device: str, threads: int,
                      max_pieces: int) -> OnnxEncoderNer:
    """Create the ONNX encoder NER from ``model_dir`` (written by ``newsgraph models export-onnx``).

    Args:
        model_dir: The model folder (``models/de_e5_onnx``).
        batch_size: Docs per call of the encoder (their sentences are batched by length inside it).
        device: ``cpu`` or ``cuda`` (onnxruntime's CUDA provider).
        threads: onnxruntime's intra-op threads (0: one per core).
        max_pieces: Sub-words per window, ``<s>`` and ``</s>`` included (at most 512).

    Raises:
        ModelError: the folder is not an exported model, onnxruntime/tokenizers are missing, or no CUDA.
    """
    return OnnxEncoderNer(nlp, name, model_dir=model_dir, batch_size=batch_size, device=device, threads=threads,
                          max_pieces=max_pieces)


__all__ = ["FACTORY_NAME", "OnnxEncoderNer", "make_onnx_encoder"]
