"""Turn the shared corpora into spaCy DocBin files for training and evaluation (``make corpora``).

Splits (deterministic for a given seed):

* ``ner-train.spacy``: GermEval part-a minus the tuning hold-out, GermEval dev *Wikipedia*
  sentences, SmartData v1 train + v3 dev, MobIE train, Europarl train, Europeana, HIPE
  newseye/sonar (CC BY parts), NEISS Sturm, LER (filtered). GermEval is repeated
  ``germeval_weight`` times because it is the news benchmark's own domain.
* ``ner-tune.spacy``: 400 news sentences held back from GermEval part-a, used for early stopping.
* ``ner-dev-news.spacy``: the 1,081 news sentences of GermEval dev, never trained or tuned on:
  the reported figure.
* ``ud-train.spacy`` / ``ud-tune.spacy`` / ``ud-test.spacy``: UD German GSD dev + PUD + 60 % of GSD
  test for training (PUD's Penn-style XPOS marked missing: the tagger learns STTS only); 20 % of GSD test for tuning, 20 % held out for the reported UAS/LAS
  (also written as ``ud-test.conllu`` for ``newsgraph evaluate --format conllu``).

Non-commercial corpora (WikiNEuRal, HIPE hipe2020, NEISS Arendt, UD LIT, 10kGNAD) are not used.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import spacy
from spacy.tokens import Doc, DocBin, Span

from newsgraph.tools.corpora import conllu_text_to_docs
from newsgraph.training import corpora as c

NER_DIR = "de/ner"


def trim_whitespace_ents(doc: Doc) -> Doc:
    """Trim whitespace tokens off entity edges (spaCy's NER cannot predict them inside entities)."""
    ents = []
    for ent in doc.ents:
        start, end = ent.start, ent.end
        while start < end and doc[start].is_space:
            start += 1
        while end > start and doc[end - 1].is_space:
            end -= 1
        span = doc[start:end]
        # a blank token inside, or a lone punctuation mark, is an annotation slip: drop the entity
        if end > start and not any(t.is_space for t in span) and not (len(span) == 1 and span[0].is_punct):
            ents.append(Span(doc, start, end, label=ent.label_))
    doc.ents = ents
    return doc


def sentence_to_doc(nlp: spacy.Language, sent: c.Sentence) -> Doc:
    """Build a Doc with gold entities from a tokenised BIO sentence."""
    words = [w if w.strip() else "_" for w in sent.words]  # a token may not be empty or blank
    return trim_whitespace_ents(Doc(nlp.vocab, words=words, spaces=sent.spaces, ents=sent.tags))


def text_to_doc(nlp: spacy.Language, text: str, spans: list[tuple[int, int, str]]) -> Doc:
    """Tokenise ``text`` and attach char-offset gold spans (overlaps: first/longest wins)."""
    doc = nlp.make_doc(text)
    ents: list[Span] = []
    taken: set[int] = set()
    for start, end, label in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is None or taken & set(range(span.start, span.end)):
            continue
        taken.update(range(span.start, span.end))
        ents.append(span)
    doc.ents = ents
    return trim_whitespace_ents(doc)


def ner_sources(data: Path, *, seed: int, tune_size: int = 400) -> dict[str, list[c.Sentence]]:
    """Read every licensed NER corpus; returns named groups of sentences."""
    ner = data / NER_DIR
    part_a = list(c.read_germeval(ner / "germeval2014/NER-de-test.part-a.tsv"))
    news = [s for s in part_a if c.is_news_source(s.source)]
    wiki = [s for s in part_a if not c.is_news_source(s.source)]
    news_train, tune = c.split_holdout(news, tune_size, seed=seed)
    dev = list(c.read_germeval(ner / "germeval2014/NER-de-dev.tsv"))
    groups = {
        "germeval": news_train + wiki + [s for s in dev if not c.is_news_source(s.source)],
        "germeval_tune": tune,
        "germeval_dev_news": [s for s in dev if c.is_news_source(s.source)],
        "europarl": list(c.read_conll(ner / "europarl/train.tsv", c.CONLL_MAP, iob1=True, sep="\t")),
        "europeana": [s for f in sorted((ner / "europeana").glob("*.bio")) for s in c.read_europeana(f)],
        "hipe": [
            s for f in sorted((ner / "hipe2022").glob("HIPE-2022-v2.1-*-de.tsv"))
            if "newseye" in f.name or "sonar" in f.name
            for s in c.read_hipe(f)
        ],
        "neiss": list(c.read_conll(ner / "neiss/train_sturm.conll", c.NEISS_MAP)),
        "ler": [s for f in ("ler/ler_dev.conll", "ler/ler_test.conll") for s in c.read_ler(ner / f)],
        "mobie": list(c.read_mobie_conll(ner / "mobie/ner_conll03_formatted.zip", "train.conll2003")),
    }
    return groups


def smartdata_docs(nlp: spacy.Language, data: Path) -> list[Doc]:
    """SmartData v1 train + v3 dev, de-duplicated by document id."""
    seen: set[str] = set()
    docs = []
    for name in ("v1_20180119_train.json.gz", "v3_20200302_dev.json.gz"):
        for doc_id, text, spans in c.read_smartdata_docs(data / NER_DIR / "smartdata" / name):
            key = doc_id.split("@")[0]
            if key in seen:
                continue
            seen.add(key)
            docs.append(text_to_doc(nlp, text, spans))
    return docs


def _write(docs: Iterable[Doc], path: Path) -> int:
    db = DocBin(store_user_data=False)
    n = 0
    for doc in docs:
        db.add(doc)
        n += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(path)
    return n


# Training mixes: "all" uses every licensed corpus; "modern" leaves out the historic OCR newspapers
# (Europeana, HIPE), the NEISS editions and MobIE's traffic reports, whose partial label sets
# (no MISC, route/stop names as LOC) teach the model to miss entities in news.
PROFILES: dict[str, tuple[str, ...]] = {
    "all": (),
    "modern": ("europeana", "hipe", "neiss", "mobie"),
}


def build_ner(data: Path, out: Path, *, seed: int = 0, profile: str = "all", germeval_weight: int = 3,
              ler_max: int = 3000, mobie_max: int = 2000, hipe_max: int = 3000,
              europeana_max: int = 2000) -> dict[str, int]:
    """Write the NER DocBins for a training ``profile``; returns sentence counts per group."""
    nlp = spacy.blank("de")
    groups = {k: v for k, v in ner_sources(data, seed=seed).items() if k not in PROFILES[profile]}
    rng = random.Random(seed)
    for name, limit in (("ler", ler_max), ("mobie", mobie_max), ("hipe", hipe_max),
                        ("europeana", europeana_max)):
        if name in groups and len(groups[name]) > limit:
            groups[name] = rng.sample(groups[name], limit)
    train: list[Doc] = []
    for name, sents in groups.items():
        if name.startswith("germeval_"):
            continue
        weight = germeval_weight if name == "germeval" else 1
        train.extend(sentence_to_doc(nlp, s) for s in sents for _ in range(weight))
    sd = smartdata_docs(nlp, data)
    train.extend(sd)
    rng.shuffle(train)
    counts = {name: len(s) for name, s in groups.items()}
    counts["smartdata_docs"] = len(sd)
    suffix = "" if profile == "all" else f"-{profile}"
    counts["train_docs"] = _write(train, out / f"ner-train{suffix}.spacy")
    _write((sentence_to_doc(nlp, s) for s in groups["germeval_tune"]), out / "ner-tune.spacy")
    _write((sentence_to_doc(nlp, s) for s in groups["germeval_dev_news"]), out / "ner-dev-news.spacy")
    labels = Counter(ent.label_ for doc in train for ent in doc.ents)
    counts.update({f"ents_{k}": v for k, v in labels.items()})
    return counts


def conllu_blocks(path: Path) -> list[str]:
    """The sentence blocks of a CoNLL-U file, comments included, as text."""
    return [b.strip("\n") + "\n" for b in path.read_text(encoding="utf-8").split("\n\n") if b.strip()]


SENTS_PER_DOC = 8
# German PUD's XPOS column is Penn-Treebank-style (DT, IN, VBC), GSD's is STTS (ART, APPR, VVFIN), which is
# what newsgraph reads (extraction checks VVFIN, VVPP...). PUD's XPOS is therefore marked missing for the
# tagger; its UPOS, morphology and trees are kept. The converter turns a bare "_" into the UPOS, hence a marker.
_NO_XPOS = "NoXpos"


def without_xpos(block: str) -> str:
    """A CoNLL-U sentence block with its XPOS column replaced by the missing-tag marker."""
    lines = []
    for line in block.splitlines():
        cols = line.split("\t")
        if len(cols) == 10 and cols[0].isdigit():  # word lines; not comments or multi-word ranges
            cols[4] = _NO_XPOS
        lines.append("\t".join(cols))
    return "\n".join(lines) + "\n"


def clear_marked_tags(docs: list[Doc]) -> list[Doc]:
    """Turn the missing-XPOS marker (also inside merged multi-word tags) into spaCy's missing tag."""
    for doc in docs:
        for token in doc:
            if _NO_XPOS in token.tag_:
                token.tag_ = ""
    return docs


def build_ud(data: Path, out: Path, *, seed: int = 0) -> dict[str, int]:
    """Write the UD DocBins for tagger, morphologizer and parser, and the held-out test as CoNLL-U."""
    ud = data / "de/ud"
    test = conllu_blocks(ud / "de_gsd-ud-test.conllu")
    order = list(range(len(test)))
    random.Random(seed).shuffle(order)
    cut1, cut2 = int(len(test) * 0.6), int(len(test) * 0.8)
    pud = [without_xpos(b) for b in conllu_blocks(ud / "de_pud-ud-test.conllu")]
    train = conllu_blocks(ud / "de_gsd-ud-dev.conllu") + pud
    train += [test[i] for i in order[:cut1]]
    random.Random(seed).shuffle(train)
    held = "\n".join(test[i] for i in sorted(order[cut2:]))
    (out / "ud-test.conllu").write_text(held, encoding="utf-8")
    return {
        # several sentences per training Doc, so the parser learns where sentences end
        "ud_train": _write(clear_marked_tags(conllu_text_to_docs("\n".join(train), n_sents=SENTS_PER_DOC)),
                           out / "ud-train.spacy"),
        "ud_tune": _write(conllu_text_to_docs("\n".join(test[i] for i in order[cut1:cut2]), n_sents=SENTS_PER_DOC),
                          out / "ud-tune.spacy"),
        "ud_test": _write(conllu_text_to_docs(held), out / "ud-test.spacy"),
    }
def raw_texts(data: Path, *, seed: int = 0) -> list[str]:
    """Unlabelled text for ``spacy pretrain``: every licensed corpus's sentences (the full LER and
    Europarl files included), UD text, SmartData documents. GermEval dev news and the tuning
    hold-out are excluded, so the reported figures stay on text the model never saw."""
    groups = ner_sources(data, seed=seed)
    ner = data / NER_DIR
    groups["ler"] = [s for f in ("ler/ler_dev.conll", "ler/ler_test.conll")
                     for s in c.read_conll(ner / f, c.LER_MAP)]
    groups["europarl"] = [s for f in ("train.tsv", "dev.tsv", "test.tsv")
                          for s in c.read_conll(ner / "europarl" / f, c.CONLL_MAP, iob1=True, sep="\t")]
    texts = {
        " ".join(s.words)
        for name, sents in groups.items() if name not in ("germeval_tune", "germeval_dev_news")
        for s in sents
    }
    for name in ("v1_20180119_train.json.gz", "v3_20200302_dev.json.gz", "v3_20200302_test.json.gz"):
        texts.update(text for _, text, _ in c.read_smartdata_docs(ner / "smartdata" / name))
    for path in sorted((data / "de/ud").glob("de_[gp]*.conllu")):
        texts.update(line[9:].strip() for line in path.read_text(encoding="utf-8").splitlines()
                     if line.startswith("# text = "))
    return sorted(texts)


def write_raw_text(data: Path, out: Path, *, seed: int = 0) -> int:
    """Write ``raw-text.jsonl`` (one ``{"text": ...}`` per line) for ``spacy pretrain``."""
    texts = raw_texts(data, seed=seed)
    with open(out / "raw-text.jsonl", "w", encoding="utf-8") as f:
        for text in texts:
            f.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
    return len(texts)


def build_corpora(data: Path, out: Path, *, seed: int = 0) -> dict[str, int]:
    """All of ``make corpora``: the NER and UD DocBins and the raw texts (``newsgraph models corpora``).

    Args:
        data: The shared corpora folder (``../shared/data``).
        out: The build folder to write to (``models/build``).
        seed: Fixes the splits.

    Returns:
        What was written, by name (documents, sentences, entities per label, raw texts).
    """
    counts = {**build_ner(data, out, seed=seed), **build_ud(data, out, seed=seed)}
    counts["raw_texts"] = write_raw_text(data, out, seed=seed)
    return counts
