"""Read the German NER and UD corpora in ../shared/data and map every label set to PER/LOC/ORG/MISC.

The mapping below is the single documented source of truth: training (``build_corpora``) and
``newsgraph evaluate`` both read gold data through these functions, so gold labels are mapped the
same way everywhere.

Label mapping (anything not listed becomes ``O``):

========================  ==========================================================
corpus                    mapping
========================  ==========================================================
GermEval-2014             PER, LOC, ORG kept; OTH -> MISC; ``*deriv`` and ``*part``
                          (``deutsch``, ``EU-Verordnung``) -> O (outer level only)
Europarl (IOB1)           PER, LOC, ORG, MISC kept
Europeana (CC0)           PER, LOC, ORG kept (noisy OCR tags are repaired or dropped)
HIPE-2022 newseye/sonar   coarse PER/pers, LOC/loc, ORG/org kept; HumanProd/prod -> MISC;
                          time -> O
NEISS Sturm               person -> PER, place -> LOC, organization -> ORG; event,
                          ethnicity, date -> O
LER (legal)               PER, RR (judge), AN (lawyer) -> PER; LD, ST, STR, LDS -> LOC;
                          ORG, UN, INN, GRT -> ORG; MRK, GS, VO, EUN, VS, VT -> MISC;
                          sentences with RS (case citations) or LIT are dropped, because
                          they embed court names the other corpora would call ORG
SmartData / MobIE         person -> PER; location* -> LOC; organization* -> ORG;
                          org-position, date, time, number, trigger, ... -> O
========================  ==========================================================
"""

from __future__ import annotations

import gzip
import json
import random
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from newsgraph.tools.corpora import (  # the readers ``newsgraph evaluate`` needs live at run time; re-exported here
    CONLL_MAP,
    GERMEVAL_MAP,
    HIPE_MAP,
    LABELS,
    UNER_MAP,
    Sentence,
    bio_spans,
    is_news_source,
    read_conll,
    read_germeval,
    read_gold,
    read_hipe,
    read_iob2,
    text_blocks,
    to_bio,
)

NEISS_MAP = {"person": "PER", "place": "LOC", "organization": "ORG"}
LER_MAP = {
    "PER": "PER", "RR": "PER", "AN": "PER",
    "LD": "LOC", "ST": "LOC", "STR": "LOC", "LDS": "LOC",
    "ORG": "ORG", "UN": "ORG", "INN": "ORG", "GRT": "ORG",
    "MRK": "MISC", "GS": "MISC", "VO": "MISC", "EUN": "MISC", "VS": "MISC", "VT": "MISC",
}
LER_DROP = {"RS", "LIT"}


def map_smartdata_type(label: str) -> str | None:
    """Map a SmartData/MobIE concept type (``location-city``, ``ORGANIZATION_COMPANY``) to ours."""
    norm = label.lower().replace("_", "-")
    if norm == "person":
        return "PER"
    if norm.startswith("location"):
        return "LOC"
    if norm.startswith("organization"):
        return "ORG"
    return None


def read_europeana(path: Path, *, max_len: int = 60) -> Iterator[Sentence]:
    """Europeana BIO has no sentence breaks: split after . ! ? (or at ``max_len`` tokens)."""
    valid = re.compile(r"^[BI]-(PER|LOC|ORG)$")
    words: list[str] = []
    raw: list[str] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.split()
            if len(cols) != 2 or line.startswith("#"):
                continue
            word, tag = cols
            tag = tag.replace("_", "-").replace(".", "-")
            tag = tag[:2] + tag[2:].upper() if len(tag) > 2 else tag
            words.append(word)
            raw.append(tag if valid.match(tag) else "O")
            if (word in {".", "!", "?"} and len(words) > 3) or len(words) >= max_len:
                yield Sentence(words, to_bio(raw, CONLL_MAP, iob1=True), path.name)
                words, raw = [], []
    if words:
        yield Sentence(words, to_bio(raw, CONLL_MAP, iob1=True), path.name)


def read_ler(path: Path) -> Iterator[Sentence]:
    """LER CoNLL; sentences containing dropped legal labels are skipped (see module doc)."""
    with open(path, encoding="utf-8") as f:
        for block in text_blocks(f):
            cols = [line.split() for line in block]
            cols = [c for c in cols if len(c) == 2]
            if any(c[1][2:] in LER_DROP for c in cols):
                continue
            yield Sentence([c[0] for c in cols], to_bio([c[1] for c in cols], LER_MAP), path.name)


def _avro_value(value: object) -> object:
    if isinstance(value, dict) and len(value) == 1:
        key = next(iter(value))
        if key in ("string", "array", "map", "long", "int"):
            return value[key]
    return value


def read_smartdata_docs(path: Path) -> Iterator[tuple[str, str, list[tuple[int, int, str]]]]:
    """SmartData (Avro-JSON, concatenated objects) or MobIE JSONL: ``(id, text, char spans)``."""
    decoder = json.JSONDecoder()
    with gzip.open(path, "rt", encoding="utf-8") as f:
        content = f.read()
    pos = 0
    while True:
        while pos < len(content) and content[pos].isspace():
            pos += 1
        if pos >= len(content):
            break
        doc, pos = decoder.raw_decode(content, pos)
        text = _avro_value(doc.get("text"))
        if not isinstance(text, str):
            continue
        spans = []
        mentions = _avro_value(doc.get("conceptMentions")) or []
        for mention in mentions if isinstance(mentions, list) else []:
            label = map_smartdata_type(str(mention.get("type", "")))
            span = mention.get("span") or {}
            if label and "start" in span:
                spans.append((int(span["start"]), int(span["end"]), label))
        yield str(doc.get("id")), text, spans


def read_mobie_conll(zip_path: Path, member: str) -> Iterator[Sentence]:
    """MobIE's CoNLL-2003-style NER file inside its zip."""
    with zipfile.ZipFile(zip_path) as zf:
        lines = zf.read(member).decode("utf-8").splitlines()
    for block in text_blocks(lines):
        words, raw = [], []
        for line in block:
            cols = line.split()
            if line.startswith("-DOCSTART-") or len(cols) < 4:
                continue
            words.append(cols[0])
            tag = cols[-1]
            prefix, _, typ = tag.partition("-")
            mapped = map_smartdata_type(typ) if typ else None
            raw.append(f"{prefix}-{mapped}" if mapped else "O")
        if words:
            yield Sentence(words, to_bio(raw, CONLL_MAP), f"mobie:{member}")


def split_holdout(items: list[Sentence], n: int, *, seed: int) -> tuple[list[Sentence], list[Sentence]]:
    """Deterministically hold ``n`` items back; returns ``(rest, held)``."""
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    held = set(order[:n])
    return [s for i, s in enumerate(items) if i not in held], [s for i, s in enumerate(items) if i in held]
