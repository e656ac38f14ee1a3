"""Quotes and reported speech: who said what, and which clauses are somebody's words.

Direct quotes are runs in «…», „…“, "…", ‹…› (and »…«) that stand as a sentence of their own; the speaker
is the subject of a speech verb after them (``fügte Kerry hinzu``, ``sagte er``, ``so Kerry``) or the
name before a colon (``Kerry: «…»``). Reported speech is a clause next to a speech verb (``…, sagte Kerry``;
``Obama sagte, der Kampf werde …``), a clause under ``nach den Worten des X`` / ``laut X`` / ``X zufolge``,
or a later clause in Konjunktiv I that continues it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from newsgraph.extraction.context import Clause, DocContext, MentionRef
from newsgraph.extraction.modality import is_subjunctive_i
from newsgraph.extraction.phrases import np_after, resolve_pronoun, subjects

MIN_QUOTE_WORDS = 3  # shorter runs in quote marks are names or scare quotes
_MAX_QUOTE_TOKENS = 400
_CONTINUATION_SEGMENTS = 2  # Konjunktiv I this many sentences after a speech verb continues it
_OPENING_MARKS = frozenset({"«", "„", "\"", "‹", "»", "‚", "“"})


@dataclass(frozen=True)
class Quote:
    """A run of text in quote marks: token indices of the marks and the char range inside them."""

    open: int
    close: int
    start_char: int
    end_char: int
    direct: bool


@dataclass
class SpeechFrame:
    """Somebody's words in the text.

    Attributes:
        speaker: The speaker's mention (resolved pronoun included), if found.
        verb: Token of the speech verb, if any (frames like ``laut X`` have none).
        clauses: Indices of the clauses that are the speaker's words.
        quote: The direct quote the frame introduces, if any.
        kind: ``quote`` (direct quote), ``verb`` (reported speech with a speech verb), ``phrase``
            (``nach den Worten des X``) or ``continuation`` (later Konjunktiv I).
    """

    speaker: MentionRef | None
    verb: int | None
    clauses: list[int] = field(default_factory=list)
    quote: Quote | None = None
    kind: str = "verb"


def find_quotes(ctx: DocContext) -> list[Quote]:
    """Runs of at least :data:`MIN_QUOTE_WORDS` words in matching quote marks within one paragraph."""
    doc = ctx.doc
    openers: dict[str, list[str]] = {}
    for opening, closing in ctx.cues.quote_pairs:
        openers.setdefault(opening, []).append(closing)
    texts = ctx.texts
    next_break = _next_index(texts, lambda text: "\n" in text)
    next_close: dict[str, list[int]] = {}
    quotes: list[Quote] = []
    i = 0
    while i < len(doc):
        closers = openers.get(texts[i])
        close = None
        if closers:
            if texts[i] not in next_close:
                next_close[texts[i]] = _next_index(texts, lambda text: text in closers)
            # the first closer after the opener, if no line break comes first and it is near enough
            j = next_close[texts[i]][i]
            if j < next_break[i] and j < min(len(doc), i + _MAX_QUOTE_TOKENS):
                close = j
        if close is None:
            i += 1
            continue
        words = [t for t in doc[i + 1 : close] if not (t.is_punct or t.is_space)]
        if len(words) >= MIN_QUOTE_WORDS:
            start_char = doc[i].idx + len(doc[i].text)
            quotes.append(Quote(i, close, start_char, doc[close].idx, _is_direct(ctx, i)))
        i = close + 1
    return quotes


def _next_index(texts: list[str], test: Callable[[str], bool]) -> list[int]:
    """For each token, the index of the next token after it that passes ``test`` (``len(texts)`` if none): one
    pass from the end, so finding the closing mark of every opening mark stays linear in a run of marks."""
    found = [len(texts)] * len(texts)
    following = len(texts)
    for j in range(len(texts) - 1, -1, -1):
        found[j] = following
        if test(texts[j]):
            following = j
    return found


def _is_direct(ctx: DocContext, opener: int) -> bool:
    """A quote is a statement of its own when it opens its sentence or follows a colon or ``sagte X,``."""
    if ctx.at_segment_start(opener):
        return True
    before = opener - 1
    while before >= 0 and ctx.doc[before].is_space:
        before -= 1
    if ctx.doc[before].text == ":":
        return True
    return ctx.doc[before].text == "," and _speech_verb(ctx, ctx.clause_at(before)) is not None


def _speech_verb(ctx: DocContext, clause: Clause) -> int | None:
    for i in clause.verbs:
        if ctx.verb_lemma(i) in ctx.cues.speech_verbs or ctx.lemma(i) in ctx.cues.speech_verbs:
            return i
    return None


def _speaker(ctx: DocContext, clause: Clause, verb: int) -> MentionRef | None:
    found = [ref for ref in subjects(ctx, clause) if ref.is_actor]
    if found:
        return found[0]
    for i in range(verb + 1, min(clause.end, verb + 3)):
        ref = resolve_pronoun(ctx, i)
        if ref is not None:
            return ref
    return None


def _speaker_after(ctx: DocContext, quote: Quote) -> tuple[MentionRef | None, int | None]:
    """The speaker named after a quote: ``«…», fügte Kerry hinzu`` or ``«…», so Kerry``."""
    i = quote.close + 1
    while i < len(ctx.doc) and ctx.doc[i].text in (",", " ") :
        i += 1
    if i >= len(ctx.doc) or ctx.segment_of[i] != ctx.segment_of[quote.close]:
        return None, None
    if ctx.lower(i) == "so":
        ref, _ = np_after(ctx, i + 1, ctx.clause_at(i).end)
        return ref or resolve_pronoun(ctx, i + 1), None
    clause = ctx.clause_at(i)
    verb = _speech_verb(ctx, clause)
    if verb is None or verb > i + 1:
        return None, None
    return _speaker(ctx, clause, verb), verb


def _speaker_before(ctx: DocContext, quote: Quote) -> tuple[MentionRef | None, int | None]:
    """The speaker named before a quote: ``Kerry: «…»`` or ``Kerry sagte: «…»``."""
    before = quote.open - 1
    while before >= 0 and ctx.doc[before].is_space:
        before -= 1
    if before < 0 or ctx.doc[before].text not in (":", ","):
        return None, None
    ref = ctx.entity_at(before - 1)
    if ref is not None and ref.is_actor and ref.end == before:
        return ref, None
    clause = ctx.clause_at(before)
    verb = _speech_verb(ctx, clause)
    return (_speaker(ctx, clause, verb), verb) if verb is not None else (None, None)


def _quote_frames(ctx: DocContext, quotes: list[Quote]) -> list[SpeechFrame]:
    frames = []
    for quote in quotes:
        if not quote.direct:
            continue
        speaker, verb = _speaker_after(ctx, quote)
        if speaker is None:
            speaker, verb = _speaker_before(ctx, quote)
        inside = sorted({ctx.clause_of[i] for i in range(quote.open + 1, quote.close)})
        frames.append(SpeechFrame(speaker, verb, inside, quote, "quote"))
    return frames


def _content(ctx: DocContext, clause_number: int, verb: int) -> list[int]:
    """Clauses that are the words of the speech verb: before it when it opens its clause (``…, sagte X``),
    else after it when they are in Konjunktiv I or start with ``dass``."""
    clause = ctx.clauses[clause_number]
    same = ctx.segment_clauses[clause.segment]
    first_word = next((i for i in range(clause.start, clause.end) if not ctx.doc[i].is_punct), verb)
    if first_word == verb and clause_number > same[0]:
        return list(range(same.start, clause_number))
    after = range(clause_number + 1, same.stop)
    if after and (ctx.clauses[after[0]].opener == "dass"
                  or any(is_subjunctive_i(ctx, v) for v in ctx.clauses[after[0]].verbs)):
        return list(after)
    return []


def _colon_frames(ctx: DocContext, taken: set[int]) -> list[SpeechFrame]:
    """Direct speech without quote marks after a colon: ``Mitterlehner: Das ...``, ``X erklärte: Wir ...``."""
    frames = []
    for number, clause in enumerate(ctx.clauses):
        last = clause.end - 1
        if number not in taken and (frame := _name_colon_frame(ctx, number)) is not None:
            frames.append(frame)
            continue
        if ctx.doc[last].text != ":" or number + 1 >= len(ctx.clauses) or number + 1 in taken:
            continue
        following = range(number + 1, ctx.segment_clauses[clause.segment].stop)
        if not following or ctx.doc[ctx.clauses[following[0]].start].text in _OPENING_MARKS:
            continue
        verb = _speech_verb(ctx, clause)
        before = ctx.entity_at(last - 1)
        if verb is not None:
            speaker = _speaker(ctx, clause, verb)
        elif before is not None and before.end == last and before.is_actor:
            speaker = before
        else:
            continue
        start = ctx.clauses[following[0]].start
        end = ctx.clauses[following[-1]].end
        quote = Quote(last, end, ctx.doc[start].idx, ctx.doc[end - 1].idx + len(ctx.doc[end - 1].text), True)
        frames.append(SpeechFrame(speaker, verb, list(following), quote, "quote"))
    return frames


def _name_colon_frame(ctx: DocContext, number: int) -> SpeechFrame | None:
    """``Mitterlehner: Das Unternehmen soll ...`` parsed as one clause: a name opens the clause, a colon follows
    it, words follow the colon; they and the rest of the sentence are the speaker's."""
    clause = ctx.clauses[number]
    first = next((i for i in range(clause.start, clause.end) if not ctx.doc[i].is_punct), None)
    ref = ctx.entity_at(first) if first is not None else None
    if ref is None or not ref.is_actor or ref.start != first or ref.end + 1 >= clause.end:
        return None
    colon = ref.end
    if ctx.doc[colon].text != ":" or ctx.doc[colon + 1].text in _OPENING_MARKS:
        return None
    following = range(number, ctx.segment_clauses[clause.segment].stop)
    end = ctx.clauses[following[-1]].end
    while end > colon + 2 and ctx.doc[end - 1].is_punct:
        end -= 1
    if sum(not ctx.doc[i].is_punct for i in range(colon + 1, end)) < MIN_QUOTE_WORDS:
        return None  # ``Putin: Nein.``, a label or a one-word answer
    start_char = ctx.doc[colon + 1].idx
    quote = Quote(colon, end, start_char, ctx.doc[end - 1].idx + len(ctx.doc[end - 1].text), True)
    return SpeechFrame(ref, None, list(following), quote, "quote")


def _so_frames(ctx: DocContext, taken: set[int]) -> list[SpeechFrame]:
    """``..., so Grün-Abgeordneter Lambert Schönleitner.``: the words before ``so X`` at a sentence end (a
    verbless tail after the speaker allowed)."""
    frames = []
    for i in range(1, len(ctx.doc) - 1):
        if ctx.lower(i) != "so" or ctx.doc[i - 1].text != ",":
            continue
        clause = ctx.clause_at(i)
        ref = next((r for j in range(i + 1, min(clause.end, i + 5)) if (r := ctx.entity_at(j)) is not None), None)
        if ref is None or not ref.is_actor:
            continue
        # ``, so der Minister mit Blick auf den Konzern.``: a verbless tail may follow the speaker
        if any(ctx.is_verb(j) for j in range(ref.end, clause.end)):
            continue
        number = ctx.clause_of[i]
        content = [n for n in range(ctx.segment_clauses[clause.segment].start, number + 1) if n not in taken]
        if content:
            frames.append(SpeechFrame(ref, i, content, None, "verb"))
    return frames


def _phrase_frames(ctx: DocContext) -> list[SpeechFrame]:
    """``nach den Worten des X`` / ``nach Angaben von X`` / ``laut X`` / ``X zufolge`` frames."""
    frames = []
    first_words = {frame[0] for frame in ctx.cues.speech_frames if frame}
    for number, clause in enumerate(ctx.clauses):
        for i in range(clause.start, clause.end):
            if ctx.lower(i) not in first_words:
                continue  # no frame starts here
            for frame in ctx.cues.speech_frames:
                if frame == ("so",) or "*" in frame:
                    continue
                if frame == ("zufolge",):
                    if ctx.lower(i) == "zufolge":
                        ref = ctx.entity_at(i - 1)
                        if ref is not None and ref.is_actor:
                            frames.append(SpeechFrame(ref, None, [number], None, "phrase"))
                    continue
                if tuple(ctx.lower(i + k) for k in range(len(frame))) != frame:
                    continue
                ref, _ = np_after(ctx, i + len(frame), clause.end)
                if ref is not None and ref.is_actor:
                    frames.append(SpeechFrame(ref, None, [number], None, "phrase"))
    return frames


def speech_frames(ctx: DocContext, quotes: list[Quote] | None = None) -> list[SpeechFrame]:
    """Every frame of direct or reported speech in the Doc, in text order.

    Args:
        ctx: The document view.
        quotes: The quotes found by :func:`find_quotes` (found here when not given).
    """
    quotes = find_quotes(ctx) if quotes is None else quotes
    frames = _quote_frames(ctx, quotes)
    quoted_clauses = {n for frame in frames for n in frame.clauses}
    used_verbs = {frame.verb for frame in frames if frame.verb is not None}
    for number, clause in enumerate(ctx.clauses):
        verb = _speech_verb(ctx, clause)
        if verb is None or verb in used_verbs or number in quoted_clauses:
            continue
        content = _content(ctx, number, verb)
        if content:
            embedded = next((q for q in quotes if not q.direct and ctx.clause_of[q.open] in content), None)
            frames.append(SpeechFrame(_speaker(ctx, clause, verb), verb, content, embedded, "verb"))
    taken = {n for frame in frames for n in frame.clauses}
    frames += _colon_frames(ctx, taken)
    taken = {n for frame in frames for n in frame.clauses}
    frames += _so_frames(ctx, taken)
    frames += _phrase_frames(ctx)
    framed = {n for frame in frames for n in frame.clauses}
    for number, clause in enumerate(ctx.clauses):
        if number in framed or not any(is_subjunctive_i(ctx, v) for v in clause.verbs):
            continue
        earlier = sorted(
            (f for f in frames if f.clauses and f.speaker is not None and f.clauses[0] < number
             and clause.segment - ctx.clauses[f.clauses[0]].segment <= _CONTINUATION_SEGMENTS),
            key=lambda f: f.clauses[0],
        )
        if earlier:
            frames.append(SpeechFrame(earlier[-1].speaker, None, [number], None, "continuation"))
    return sorted(frames, key=lambda f: min(f.clauses) if f.clauses else 0)
