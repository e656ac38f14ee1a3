"""NER scoring by exact span match, per label and micro over a label subset."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from newsgraph.errors import InputError
from newsgraph.tools.evaluate import evaluate_file, score_spans


def test_score_spans_exact_match_and_micro_subset() -> None:
    gold = [{(0, 2, "PER"), (3, 4, "LOC")}, {(0, 1, "MISC")}]
    pred = [{(0, 2, "PER"), (3, 5, "LOC")}, {(0, 1, "MISC"), (2, 3, "ORG")}]
    per_label, micro = score_spans(gold, pred, micro_labels=("PER", "LOC", "ORG"))
    assert (per_label["PER"].tp, per_label["LOC"].fp, per_label["LOC"].fn) == (1, 1, 1)
    assert per_label["MISC"].f1 == 1.0
    assert (micro.tp, micro.fp, micro.fn) == (1, 2, 1)  # MISC is left out of the micro average
    assert micro.precision == pytest.approx(1 / 3) and micro.recall == pytest.approx(1 / 2)


@Language.component("test_capital_ner")
def _capital_ner(doc: Doc) -> Doc:
    """A stand-in NER: every capitalised token after the first is a LOC."""
    doc.ents = [Span(doc, i, i + 1, label="LOC") for i, t in enumerate(doc) if i > 0 and t.text[:1].isupper()]
    return doc


def test_evaluate_file_germeval_news_only(tmp_path: Path) -> None:
    nlp = spacy.blank("de")
    nlp.add_pipe("test_capital_ner", name="ner")
    gold = tmp_path / "g.tsv"
    gold.write_text(
        "#\thttp://www.nzz.ch/a\t[2010]\n1\tEr\tO\tO\n2\tfuhr\tO\tO\n3\tnach\tO\tO\n4\tBern\tB-LOC\tO\n\n"
        "#\thttp://de.wikipedia.org/b\t[2010]\n1\tIn\tO\tO\n2\tBasel\tB-ORG\tO\n\n",
        encoding="utf-8",
    )
    news = evaluate_file(nlp, gold, fmt="germeval", news_only=True)
    assert news.sentences == 1 and news.micro.f1 == 1.0
    everything = evaluate_file(nlp, gold, fmt="germeval")
    assert everything.micro.tp == 1 and everything.micro.fp == 1 and everything.micro.fn == 1


@pytest.mark.parametrize("fmt", ["xml", "germeval"])
def test_evaluate_file_errors(tmp_path: Path, fmt: str) -> None:
    nlp = spacy.blank("de")
    nlp.add_pipe("test_capital_ner", name="ner")
    with pytest.raises(InputError):
        evaluate_file(nlp, tmp_path / "missing.tsv", fmt=fmt)


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        ("# sent_id = 1\n1\tDer\tder\tDET\tART\t_\t2\tdet\t_\t_\nkaputt\n", 3, "expected 10"),
        ("# only a comment\n\n", None, "no sentences found"),
    ],
)
def test_a_bad_conllu_file_is_named_with_its_line(tmp_path: Path, content: str, line: int | None,
                                                   reason: str) -> None:
    gold = tmp_path / "gold.conllu"
    gold.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        evaluate_file(spacy.blank("de"), gold, fmt="conllu")
    assert caught.value.line == line and reason in caught.value.reason
