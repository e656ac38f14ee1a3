"""The ``newsgraph_encoder_ner`` component: the fine-tuned encoder's token classifier as spaCy NER.

It reads the Hugging Face folder that ``newsgraph models finetune-ner`` writes as ``OUT/best``, or a
package of it (:mod:`newsgraph.encoder.package`, the form that ships in ``models/de_e5_ner``), and tags
words as that script does in training: the words are the Doc's non-whitespace tokens, a word's logits are its
first sub-word's, the best well-formed BIO tags (:func:`newsgraph.encoder.tags.best_tags`) become spans with
:func:`newsgraph.encoder.tags.decode_spans`. The model
was trained on sentences, so each sentence is tagged on its own when the Doc has sentence boundaries (the
pipeline's parser runs before the NER); words past ``max_length`` sub-words of a sentence are tagged ``O``.
torch and transformers are imported when the component is created, never on import.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from newsgraph.encoder.tags import LABELS, TAGS, best_tags, first_pieces, set_entities, word_logits, word_units
from newsgraph.encoder.package import is_package, load_package
from newsgraph.errors import ModelError

FACTORY_NAME = "newsgraph_encoder_ner"
ACCURATE_PIP = 'pip install "newsgraph[accurate]"'

class EncoderNer:
    """Sets ``doc.ents`` (PER/LOC/ORG/MISC) from a fine-tuned ``AutoModelForTokenClassification`` folder."""

    def __init__(self, nlp: Language, name: str, *, model_dir: str, batch_size: int, max_length: int) -> None:
        self.name = name
        self.model_dir = Path(model_dir)
        self.batch_size = batch_size
        self.max_length = max_length
        try:
            import torch
            from transformers import AutoModelForTokenClassification, AutoTokenizer
        except ImportError as e:
            raise ModelError(f"the accurate NER needs torch and transformers: run `{ACCURATE_PIP}` ({e})") from e
        if is_package(self.model_dir):
            self.tokenizer, self.model = load_package(self.model_dir)
        else:
            try:
                self.tokenizer = AutoTokenizer.from_pretrained(self.model_dir)
                self.model = AutoModelForTokenClassification.from_pretrained(self.model_dir)
            except (OSError, ValueError, RuntimeError) as e:  # RuntimeError: weights that do not fit the config
                raise ModelError(f"cannot load the fine-tuned encoder at {self.model_dir}: {e}") from e
        if self.model.config.num_labels != len(TAGS):
            raise ModelError(
                f"{self.model_dir} has {self.model.config.num_labels} labels, not the {len(TAGS)} BIO tags of "
                f"{'/'.join(LABELS)}: give the OUT/best folder of `newsgraph models finetune-ner`"
            )
        self.model.eval()
        self._torch = torch

    def __call__(self, doc: Doc) -> Doc:
        self.tag_docs([doc])
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int | None = None) -> Iterator[Doc]:
        """Tag Docs in batches of ``batch_size`` (default: the component's own); sentences of a batch share
        forward passes."""
        for docs in minibatch(stream, size=batch_size or self.batch_size):
            self.tag_docs(docs)
            yield from docs

    def predict_tags(self, words: list[list[str]]) -> list[list[int]]:
        """Tag ids per word (``O`` for words cut off at ``max_length`` sub-words), for groups of words."""
        tags: list[list[int]] = []
        with self._torch.no_grad():
            for start in range(0, len(words), self.batch_size):
                chunk = words[start : start + self.batch_size]
                enc = self.tokenizer(chunk, is_split_into_words=True, truncation=True, max_length=self.max_length,
                                     padding=True, return_tensors="pt")
                logits = self.model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).logits.numpy()
                for row, group in enumerate(chunk):  # a word cut off at max_length is O
                    tags.append(best_tags(word_logits(logits[row], first_pieces(enc.word_ids(row), len(group)))))
        return tags

    def tag_docs(self, docs: list[Doc]) -> None:
        """Set ``doc.ents`` on all ``docs`` at once; their sentences are sorted by length across the whole list,
        so a long list (a distillation shard) pads least."""
        units = [unit for i, doc in enumerate(docs) for unit in word_units(doc, i)]
        # longest first, so a forward pass pads little; the results go back by unit, not by order
        order = sorted(range(len(units)), key=lambda k: -len(units[k][1]))
        words = [[docs[units[k][0]][t].text for t in units[k][1]] for k in order]
        set_entities(docs, ((units[k], tags) for k, tags in zip(order, self.predict_tags(words))))


@Language.factory(
    FACTORY_NAME,
    assigns=["doc.ents", "token.ent_iob", "token.ent_type"],
    default_config={"batch_size": 16, "max_length": 256},
)
def make_encoder_ner(nlp: Language, name: str, model_dir: str, batch_size: int, max_length: int) -> EncoderNer:
    """Create the encoder NER from the fine-tuned Hugging Face folder ``model_dir`` (``OUT/best`` of
    ``newsgraph models finetune-ner``); ``batch_size`` sentences per forward pass, ``max_length``
    sub-words per sentence."""
    return EncoderNer(nlp, name, model_dir=model_dir, batch_size=batch_size, max_length=max_length)


__all__ = ["EncoderNer", "FACTORY_NAME", "make_encoder_ner"]
