"""The ``newsgraph_encoder_pipeline`` component: NER, tags, morphology and parse from ONE encoder pass.

German's default pipeline (``newsgraph.nlp.loading``): spaCy's tokenizer, sentence boundaries (``sentencizer``
and ``newsgraph_sentence_hints``), this component, the lookup lemmatizer, the gazetteer ruler, newsgraph's rules.
For the sentences of each Doc it runs the ONNX encoder (:mod:`newsgraph.encoder.onnx_runtime`) once, one
sentence per text (what the NER and the heads were trained on; length-bucketed batches, long sentences in
overlapping windows), and from the same forward pass takes

* the NER logits of each word's first sub-word -> ``doc.ents`` (PER/LOC/ORG/MISC, as ``newsgraph_encoder``);
* the heads' scalar mix of the layers (computed per batch, so one ``[words, 384]`` array per sentence is kept)
  -> the numpy syntax heads (:meth:`newsgraph.encoder.syntax_heads.SyntaxHeads.predict_mixed`) -> ``tag_``,
  ``pos_``, ``morph`` and ``head``/``dep_``: one tree per sentence, so the sentence starts stay those found before
  (a sentence of more than :data:`MAX_TREE_WORDS` words is cut into parts of that size).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from newsgraph.encoder.onnx_runtime import BATCH_PIECES, MAX_PIECES, LayerMix, OnnxEncoder
from newsgraph.encoder.syntax_component import Parse, sentence_words, set_annotations
from newsgraph.encoder.syntax_heads import SyntaxHeads, SyntaxPrediction
from newsgraph.encoder.tags import Unit, set_entities
from newsgraph.errors import ModelError

FACTORY_NAME = "newsgraph_encoder_pipeline"
# The biaffine parser scores every pair of words (memory and time grow with the square of a sentence's length,
# 3 GB for 28,000 words): a longer "sentence" (run-on text, hostile input; news sentences stay far below) is
# cut into parts of this many words, each tagged and parsed as a sentence of its own.
MAX_TREE_WORDS = 256
_EMPTY = SyntaxPrediction([], [], [], [], [])


def split_long(span: tuple[int, int], words: list[int], *, limit: int = MAX_TREE_WORDS
               ) -> list[tuple[tuple[int, int], list[int]]]:
    """``(span, words)`` cut into consecutive parts of at most ``limit`` words; together they cover the span."""
    if len(words) <= limit:
        return [(span, words)]
    parts = [words[k:k + limit] for k in range(0, len(words), limit)]
    starts = [span[0]] + [part[0] for part in parts[1:]]
    ends = starts[1:] + [span[1]]
    return [((start, end), part) for start, end, part in zip(starts, ends, parts)]


class EncoderPipeline:
    """Sets ``doc.ents``, ``tag_``, ``pos_``, ``morph``, ``head`` and ``dep_`` from one encoder pass (see the module).

    Args:
        nlp: The pipeline.
        name: The component's name.
        model_dir: An ONNX encoder folder (``newsgraph models export-onnx``; ``models/de_e5_onnx``).
        heads_dir: The syntax heads over that encoder (``models/de_e5_syntax``).
        batch_size: Docs taken from the stream at a time (each Doc's sentences are encoded in passes of their own).
        device: ``cpu`` or ``cuda`` (onnxruntime's CUDA provider).
        threads: onnxruntime's intra-op threads (0: one per core).
        max_pieces: Sub-words per window, ``<s>`` and ``</s>`` included (at most 512).
        batch_pieces: Padded sub-words per forward pass.

    Raises:
        ModelError: a folder is not a model of its format, onnxruntime/tokenizers are missing, no CUDA, or the
            heads read more layers than the encoder has.
    """

    def __init__(self, nlp: Language, name: str, *, model_dir: str, heads_dir: str, batch_size: int = 64,
                 device: str = "cpu", threads: int = 1, max_pieces: int = MAX_PIECES,
                 batch_pieces: int = BATCH_PIECES) -> None:
        self.name = name
        self.batch_size = batch_size
        self.heads = SyntaxHeads.load(Path(heads_dir))
        self.encoder = OnnxEncoder(Path(model_dir), device=device, threads=threads, max_pieces=max_pieces,
                                   batch_pieces=batch_pieces)
        layers, weights = self.heads.layer_mix()
        depth = int(self.encoder.info["layers"])
        if max(layers) > depth:  # heads trained on a deeper encoder would index past its hidden states
            raise ModelError(f"the syntax heads at {heads_dir} mix encoder layers up to {max(layers)}, but the "
                             f"encoder at {model_dir} has {depth} layers: train heads on its features "
                             f"(`newsgraph models syntax-features --encoder {model_dir}`, then "
                             f"`train-syntax-heads --encoder {model_dir} --layers 0-{depth}`)")
        self.mix = LayerMix(layers, weights)

    @property
    def device(self) -> str:
        """Where the encoder runs (``cpu`` or ``cuda``)."""
        return self.encoder.device

    def __call__(self, doc: Doc) -> Doc:
        self.annotate([doc])
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int | None = None) -> Iterator[Doc]:
        """Annotate Docs in batches of ``batch_size`` Docs (default: the component's own)."""
        for docs in minibatch(stream, size=batch_size or self.batch_size):
            self.annotate(docs)
            yield from docs

    def annotate(self, docs: list[Doc]) -> None:
        """Encode every sentence of ``docs`` once and write all the annotations.

        Each Doc's sentences are batched on their own: the int8 encoder quantises a forward pass's activations
        with one scale, so sentences batched with another article's would come out depending on their batch
        mates (and so on the batch size, the worker count, the other files of a run).
        """
        for doc in docs:
            self._annotate_doc(doc)

    def _annotate_doc(self, doc: Doc) -> None:
        sentences = [(part, part_words) for span, words in sentence_words(doc)
                     for part, part_words in split_long(span, words)]
        texts = [[doc[i].text for i in words] for _, words in sentences if words]
        encoded = iter(self.encoder.encode(texts, mix=self.mix))
        units: list[Unit] = []
        mixed, tags = [], []
        for _, words in sentences:
            if words:
                result = next(encoded)
                units.append((0, words))
                mixed.append(result.features)
                tags.append(result.tags)
        predictions = iter(self.heads.predict_mixed(mixed))
        parses: list[Parse] = [(span, words, next(predictions) if words else _EMPTY) for span, words in sentences]
        set_annotations(doc, parses)
        set_entities([doc], zip(units, tags))

    def score(self, examples: Iterable[Any], **kwargs: Any) -> dict[str, Any]:
        """spaCy's NER, tagger, morphologizer and parser scores (what ``newsgraph evaluate`` reports)."""
        from spacy.pipeline.dep_parser import parser_score
        from spacy.pipeline.morphologizer import morphologizer_score
        from spacy.pipeline.tagger import tagger_score
        from spacy.scorer import get_ner_prf

        examples = list(examples)
        return {**tagger_score(examples, **kwargs), **morphologizer_score(examples, **kwargs),
                **parser_score(examples, **kwargs), **get_ner_prf(examples, **kwargs)}


@Language.factory(
    FACTORY_NAME,
    assigns=["doc.ents", "token.ent_iob", "token.ent_type", "token.tag", "token.pos", "token.morph",
             "token.head", "token.dep", "token.is_sent_start"],
    default_config={"batch_size": 64, "device": "cpu", "threads": 1, "max_pieces": MAX_PIECES,
                    "batch_pieces": BATCH_PIECES},
)
def make_encoder_pipeline(nlp: Language, name: str, model_dir: str, heads_dir: str, batch_size: int, device: str,
                          threads: int, max_pieces: int, batch_pieces: int) -> EncoderPipeline:
    """Create the one-pass encoder component from an ONNX encoder (``model_dir``) and its syntax heads
    (``heads_dir``); see :class:`EncoderPipeline` for the arguments.

    Raises:
        ModelError: as :class:`EncoderPipeline`.
    """
    return EncoderPipeline(nlp, name, model_dir=model_dir, heads_dir=heads_dir, batch_size=batch_size,
                           device=device, threads=threads, max_pieces=max_pieces, batch_pieces=batch_pieces)


__all__ = ["EncoderPipeline", "FACTORY_NAME", "MAX_TREE_WORDS", "make_encoder_pipeline", "split_long"]
