"""The ``newsgraph_encoder_syntax`` component: tags, morphology and dependency trees from the encoder's layers.

Opt-in (no shipped pipeline uses it yet). For every sentence the pipeline already found (the whole Doc when it
has no sentence boundaries), it encodes the sentence's words (non-whitespace tokens) with a featurizer
(:class:`newsgraph.encoder.features.Featurizer`: per-word hidden states of every encoder layer), runs the numpy
syntax heads (:class:`newsgraph.encoder.syntax_heads.SyntaxHeads`) and writes ``tag_``, ``pos_``, ``morph``,
``head``/``dep_``: one tree per sentence, so the sentence starts stay the pipeline's. A whitespace token is
attached to the word before it (the next one at a sentence start) as ``dep``, as spaCy's parser does.

Lemmas: German's lemmatizer is spaCy's lookup lemmatizer (``mode = "lookup"`` in ``models/de_newsgraph``), which
reads the token text only, so it runs unchanged after this component; a rule-based lemmatizer would read the
``pos_`` written here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import numpy as np
from spacy.attrs import DEP, HEAD
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from newsgraph.encoder.features import Featurizer
from newsgraph.encoder.syntax_heads import SyntaxHeads, SyntaxPrediction
from newsgraph.errors import ModelError

FACTORY_NAME = "newsgraph_encoder_syntax"
SPACE_DEP = "dep"


Parse = tuple[tuple[int, int], list[int], SyntaxPrediction]  # sentence span, its word tokens, the prediction


def sentence_words(doc: Doc) -> list[tuple[tuple[int, int], list[int]]]:
    """Each sentence's token span and the indices of its words (non-whitespace tokens); the whole Doc when it
    has no sentence boundaries."""
    parts = doc.sents if doc.has_annotation("SENT_START") else [doc[:]]
    return [((part.start, part.end), [t.i for t in part if not t.is_space]) for part in parts]


def _sentence_tree(span: tuple[int, int], words: Sequence[int], pred: SyntaxPrediction) -> dict[int, tuple[int, str]]:
    """Absolute head and label of every token of one sentence; whitespace tokens hang off their neighbour word
    (the first token is the root of a sentence without words)."""
    tree = {i: (i if pred.heads[k] == 0 else words[pred.heads[k] - 1], pred.deps[k]) for k, i in enumerate(words)}
    for i in range(*span):
        if i in tree:
            continue
        before = [w for w in words if w < i]
        after = [w for w in words if w > i]
        if before or after:
            tree[i] = (before[-1] if before else after[0], SPACE_DEP)
        else:
            tree[i] = (span[0], SPACE_DEP) if i != span[0] else (i, "ROOT")
    return tree


def set_annotations(doc: Doc, parses: Sequence[Parse]) -> None:
    """Write the predictions onto ``doc``: tags, UPOS and morphology of the words, and one tree per sentence
    (which also sets the sentence starts: one per tree). ``parses`` must cover every token of the Doc."""
    heads = np.arange(len(doc), dtype=np.int64)
    deps = [""] * len(doc)
    for span, words, pred in parses:
        for k, i in enumerate(words):
            token = doc[i]
            token.tag_ = pred.tags[k]
            token.pos_ = pred.upos[k]
            # "" is the empty analysis (what a CoNLL-U "_" becomes); None would mark the morphology missing
            token.set_morph(pred.morph[k])  # type: ignore[attr-defined]  # not in the stubs; spaCy >= 3.0
        for i, (head, dep) in _sentence_tree(span, words, pred).items():
            heads[i], deps[i] = head, dep
    if len(doc):
        array = np.zeros((len(doc), 2), dtype=np.uint64)
        array[:, 0] = (heads - np.arange(len(doc), dtype=np.int64)).view(np.uint64)
        array[:, 1] = [doc.vocab.strings.add(dep) for dep in deps]
        doc.from_array([HEAD, DEP], cast(Any, array))


def annotate(docs: Sequence[Doc], featurizer: Featurizer, heads: SyntaxHeads) -> None:
    """Run the heads over every sentence of ``docs`` and write the annotations (see the module docstring)."""
    units = [(doc, sentence_words(doc)) for doc in docs]
    words = [[doc[i].text for i in sentence] for doc, sentences in units for _, sentence in sentences if sentence]
    features = iter(featurizer.encode_words(words))
    for doc, sentences in units:
        parses = []
        for span, sentence in sentences:
            empty = SyntaxPrediction([], [], [], [], [])
            pred = heads.predict(np.asarray(next(features))) if sentence else empty
            parses.append((span, sentence, pred))
        set_annotations(doc, parses)


class EncoderSyntax:
    """Sets ``tag_``, ``pos_``, ``morph``, ``head`` and ``dep_`` from the encoder's layers (see the module)."""

    def __init__(self, nlp: Language, name: str, *, heads_dir: str, model_dir: str, batch_size: int,
                 featurizer: Featurizer | None = None) -> None:
        self.name = name
        self.batch_size = batch_size
        self.heads = SyntaxHeads.load(Path(heads_dir))
        self.featurizer = featurizer if featurizer is not None else _default_featurizer(Path(model_dir))

    def __call__(self, doc: Doc) -> Doc:
        annotate([doc], self.featurizer, self.heads)
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int | None = None) -> Iterator[Doc]:
        """Annotate Docs in batches of ``batch_size`` (default: the component's own)."""
        for docs in minibatch(stream, size=batch_size or self.batch_size):
            annotate(docs, self.featurizer, self.heads)
            yield from docs

    def score(self, examples: Iterable[Any], **kwargs: Any) -> dict[str, Any]:
        """spaCy's tagger, morphologizer and parser scores (what ``newsgraph evaluate --format conllu`` reports)."""
        from spacy.pipeline.dep_parser import parser_score
        from spacy.pipeline.morphologizer import morphologizer_score
        from spacy.pipeline.tagger import tagger_score

        examples = list(examples)
        return {**tagger_score(examples, **kwargs), **morphologizer_score(examples, **kwargs),
                **parser_score(examples, **kwargs)}


def _default_featurizer(model_dir: Path) -> Featurizer:
    """The featurizer for ``model_dir``: an exported ONNX encoder (``newsgraph models export-onnx``, no torch) or
    the torch encoder NER package (``models/de_e5_ner``)."""
    from newsgraph.encoder.features import OnnxFeaturizer, TorchFeaturizer
    from newsgraph.encoder.onnx_runtime import is_onnx_model

    if is_onnx_model(model_dir):
        return OnnxFeaturizer(model_dir)
    if not model_dir.is_dir():
        raise ModelError(f"no encoder at {model_dir}: give model_dir, an ONNX encoder folder (models/de_e5_onnx) or "
                         "the encoder NER package (models/de_e5_ner)")
    return TorchFeaturizer(model_dir)


@Language.factory(
    FACTORY_NAME,
    assigns=["token.tag", "token.pos", "token.morph", "token.head", "token.dep", "token.is_sent_start"],
    default_config={"heads_dir": "", "model_dir": "", "batch_size": 16},
)
def make_encoder_syntax(nlp: Language, name: str, heads_dir: str, model_dir: str, batch_size: int) -> EncoderSyntax:
    """Create the encoder syntax component from exported heads (``heads_dir``: ``syntax_heads.npz`` and
    ``syntax_heads.json``) over the encoder in ``model_dir`` (an ONNX encoder folder, or the torch encoder NER
    package); ``batch_size`` Docs per call."""
    return EncoderSyntax(nlp, name, heads_dir=heads_dir, model_dir=model_dir, batch_size=batch_size)


__all__ = ["EncoderSyntax", "FACTORY_NAME", "annotate", "make_encoder_syntax", "sentence_words", "set_annotations"]
