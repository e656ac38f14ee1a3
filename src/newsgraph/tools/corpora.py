"""Read the gold NER files ``newsgraph evaluate`` scores against (GermEval TSV, CoNLL, IOB2, CoNLL-U, HIPE).

Every label set is mapped to PER/LOC/ORG/MISC here, at run time, and training reads the same corpora through
these functions (:mod:`newsgraph.training.corpora` adds the training-only corpora and documents the whole
mapping in one table), so gold labels are mapped the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

LABELS = ("PER", "LOC", "ORG", "MISC")

GERMEVAL_MAP = {"PER": "PER", "LOC": "LOC", "ORG": "ORG", "OTH": "MISC"}
CONLL_MAP = {"PER": "PER", "LOC": "LOC", "ORG": "ORG", "MISC": "MISC"}
HIPE_MAP = {
    "PER": "PER", "pers": "PER", "LOC": "LOC", "loc": "LOC", "ORG": "ORG", "org": "ORG",
    "HumanProd": "MISC", "prod": "MISC",
}
UNER_MAP = {"PER": "PER", "LOC": "LOC", "ORG": "ORG", "OTH": "MISC", "MISC": "MISC"}

@dataclass
class Sentence:
    """One gold sentence: tokens, BIO tags in our label set, and where it came from."""

    words: list[str]
    tags: list[str]
    source: str = ""
    spaces: list[bool] | None = None
    meta: dict[str, str] = field(default_factory=dict)


def to_bio(tags: list[str], mapping: dict[str, str], *, iob1: bool = False) -> list[str]:
    """Map raw ``B-X``/``I-X`` tags through ``mapping``; unknown types become O; IOB1 is repaired."""
    out: list[str] = []
    prev = "O"
    for raw in tags:
        if raw in ("O", "", "_") or "-" not in raw:
            out.append("O")
            prev = "O"
            continue
        prefix, _, typ = raw.partition("-")
        label = mapping.get(typ)
        if label is None or prefix not in ("B", "I"):
            out.append("O")
            prev = "O"
            continue
        if prefix == "I" and prev != label:
            prefix = "B"  # IOB1 start, or an I- after a dropped label
        elif iob1 and prefix == "B":
            prefix = "B"
        out.append(f"{prefix}-{label}")
        prev = label
    return out


def bio_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """Return ``(start, end, label)`` token spans of a BIO sequence (end exclusive)."""
    spans: list[tuple[int, int, str]] = []
    start, label = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        if tag.startswith("I-") and label == tag[2:]:
            continue
        if label:
            spans.append((start, i, label))
            label = ""
        if tag.startswith(("B-", "I-")):
            start, label = i, tag[2:]
    return spans


def text_blocks(lines: Iterable[str]) -> Iterator[list[str]]:
    block: list[str] = []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if block:
                yield block
                block = []
            continue
        block.append(line)
    if block:
        yield block


def read_germeval(path: Path) -> Iterator[Sentence]:
    """GermEval-2014 TSV: ``#\\turl\\t[date]`` comment, then ``idx token outer nested``."""
    with open(path, encoding="utf-8") as f:
        for block in text_blocks(f):
            source = ""
            words, raw = [], []
            for line in block:
                cols = line.split("\t")
                if line.startswith("#"):
                    source = cols[1] if len(cols) > 1 else ""
                    continue
                words.append(cols[1])
                raw.append(cols[2])
            yield Sentence(words, to_bio(raw, GERMEVAL_MAP), source)


def is_news_source(url: str) -> bool:
    """GermEval sentences come from Wikipedia or news sites; the benchmark reports the news half."""
    return "wikipedia.org" not in url


def read_conll(
    path: Path, mapping: dict[str, str], *, token_col: int = 0, tag_col: int = -1,
    sep: str | None = None, iob1: bool = False, skip_prefix: str = "#",
) -> Iterator[Sentence]:
    """Whitespace- or tab-separated CoNLL with blank lines between sentences."""
    with open(path, encoding="utf-8") as f:
        for block in text_blocks(f):
            words, raw = [], []
            for line in block:
                if line.startswith(skip_prefix) or line.startswith("-DOCSTART-"):
                    continue
                cols = line.split(sep)
                if len(cols) < 2:
                    continue
                words.append(cols[token_col])
                raw.append(cols[tag_col])
            if words:
                yield Sentence(words, to_bio(raw, mapping, iob1=iob1), str(path.name))


def read_iob2(path: Path) -> Iterator[Sentence]:
    """UNER/UD-style IOB2 files: ``# comments``, then ``idx token tag`` tab-separated."""
    return read_conll(path, UNER_MAP, token_col=1, tag_col=2, sep="\t")


def read_hipe(path: Path) -> Iterator[Sentence]:
    """HIPE-2022 TSV: coarse literal tags, sentences ended by ``EndOfSentence`` in MISC."""
    words: list[str] = []
    raw: list[str] = []
    spaces: list[bool] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#") or line.startswith("TOKEN\t"):
                continue
            cols = line.split("\t")
            if len(cols) < 10:
                continue
            words.append(cols[0])
            raw.append(cols[1])
            spaces.append("NoSpaceAfter" not in cols[9])
            if "EndOfSentence" in cols[9]:
                yield Sentence(words, to_bio(raw, HIPE_MAP), path.name, spaces)
                words, raw, spaces = [], [], []
    if words:
        yield Sentence(words, to_bio(raw, HIPE_MAP), path.name, spaces)


def read_gold(path: Path, fmt: str) -> Iterator[Sentence]:
    """Read an evaluation file in one of the formats ``newsgraph evaluate`` accepts."""
    if fmt == "germeval":
        return read_germeval(path)
    if fmt == "conll":
        return read_conll(path, CONLL_MAP)
    if fmt == "iob":
        return read_iob2(path)
    if fmt == "conllu":
        return read_conll(path, UNER_MAP, token_col=1, tag_col=-1, sep="\t")
    if fmt == "hipe":
        return read_hipe(path)
    raise ValueError(f"unknown gold format {fmt!r}; use germeval, conll, conllu, iob or hipe")


def read_conllu_docs(path: Path) -> list[Doc]:
    """One Doc per sentence from a CoNLL-U file (tags, morphology, heads, deps, lemmas)."""
    return conllu_text_to_docs(path.read_text(encoding="utf-8"))


def conllu_text_to_docs(text: str, *, n_sents: int = 1) -> list[Doc]:
    """Docs of ``n_sents`` consecutive sentences from CoNLL-U text."""
    from spacy.training.converters import conllu_to_docs

    return list(conllu_to_docs(text, n_sents=n_sents, merge_subtokens=True, no_print=True))
