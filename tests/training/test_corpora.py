"""Label mapping and corpus readers: every gold format comes out as PER/LOC/ORG/MISC BIO."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from newsgraph.training import corpora as c


@pytest.mark.parametrize(
    ("raw", "mapping", "expected"),
    [
        (["B-PER", "I-PER", "O"], c.GERMEVAL_MAP, ["B-PER", "I-PER", "O"]),
        (["B-OTH", "I-OTH"], c.GERMEVAL_MAP, ["B-MISC", "I-MISC"]),
        (["B-LOCderiv", "B-ORGpart", "O"], c.GERMEVAL_MAP, ["O", "O", "O"]),
        (["I-ORG", "I-ORG", "O", "I-LOC"], c.CONLL_MAP, ["B-ORG", "I-ORG", "O", "B-LOC"]),  # IOB1
        (["B-RR", "I-RR", "B-GS", "B-UN"], c.LER_MAP, ["B-PER", "I-PER", "B-MISC", "B-ORG"]),
        (["B-date", "B-person", "I-person"], c.NEISS_MAP, ["O", "B-PER", "I-PER"]),
        (["B-HumanProd", "B-time", "B-pers"], c.HIPE_MAP, ["B-MISC", "O", "B-PER"]),
        (["B-XYZ", "I-XYZ"], c.CONLL_MAP, ["O", "O"]),
    ],
)
def test_to_bio_maps_labels(raw: list[str], mapping: dict[str, str], expected: list[str]) -> None:
    assert c.to_bio(raw, mapping) == expected


def test_i_after_dropped_label_starts_new_entity() -> None:
    assert c.to_bio(["B-LOCderiv", "I-LOC"], c.GERMEVAL_MAP) == ["O", "B-LOC"]


@pytest.mark.parametrize(
    ("label", "expected"),
    [("person", "PER"), ("location-city", "LOC"), ("LOCATION_STOP", "LOC"),
     ("organization-company", "ORG"), ("ORGANIZATION", "ORG"), ("org-position", None), ("date", None)],
)
def test_smartdata_types(label: str, expected: str | None) -> None:
    assert c.map_smartdata_type(label) == expected


def test_bio_spans() -> None:
    assert c.bio_spans(["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-ORG"]) == [
        (0, 2, "PER"), (3, 4, "LOC"), (4, 5, "LOC"), (5, 6, "ORG")]


def test_read_germeval_keeps_source_and_maps(tmp_path: Path) -> None:
    path = tmp_path / "g.tsv"
    path.write_text(
        "#\thttp://www.spiegel.de/a.html\t[2009-10-10]\n1\tAngela\tB-PER\tO\n2\tMerkel\tI-PER\tO\n"
        "3\tin\tO\tO\n4\tdeutschen\tB-LOCderiv\tO\n5\tBerlin\tB-LOC\tO\n\n"
        "#\thttp://de.wikipedia.org/wiki/X\t[2009-10-10]\n1\tX\tB-OTH\tO\n\n",
        encoding="utf-8",
    )
    sents = list(c.read_germeval(path))
    assert [s.words for s in sents] == [["Angela", "Merkel", "in", "deutschen", "Berlin"], ["X"]]
    assert sents[0].tags == ["B-PER", "I-PER", "O", "O", "B-LOC"]
    assert c.is_news_source(sents[0].source) and not c.is_news_source(sents[1].source)


def test_read_europeana_splits_sentences_and_repairs_tags(tmp_path: Path) -> None:
    path = tmp_path / "e.bio"
    path.write_text("# file: x\nDer O\nKaiser O\nin I-LOC\n. O\nWien B_LOC\nlebt O\n! O\nkaputt\n", encoding="utf-8")
    sents = list(c.read_europeana(path))
    assert [s.words for s in sents] == [["Der", "Kaiser", "in", "."], ["Wien", "lebt", "!"]]
    assert sents[1].tags[0] == "B-LOC"


def test_read_ler_drops_citation_sentences(tmp_path: Path) -> None:
    path = tmp_path / "l.conll"
    path.write_text("Das O\nBGB B-GS\ngilt O\n\nBVerwG B-RS\n, I-RS\n\n", encoding="utf-8")
    sents = list(c.read_ler(path))
    assert len(sents) == 1 and sents[0].tags == ["O", "B-MISC", "O"]


def test_read_smartdata_avro_concatenated(tmp_path: Path) -> None:
    doc = {"id": "1", "text": {"string": "Die Bahn fährt nach Berlin."},
           "conceptMentions": {"array": [
               {"span": {"start": 4, "end": 8}, "type": "organization-company"},
               {"span": {"start": 20, "end": 26}, "type": "location-city"},
               {"span": {"start": 0, "end": 3}, "type": "date"}]}}
    path = tmp_path / "s.json.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write(json.dumps(doc, indent=2) + "\n" + json.dumps({**doc, "id": "2"}))
    docs = list(c.read_smartdata_docs(path))
    assert [d[0] for d in docs] == ["1", "2"]
    assert docs[0][2] == [(4, 8, "ORG"), (20, 26, "LOC")]


def test_split_holdout_is_deterministic_and_disjoint() -> None:
    items = [c.Sentence([str(i)], ["O"]) for i in range(50)]
    rest, held = c.split_holdout(items, 10, seed=3)
    rest2, held2 = c.split_holdout(items, 10, seed=3)
    assert [s.words for s in held] == [s.words for s in held2]
    assert len(held) == 10 and len(rest) == 40
    assert not {s.words[0] for s in held} & {s.words[0] for s in rest}


def test_read_gold_rejects_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown gold format"):
        c.read_gold(tmp_path / "x", "xml")
