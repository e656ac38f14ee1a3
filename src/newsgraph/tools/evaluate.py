"""Score a pipeline against gold data: NER by exact span match per label, syntax by UAS/LAS."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.scorer import Scorer
from spacy.tokens import Doc
from spacy.training import Example

from newsgraph.errors import InputError
from newsgraph.tools.corpora import Sentence, bio_spans, is_news_source, read_conllu_docs, read_gold

NER_FORMATS = ("germeval", "conll", "iob", "hipe")
FORMATS = (*NER_FORMATS, "conllu")
DEFAULT_MICRO_LABELS = ("PER", "LOC", "ORG")
PREDICTION_LABELS = {
    "PER": "PER", "LOC": "LOC", "ORG": "ORG", "MISC": "MISC",
    # OntoNotes labels of spaCy's English pipelines: places of every kind are LOC, as in the gold sets
    "PERSON": "PER", "GPE": "LOC", "FAC": "LOC", "NORP": "MISC", "EVENT": "MISC", "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC", "LAW": "MISC", "LANGUAGE": "MISC",
}
"""Predicted labels → the gold sets' PER/LOC/ORG/MISC; labels not listed (DATE, MONEY, ...) are not scored."""
SPAN_ARTICLES = frozenset({"the"})
"""OntoNotes spans start with ``the`` (``the United States``), the gold sets' never do; the resolver drops the
article too, so predictions are scored without it."""


def _trimmed(doc: Doc, start: int, end: int) -> int:
    return start + 1 if end - start > 1 and doc[start].lower_ in SPAN_ARTICLES else start
NOT_NER = frozenset({"tagger", "morphologizer", "parser", "lemmatizer", "attribute_ruler", "senter",
                     "newsgraph_resolver", "newsgraph_relations", "newsgraph_events"})


@dataclass
class LabelScore:
    """Precision, recall and F1 of one label (or of the micro average)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: LabelScore) -> None:
        """Add another score's counts to this one (micro averaging)."""
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "support": self.tp + self.fn, "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class NerReport:
    """Per-label and micro-averaged scores of an NER evaluation."""

    sentences: int
    per_label: dict[str, LabelScore] = field(default_factory=dict)
    micro: LabelScore = field(default_factory=LabelScore)
    micro_labels: tuple[str, ...] = DEFAULT_MICRO_LABELS

    def as_dict(self) -> dict[str, object]:
        return {
            "task": "ner",
            "sentences": self.sentences,
            "micro_labels": list(self.micro_labels),
            "micro": self.micro.as_dict(),
            "per_label": {k: v.as_dict() for k, v in sorted(self.per_label.items())},
        }


@dataclass
class SyntaxReport:
    """Tagging and parsing accuracy on a CoNLL-U gold file."""

    sentences: int
    scores: dict[str, float]

    def as_dict(self) -> dict[str, object]:
        return {"task": "syntax", "sentences": self.sentences, **asdict(self)["scores"]}


def score_spans(
    gold: Iterable[set[tuple[int, int, str]]], pred: Iterable[set[tuple[int, int, str]]],
    *, micro_labels: Sequence[str] = DEFAULT_MICRO_LABELS,
) -> tuple[dict[str, LabelScore], LabelScore]:
    """Exact-match span scoring; ``micro`` counts only ``micro_labels``."""
    per_label: dict[str, LabelScore] = {}
    for gold_spans, pred_spans in zip(gold, pred, strict=True):
        for span in gold_spans | pred_spans:
            score = per_label.setdefault(span[2], LabelScore())
            if span in gold_spans and span in pred_spans:
                score.tp += 1
            elif span in pred_spans:
                score.fp += 1
            else:
                score.fn += 1
    micro = LabelScore()
    for label in micro_labels:
        micro.add(per_label.get(label, LabelScore()))
    return per_label, micro


def predict_entities(nlp: Language, sentences: Sequence[Sentence], *, batch_size: int = 256) -> list[set]:
    """Run the pipeline's NER on gold tokenisation; returns token-level spans per sentence."""
    docs = (Doc(nlp.vocab, words=[w if w.strip() else "_" for w in s.words], spaces=s.spaces) for s in sentences)
    # Only what produces entities runs, on the gold tokens: the syntax components and newsgraph's
    # own stages are switched off.
    with nlp.select_pipes(disable=[n for n in nlp.pipe_names if n in NOT_NER]):
        return [
            {(_trimmed(doc, e.start, e.end), e.end, PREDICTION_LABELS[e.label_]) for e in doc.ents
             if e.label_ in PREDICTION_LABELS}
            for doc in nlp.pipe(docs, batch_size=batch_size)
        ]


def evaluate_ner(
    nlp: Language, sentences: Sequence[Sentence], *, micro_labels: Sequence[str] = DEFAULT_MICRO_LABELS
) -> NerReport:
    """Exact span P/R/F1 per label and micro over ``micro_labels`` (gold mapped as in training)."""
    gold = [set(bio_spans(s.tags)) for s in sentences]
    pred = predict_entities(nlp, sentences)
    per_label, micro = score_spans(gold, pred, micro_labels=micro_labels)
    return NerReport(len(sentences), per_label, micro, tuple(micro_labels))


def check_conllu(path: Path) -> None:
    """Raise an InputError naming the first line that is not a CoNLL-U comment, blank line or 10-column token
    line, or a file with no token line at all."""
    tokens = 0
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                line = line.rstrip("\n")
                if not line.strip() or line.startswith("#"):
                    continue
                columns = len(line.split("\t"))
                if columns != 10:
                    raise InputError(f"not CoNLL-U: {columns} tab-separated columns, expected 10", path=path,
                                     line=number)
                tokens += 1
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8: {e.reason}", path=path) from e
    if not tokens:
        raise InputError("no sentences found (is it really conllu?)", path=path)


def evaluate_syntax(nlp: Language, path: Path) -> SyntaxReport:
    """POS, morphology, UAS and LAS against a CoNLL-U file (gold tokenisation)."""
    from spacy.tokens import DocBin

    # re-home the gold Docs in the pipeline's vocab so the scorer can read their strings
    return score_syntax(nlp, list(DocBin(docs=read_conllu_docs(path)).get_docs(nlp.vocab)))


def score_syntax(nlp: Language, gold_docs: Sequence[Doc]) -> SyntaxReport:
    """POS, morphology, UAS and LAS of ``nlp`` run on the words of ``gold_docs`` (Docs in ``nlp``'s vocab)."""
    examples = []
    for gold, pred in zip(gold_docs, nlp.pipe(Doc(nlp.vocab, words=[t.text for t in g]) for g in gold_docs)):
        examples.append(Example(pred, gold))
    scores = Scorer(nlp).score(examples)
    keys = ("pos_acc", "tag_acc", "morph_acc", "lemma_acc", "dep_uas", "dep_las", "sents_f")
    return SyntaxReport(len(gold_docs), {k: round(float(scores[k]), 4) for k in keys if scores.get(k) is not None})


def evaluate_file(
    nlp: Language, path: Path, *, fmt: str, news_only: bool = False,
    micro_labels: Sequence[str] = DEFAULT_MICRO_LABELS,
) -> NerReport | SyntaxReport:
    """Evaluate ``nlp`` on a gold file.

    Args:
        nlp: The pipeline to score.
        path: Gold file.
        fmt: ``germeval``, ``conll``, ``iob``, ``hipe`` (NER) or ``conllu`` (tags, morphology and parse).
        news_only: GermEval only: score the news sentences (not the Wikipedia ones).
        micro_labels: Labels counted in the micro average.

    Raises:
        InputError: unknown format, unreadable file or no sentences in it.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}", path=path)
    if not path.is_file():
        raise InputError("no such file", path=path)
    if fmt == "conllu":
        check_conllu(path)
        return evaluate_syntax(nlp, path)
    try:
        sentences = list(read_gold(path, fmt))
    except (UnicodeDecodeError, IndexError, ValueError) as e:
        raise InputError(f"cannot read as {fmt}: {e}", path=path) from e
    if news_only:
        sentences = [s for s in sentences if is_news_source(s.source)]
    if not sentences:
        raise InputError(f"no sentences found (is it really {fmt}?)", path=path)
    return evaluate_ner(nlp, sentences, micro_labels=micro_labels)
