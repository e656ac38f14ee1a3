"""Teacher-label raw German text with the fine-tuned encoder NER, for training the CNN student (distillation).

The student learns from the gold corpora plus sentences that the teacher (``OUT/best`` of
``newsgraph models finetune-ner``) labelled. Texts are split with the shipped pipeline's own tokenizer
(the student's tokenizer, so the labels align with what it will see) and a rule sentencizer; every sentence
becomes one training Doc with the teacher's PER/LOC/ORG/MISC spans. Texts whose words already appear in a gold
training file are skipped: the student already has better labels for them.

Output is a folder of DocBin shards (``shard-00000.spacy`` …, one per ``shard_size`` texts) that spaCy's corpus
reader walks as one corpus. Finished shards are kept, so an interrupted run resumes where it stopped; the same
inputs and teacher give the same shards.

Usage::

    newsgraph models distill --teacher ~/.cache/newsgraph/finetune/e5-ner-v1/best \\
        --texts models/build/raw-text.jsonl --skip-gold models/build/ner-train.spacy \\
        --out models/build/ner-distill-raw
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class DistillStats:
    """What a distillation run wrote."""

    texts: int
    skipped_gold: int
    sentences: int
    words: int
    entities: int
    seconds: float


def _squash(text: str) -> str:
    return "".join(text.split())


def read_texts(paths: Sequence[Path]) -> list[str]:
    """The ``text`` field of every line of JSONL files (``raw-text.jsonl``, ``articles.jsonl``), in order,
    split into paragraphs (long articles would otherwise make one huge forward batch)."""
    texts: list[str] = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                for paragraph in PARAGRAPH_BREAK.split(json.loads(line)["text"]):
                    paragraph = " ".join(paragraph.split())
                    if paragraph:
                        texts.append(paragraph)
    return texts


def gold_texts(paths: Sequence[Path], vocab_nlp: Language) -> set[str]:
    """Whitespace-free texts of the Docs in gold DocBins, to recognise raw texts that are gold already."""
    return {_squash(doc.text) for path in paths for doc in DocBin().from_disk(path).get_docs(vocab_nlp.vocab)}


def make_splitter(model: Path) -> Language:
    """The shipped pipeline's tokenizer and a rule sentencizer (nothing statistical: fast, deterministic)."""
    nlp = spacy.load(model, exclude=spacy.util.load_meta(model / "meta.json")["components"])
    nlp.add_pipe("sentencizer")
    return nlp


def sentence_docs(nlp: Language, texts: Iterable[str], *, max_words: int = 200) -> Iterator[Doc]:
    """One Doc per sentence (very long "sentences", e.g. tables, are dropped: the teacher cuts them)."""
    for doc in nlp.pipe(texts, batch_size=256):
        for sent in doc.sents:
            words = [t for t in sent if not t.is_space]
            if 2 <= len(words) <= max_words:
                yield sent.as_doc()


def write_shard(docs: list[Doc], path: Path) -> None:
    db = DocBin(attrs=["ENT_IOB", "ENT_TYPE"], store_user_data=False)
    for doc in docs:
        db.add(doc)
    tmp = path.with_suffix(".tmp")
    db.to_disk(tmp)
    tmp.replace(path)


def distill(teacher: Path, texts: Sequence[str], out: Path, *, model: Path, skip: set[str] | None = None,
            shard_size: int = 2000, batch_size: int = 32, threads: int | None = None,
            log: Callable[[str], None] | None = None) -> DistillStats:
    """Label ``texts`` sentence by sentence with the ``teacher`` and write DocBin shards to ``out``.

    Args:
        teacher: The fine-tuned Hugging Face folder (``OUT/best``).
        texts: Raw texts (paragraphs).
        out: Output folder; shards already there are kept (resume).
        model: The spaCy pipeline whose tokenizer the student uses.
        skip: Whitespace-free texts to leave out (gold training texts).
        shard_size: Texts per shard.
        batch_size: Sentences per teacher forward pass.
        threads: torch threads (default: torch's own choice).

    Returns:
        Counts of what the new shards hold, and the time taken.
    """
    import torch

    from newsgraph.encoder.component import EncoderNer

    if threads:
        torch.set_num_threads(threads)
    out.mkdir(parents=True, exist_ok=True)
    splitter = make_splitter(model)
    tagger = EncoderNer(splitter, "teacher", model_dir=str(teacher), batch_size=batch_size, max_length=256)
    skip = skip or set()
    kept = [text for text in texts if _squash(text) not in skip]
    started = time.perf_counter()
    n_sents = n_words = n_ents = 0
    for number, first in enumerate(range(0, len(kept), shard_size)):
        path = out / f"shard-{number:05d}.spacy"
        if path.exists():
            continue
        docs = list(sentence_docs(splitter, kept[first : first + shard_size]))
        tagger.tag_docs(docs)
        write_shard(docs, path)
        n_sents += len(docs)
        n_words += sum(len(doc) for doc in docs)
        n_ents += sum(len(doc.ents) for doc in docs)
        if log:
            elapsed = time.perf_counter() - started
            log(f"{path.name}: {len(docs)} sentences; total {n_words} words in {elapsed:.0f} s "
                f"({n_words / max(elapsed, 1e-9):.0f} words/s)")
    return DistillStats(texts=len(kept), skipped_gold=len(texts) - len(kept), sentences=n_sents, words=n_words,
                        entities=n_ents, seconds=time.perf_counter() - started)


def distill_files(teacher: Path, text_files: Sequence[Path], out: Path, *, model: Path,
                  skip_gold: Sequence[Path] = (), shard_size: int = 2000, batch_size: int = 32,
                  threads: int | None = None, log: Callable[[str], None] | None = None) -> DistillStats:
    """:func:`distill` the texts of JSONL files, leaving out those of gold DocBins (``newsgraph models distill``).

    Args:
        teacher: The fine-tuned Hugging Face folder (``OUT/best``).
        text_files: JSONL files with a ``text`` field.
        out: Folder for the DocBin shards (resumes).
        model: The spaCy pipeline whose tokenizer the student uses.
        skip_gold: Gold DocBins whose texts to skip.
        shard_size, batch_size, threads, log: As for :func:`distill`.

    Returns:
        What :func:`distill` returns.
    """
    texts = read_texts(text_files)
    skip = gold_texts(skip_gold, spacy.blank("de")) if skip_gold else set()
    return distill(teacher, texts, out, model=model, skip=skip, shard_size=shard_size, batch_size=batch_size,
                   threads=threads, log=log)
