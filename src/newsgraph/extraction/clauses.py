"""Sentence pieces and clauses: where the extractors look for a trigger's subject, objects and modal cues.

A sentence piece is a sentence of the Doc, further cut at sentence-final marks, line breaks and a
dateline (``Graz - ...``), so a parser that misses sentence ends does not merge sentences. Clauses
are cut at commas, semicolons, colons and dashes; a piece without a verb (a list of names, an
apposition) joins its neighbour. Each clause is classed as main, sub, cond, rel or inf.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsgraph.extraction.context import DocContext

_SENTENCE_END = frozenset({".", "!", "?"})
_CLAUSE_BREAKS = frozenset({",", ";", ":", "–", "—", "-"})
_DASHES = frozenset({"-", "–", "—"})
_CLOSERS = frozenset({"»", "«", "“", "”", "\"", "›", "‹", "‘", "'", ")"})


@dataclass
class Clause:
    """A clause: a run of tokens with its own verb(s), split off at commas and similar marks.

    Attributes:
        start, end: Token range (``end`` exclusive).
        segment: Index of the sentence piece the clause is in.
        kind: ``main``, ``sub`` (dass, weil ...), ``cond`` (wenn, falls, sollte ..., ob), ``rel``
            (relative clause) or ``inf`` (infinitive with zu).
        opener: The folded first word.
        matrix: Index of the clause this one depends on (sub, cond, rel, inf), if any.
        verbs: Token indices of the verbs.
    """

    start: int
    end: int
    segment: int
    kind: str = "main"
    opener: str = ""
    matrix: int | None = None
    verbs: list[int] = field(default_factory=list)


def split_segments(ctx: DocContext) -> list[tuple[int, int]]:
    """Sentence pieces: the Doc's sentences, also cut at sentence-final marks, line breaks and datelines.
    A colon does not end a German sentence: where the parser starts one after ``X erklärte:``, the words that
    follow stay in the speaker's piece."""
    doc = ctx.doc
    starts = {0}
    if doc.has_annotation("SENT_START"):
        starts |= {sent.start for sent in doc.sents if sent.start == 0 or doc[sent.start - 1].text != ":"}
    segments: list[tuple[int, int]] = []
    start = 0
    i = 0
    texts = ctx.texts
    while i < len(doc):
        text = texts[i]
        if i > start and i in starts:
            segments.append((start, i))
            start = i
        if ctx.is_space(i) and "\n" in text:
            if i > start:
                segments.append((start, i))
            start = i + 1
        elif text in _SENTENCE_END:
            end = i + 1
            while end < len(doc) and texts[end] in _CLOSERS and _unbalanced(ctx, start, end, texts[end]):
                end += 1
            segments.append((start, end))
            start = end
            i = end - 1
        i += 1
    if start < len(doc):
        segments.append((start, len(doc)))
    segments = [piece for s, e in segments for piece in _split_dateline(ctx, s, e)]
    return [(s, e) for s, e in segments if any(not ctx.is_space(j) for j in range(s, e))]

def _unbalanced(ctx: DocContext, start: int, end: int, mark: str) -> bool:
    """True when ``mark`` after a full stop closes a bracket or quote opened in tokens ``[start, end)``."""
    texts = ctx.texts[start:end]
    if mark == ")":
        return texts.count("(") > texts.count(")")
    return sum(t in _CLOSERS and t != ")" for t in texts) % 2 == 1

def _split_dateline(ctx: DocContext, start: int, end: int) -> list[tuple[int, int]]:
    """``Graz - Am Dienstag ...``, ``Paris, 15. Oktober 2014 (sda) - ...``: a dateline (a few capitalised
    words or date parts, maybe an agency in brackets, then a dash) near the start of the article
    becomes a sentence piece of its own."""
    if ctx.doc[start].idx > 400:
        return [(start, end)]
    for j in range(start, min(end - 1, start + 12)):
        text = ctx.doc[j].text
        glued = j == start and len(text) > 1 and text[-1] in _DASHES
        if text in _DASHES or glued:
            words = [ctx.doc[k].text for k in range(start, j + glued) if not ctx.doc[k].is_punct]
            inside = [w for w in words if w.isalpha() and w.islower()]
            if words and len(words) <= 6 and len(inside) <= 1 and (j > start or glued):
                return [(start, j + 1), (j + 1, end)]
            break
        if not (text[:1].isupper() or text[:1].isdigit() or ctx.doc[j].is_punct or text.islower() and j > start):
            break
    return [(start, end)]

def build_clauses(ctx: DocContext, segment: int, start: int, end: int) -> list[Clause]:
    pieces: list[tuple[int, int]] = []
    piece_start = start
    for i in range(start, end):
        if ctx.texts[i] in _CLAUSE_BREAKS and i > piece_start:
            pieces.append((piece_start, i + 1))
            piece_start = i + 1
    if piece_start < end:
        pieces.append((piece_start, end))
    clauses: list[Clause] = []
    pending: tuple[int, int] | None = None
    for s, e in pieces:
        verbs = [i for i in range(s, e) if ctx.is_verb(i)]
        if not verbs:
            if clauses:
                clauses[-1].end = e
            else:
                pending = (pending[0], e) if pending else (s, e)
            continue
        clause_start = pending[0] if pending else s
        pending = None
        clauses.append(Clause(start=clause_start, end=e, segment=segment, verbs=verbs))
    if pending is not None:
        clauses.append(Clause(start=pending[0], end=pending[1], segment=segment))
    first = len(ctx.clauses)
    for offset, clause in enumerate(clauses):
        _classify(ctx, clause, first + offset, first)
    return clauses

def _first_word(ctx: DocContext, clause: Clause) -> int | None:
    for i in range(clause.start, clause.end):
        if not (ctx.is_punct(i) or ctx.is_space(i) or ctx.texts[i] in _CLOSERS):
            return i
    return None

def _classify(ctx: DocContext, clause: Clause, number: int, segment_first: int) -> None:
    first = _first_word(ctx, clause)
    if first is None:
        return
    clause.opener = ctx.lower(first)
    cues = ctx.cues
    finite = [i for i in clause.verbs if ctx.is_finite(i) and not ctx.is_zu_infinitive(i)]
    last_word = max((i for i in range(clause.start, clause.end) if not ctx.is_punct(i)), default=first)
    if clause.opener in cues.conditional_openers and (clause.opener not in cues.conditional_modals
                                                      or first == clause.start or ctx.doc[first - 1].is_punct):
        clause.kind = "cond"
    elif clause.opener in cues.subordinators and clause.opener not in cues.weak_subordinators or (
        clause.opener in cues.infinitive_openers and any(ctx.is_zu_infinitive(i) for i in clause.verbs)
    ):
        clause.kind = "inf" if clause.opener in cues.infinitive_openers else "sub"
    elif clause.verbs and not finite and any(ctx.is_zu_infinitive(i) for i in clause.verbs):
        clause.kind = "inf"
    elif (clause.opener in cues.relative_pronouns and number > segment_first and clause.verbs
          and clause.verbs[-1] >= last_word - 1 and all(v >= last_word - 2 for v in finite)):
        clause.kind = "rel"
    if clause.kind != "main":
        if number > segment_first:
            clause.matrix = number - 1
        elif clause.kind in ("sub", "cond"):
            clause.matrix = number + 1
