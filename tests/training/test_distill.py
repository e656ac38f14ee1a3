"""Teacher labelling for distillation: shards, gold skipping, resume, valid spans (tiny random teacher)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

pytest.importorskip("transformers")

import spacy  # noqa: E402
from spacy.tokens import DocBin  # noqa: E402

from newsgraph.encoder.tags import LABELS, TAGS  # noqa: E402
from newsgraph.training import distill as d  # noqa: E402
from support import save_tiny_bert  # noqa: E402

TEXTS = [
    "Angela Merkel traf am Montag in Paris den Chef. Sie sagte nichts.\n\nDer Euro steigt in Berlin.",
    "Olaf Scholz sprach in Berlin mit der UNO.",
    "Die Bank in Zürich schloss. Der Chef ging.",
    "Gold ist schon da.",
]


@pytest.fixture(scope="module")
def teacher(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_tiny_bert(tmp_path_factory.mktemp("teacher") / "best", tags=TAGS)


@pytest.fixture(scope="module")
def blank_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("model") / "blank_de"
    spacy.blank("de").to_disk(path)
    return path


def read_shards(folder: Path) -> list[spacy.tokens.Doc]:
    vocab = spacy.blank("de").vocab
    return [doc for path in sorted(folder.glob("*.spacy")) for doc in DocBin().from_disk(path).get_docs(vocab)]


def test_read_texts_splits_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "raw.jsonl"
    path.write_text("\n".join(json.dumps({"text": t}) for t in TEXTS) + "\n\n", encoding="utf-8")
    texts = d.read_texts([path])
    assert texts[:2] == ["Angela Merkel traf am Montag in Paris den Chef. Sie sagte nichts.", "Der Euro steigt in Berlin."]
    assert len(texts) == len(TEXTS) + 1


def test_distill_writes_sentence_docs_with_teacher_spans(teacher: Path, blank_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "shards"
    texts = d.read_texts([_jsonl(tmp_path, TEXTS)])
    stats = d.distill(teacher, texts, out, model=blank_model, skip={"Goldistschonda."}, shard_size=2)
    docs = read_shards(out)
    assert stats.skipped_gold == 1
    assert stats.texts == len(texts) - 1
    assert sorted(p.name for p in out.glob("*.spacy")) == ["shard-00000.spacy", "shard-00001.spacy"]
    assert stats.sentences == len(docs) == 6  # two + one + one + two sentences; the gold text left out
    assert not any("Gold" in doc.text for doc in docs)
    assert stats.words == sum(len(doc) for doc in docs)
    assert stats.entities == sum(len(doc.ents) for doc in docs)
    assert all(ent.label_ in LABELS and not ent[0].is_space for doc in docs for ent in doc.ents)


def test_distill_resumes_and_is_deterministic(teacher: Path, blank_model: Path, tmp_path: Path) -> None:
    texts = d.read_texts([_jsonl(tmp_path, TEXTS)])
    first = d.distill(teacher, texts, tmp_path / "a", model=blank_model, shard_size=2)
    again = d.distill(teacher, texts, tmp_path / "a", model=blank_model, shard_size=2)
    assert first.sentences > 0 and again.sentences == 0  # every shard was there already
    (tmp_path / "a" / "shard-00001.spacy").unlink()
    resumed = d.distill(teacher, texts, tmp_path / "a", model=blank_model, shard_size=2)
    assert 0 < resumed.sentences < first.sentences
    d.distill(teacher, texts, tmp_path / "b", model=blank_model, shard_size=2)
    for one, two in zip(read_shards(tmp_path / "a"), read_shards(tmp_path / "b"), strict=True):
        assert one.text == two.text
        assert [(e.start, e.end, e.label_) for e in one.ents] == [(e.start, e.end, e.label_) for e in two.ents]


def test_gold_texts_ignore_whitespace(tmp_path: Path) -> None:
    nlp = spacy.blank("de")
    db = DocBin()
    db.add(nlp("Olaf  Scholz sprach ."))
    db.to_disk(tmp_path / "gold.spacy")
    assert d.gold_texts([tmp_path / "gold.spacy"], nlp) == {"OlafScholzsprach."}


def _jsonl(folder: Path, texts: list[str]) -> Path:
    path = folder / "raw.jsonl"
    path.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts), encoding="utf-8")
    return path
