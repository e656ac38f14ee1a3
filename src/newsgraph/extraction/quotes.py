"""Quotes and reported speech: who said what, and which clauses are somebody's words.

Direct quotes are runs in «…», „…“, "…", ‹…› (and »…«) that stand as a sentence of their own; the speaker
is the subject of a speech verb after them (``fügte Kerry hinzu``, ``sagte er``, ``so Kerry``; ``a déclaré X``,
``a-t-il affirmé``, ``ha detto X``, ``he said``, ``it added``) or the name before a colon (``Kerry: «…»``).
Reported speech is a clause next to a speech verb (``…, sagte Kerry``; ``…, Ford said``; ``Obama sagte, der
Kampf werde …``; ``Obama said that …``), a clause under ``nach den Worten des X`` / ``laut X`` / ``X zufolge`` /
``according to X`` / ``selon X`` / ``secondo X``, or a later clause in Konjunktiv I that continues it.

Every frame with a speaker is a statement. The statement itself is asserted (the article states that X
said it); it is reported when it stands inside another speaker's frame (``According to ABC News, Basya
said …``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from spacy.tokens import Token

from newsgraph.extraction.context import Clause, DocContext, MentionRef
from newsgraph.extraction.modality import is_subjunctive_i
from newsgraph.extraction.phrases import np_after, resolve_pronoun, subjects
from newsgraph.records import Modality

MIN_QUOTE_WORDS = 3  # shorter runs in quote marks are names or scare quotes
_MAX_QUOTE_TOKENS = 400
_CONTINUATION_SEGMENTS = 2  # Konjunktiv I this many sentences after a speech verb continues it
_OPENING_MARKS = frozenset({"«", "„", "\"", "‹", "»", "‚", "“"})
_MAX_SPEAKER_TOKENS = 8  # ``…, the foreign ministry spokesman said``: the longest subject before a closing speech verb
_PRONOUN_WINDOW = 3  # sentences back a dropped or neuter subject may name its speaker
_STATEMENT_KINDS = frozenset({"quote", "verb", "phrase"})
_PARSE_SUBJECTS = frozenset({"nsubj", "nsubj:pass", "nsubjpass"})  # UD and ClearNLP labels
_ATTRIBUTES = frozenset({"nmod", "nmod:poss"})  # UD; ClearNLP hangs the name on a ``prep`` as ``pobj``


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
        verb: Token of the speech verb, or the first word of a phrase frame (``laut``, ``selon``,
            ``according``); None for quotes without a speech verb (``Kerry: «…»``) and continuations.
        clauses: Indices of the clauses that are the speaker's words.
        quote: The direct quote the frame introduces, if any.
        kind: ``quote`` (direct quote), ``verb`` (reported speech with a speech verb), ``phrase``
            (``nach den Worten des X``), ``source`` (a phrase whose clause holds another speaker's statement:
            ``According to ABC News, Basya said …``; it makes that statement reported, it is none itself) or
            ``continuation`` (later Konjunktiv I).
        statement_modality: The modality of the statement event itself: ``asserted``, or ``reported``
            when the frame lies inside another speaker's words.
    """

    speaker: MentionRef | None
    verb: int | None
    clauses: list[int] = field(default_factory=list)
    quote: Quote | None = None
    kind: str = "verb"
    statement_modality: Modality = "asserted"

    @property
    def is_statement(self) -> bool:
        """True for frames that make a statement event: a quote, a speech verb or a phrase frame with a speaker."""
        return self.speaker is not None and self.kind in _STATEMENT_KINDS


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
            last = close - 1
            while last > i + 1 and (doc[last].is_space or doc[last].text in (",", ";")):
                last -= 1  # ``"The talks went well," he said``: the comma inside the marks is the sentence's
            end_char = doc[last].idx + len(doc[last].text) if last < close - 1 else doc[close].idx
            quotes.append(Quote(i, close, start_char, end_char, _is_direct(ctx, i)))
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
    # a pipeline without a tagger (Italian) knows no verbs: its speech-verb list names the forms (``detto``)
    return next((i for i in range(clause.start, clause.end)
                 if ctx.lower(i) in ctx.cues.speech_verbs and not ctx.doc[i].pos), None)


def _first_word(ctx: DocContext, clause: Clause, default: int) -> int:
    return next((i for i in range(clause.start, clause.end) if not (ctx.doc[i].is_punct or ctx.doc[i].is_space)),
                default)


def _is_lead(ctx: DocContext, i: int) -> bool:
    """An auxiliary or a clitic subject that may stand before a speech verb opening its clause (``a``, ``-t``,
    ``-il`` in ``a-t-il affirmé``; ``ha`` in ``ha detto``)."""
    return ctx.doc[i].pos_ == "AUX" or ctx.lower(i) in ctx.cues.speech_clitics


def _opens_clause(ctx: DocContext, clause: Clause, verb: int, first: int | None = None) -> bool:
    """The speech verb opens its clause (or the part of it from ``first`` on), so the words before it are what it
    reports: ``…, sagte Kerry``, ``…, a déclaré X``, ``…, a-t-il affirmé``, ``…, ha detto X``; where the language
    puts the speaker first (``subject_before_speech_verb``) also after a short subject without a verb: ``…, Ford
    said``, ``…, he added``."""
    first = _first_word(ctx, clause, verb) if first is None else first
    if all(_is_lead(ctx, i) for i in range(first, verb)):
        return True
    if not ctx.cues.subject_before_speech_verb or clause.kind != "main" or verb - first > _MAX_SPEAKER_TOKENS:
        return False
    return not any(ctx.is_verb(i) and not _is_lead(ctx, i) for i in range(first, verb))


def _after_comma(ctx: DocContext, clause: Clause, verb: int) -> int | None:
    """The token after the comma a speech verb opens a clause part after (``…, ha detto X``), or None."""
    comma = next((j for j in range(verb - 1, clause.start, -1) if ctx.texts[j] == ","), None)
    return comma + 1 if comma is not None and _opens_clause(ctx, clause, verb, comma + 1) else None


def _last_actor(ctx: DocContext, i: int, types: frozenset[str]) -> MentionRef | None:
    """The last full mention of one of ``types`` before token ``i``, within :data:`_PRONOUN_WINDOW` sentence pieces."""
    lower_bound = ctx.segments[max(0, ctx.segment_of[i] - _PRONOUN_WINDOW)][0]
    return next((ref for ref in reversed(ctx.mentions)
                 if lower_bound <= ref.start < i and ref.type in types and not ref.partial), None)


_ORGANISATIONS = frozenset({"ORG", "GPE", "NORP"})
_PERSONS = frozenset({"PER"})


def _parse_subject(ctx: DocContext, verb: int, clause: Clause) -> MentionRef | None:
    """The named subject the parse gives the speech verb inside its clause. A verb that opens its clause takes a
    subject after it (``…, erklärte der Minister``), or anywhere in the sentence when its words follow it (``John
    Burrows, the chairman of the panel, said the flag …``)."""
    children = list(ctx.doc[verb].children)
    first = _first_word(ctx, clause, verb)
    if not all(_is_lead(ctx, i) for i in range(first, verb)):
        lowest = clause.start
    elif any(child.dep_ == "ccomp" and child.i > verb for child in children):
        lowest = ctx.segments[clause.segment][0]  # ``John Burrows, the chairman of …, said the flag …``
    else:
        lowest = verb
    for child in children:
        if child.dep_ in _PARSE_SUBJECTS and lowest <= child.i < clause.end:
            ref = ctx.entity_at(child.i) or resolve_pronoun(ctx, child.i) or _speaking_for(ctx, child)
            if ref is not None and ref.is_actor:
                return ref
    return None


def _speaking_for(ctx: DocContext, subject: Token) -> MentionRef | None:
    """``les dirigeants de RJR Nabisco``, ``a spokesman for Ford``: a common-noun subject speaks for the organisation
    named in its attribute."""
    if ctx.entity_at(subject.i) is not None or not ctx.is_noun(subject.i):
        return None
    for child in subject.children:
        attributes = [child] if child.dep_ in _ATTRIBUTES else [c for c in child.children if c.dep_ == "pobj"]
        for token in attributes:
            ref = ctx.entity_at(token.i)
            if token.i > subject.i and ref is not None and ref.type == "ORG":
                return ref
    return None


def _speaker(ctx: DocContext, clause: Clause, verb: int, first: int | None = None) -> MentionRef | None:
    """The speaker of a speech verb: its subject, a pronoun next to it, or (``null_subject``) the person just named.

    ``first`` is where the speech verb's part of the clause starts when it opens that part (after a quote or a
    comma); without a parse, the speaker is then the name after the verb (``…, ha detto Mario Draghi``)."""
    if first is None:
        first = _after_comma(ctx, clause, verb)
        first = _first_word(ctx, clause, verb) if first is None else first
    inverted = all(_is_lead(ctx, i) for i in range(first, verb))
    parsed = _parse_subject(ctx, verb, clause)
    if parsed is not None:
        return parsed
    if inverted and not ctx.doc[verb].pos:
        ref, _ = np_after(ctx, verb + 1, clause.end)
        if ref is not None and ref.is_actor:
            return ref
    else:
        found = [ref for ref in subjects(ctx, clause) if ref.is_actor]
        if found:
            return found[0]
    for i in [*range(first, verb), *range(verb + 1, min(clause.end, verb + 3))]:
        ref = resolve_pronoun(ctx, i)
        if ref is None and ctx.lower(i) in ctx.cues.neuter_pronouns:
            ref = _last_actor(ctx, i, _ORGANISATIONS)  # ``…, it added``: the company or state named before
        if ref is not None:
            return ref
    if ctx.cues.null_subject and inverted and not any(
            ctx.entity_at(i) is not None for i in range(verb + 1, clause.end)):
        return _last_actor(ctx, verb, _PERSONS)  # ``«…», ha affermato.``: no subject, the person just named
    return None


def _frame_words_at(ctx: DocContext, i: int) -> int:
    """The length of the speech frame (``so``, ``laut``, ``selon``, ``according to``) starting at token ``i``, or 0;
    frames the speaker stands before (``X zufolge``) and frames with a gap do not count."""
    for frame in ctx.cues.speech_frames:
        if frame and frame != ("zufolge",) and "*" not in frame and all(
                ctx.lower(i + k) == word for k, word in enumerate(frame)):
            return len(frame)
    return 0


def _speaker_after(ctx: DocContext, quote: Quote) -> tuple[MentionRef | None, int | None]:
    """The speaker named after a quote: ``«…», fügte Kerry hinzu`` or ``«…», so Kerry``."""
    i = quote.close + 1
    while i < len(ctx.doc) and ctx.doc[i].text in (",", " ") :
        i += 1
    if i >= len(ctx.doc) or ctx.segment_of[i] != ctx.segment_of[quote.close]:
        return None, None
    if frame_words := _frame_words_at(ctx, i):
        ref, _ = np_after(ctx, i + frame_words, ctx.clause_at(i).end)
        return ref or resolve_pronoun(ctx, i + frame_words), None
    clause = ctx.clause_at(i)
    verb = _speech_verb(ctx, clause)
    if verb is None or verb < i or not _opens_clause(ctx, clause, verb, i):
        return None, None
    return _speaker(ctx, clause, verb, i), verb


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
    complement = next((child.i for child in ctx.doc[verb].children if child.dep_ == "ccomp" and child.i > verb), None)
    if complement is not None:  # the parse's clausal complement: ``Basya said fishermen saw …``
        return list(range(ctx.clause_of[complement], same.stop))
    if clause_number > same[0] and (_opens_clause(ctx, clause, verb) or any(
            child.dep_ == "ccomp" and child.i < clause.start for child in ctx.doc[verb].children)):
        return list(range(same.start, clause_number))
    if _after_comma(ctx, clause, verb) is not None:
        return [clause_number]  # one clause (untagged text, a verbless piece before): ``Il governo …, ha detto X``
    if any(ctx.lower(j) in ctx.cues.complementizers for j in range(verb + 1, min(verb + _MAX_SPEAKER_TOKENS, clause.end))):
        return [clause_number]  # no comma before the complementizer: ``said on Tuesday that …``, ``a déclaré que …``
    after = range(clause_number + 1, same.stop)
    if after and (ctx.clauses[after[0]].opener in ctx.cues.complementizers
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
        if ctx.lower(i) != "so" or ctx.texts[i - 1] != ",":
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
    lowers = ctx.lowers
    for number, clause in enumerate(ctx.clauses):
        for i in range(clause.start, clause.end):
            if lowers[i] not in first_words:
                continue  # no frame starts here
            for frame in ctx.cues.speech_frames:
                if frame == ("so",) or "*" in frame:
                    continue
                if frame == ("zufolge",):
                    if ctx.lower(i) == "zufolge":
                        ref = ctx.entity_at(i - 1)
                        if ref is not None and ref.is_actor:
                            frames.append(SpeechFrame(ref, i, [number], None, "phrase"))
                    continue
                if tuple(ctx.lower(i + k) for k in range(len(frame))) != frame:
                    continue
                ref, _ = np_after(ctx, i + len(frame), clause.end)
                if ref is not None and ref.is_actor:
                    frames.append(SpeechFrame(ref, i, [number], None, "phrase"))
    return frames


def speech_frames(ctx: DocContext, quotes: list[Quote] | None = None) -> list[SpeechFrame]:
    """Every frame of direct or reported speech in the Doc, in text order.

    Args:
        ctx: The document view.
        quotes: The quotes found by :func:`find_quotes` (found here when not given).
    """
    if quotes is not None:
        return _speech_frames(ctx, quotes)
    # the relation and the event extractor both read the frames of one shared context: found once
    known = ctx.analyses.get("speech_frames")
    if known is None:
        known = ctx.analyses["speech_frames"] = _speech_frames(ctx, find_quotes(ctx))
    return list(known)


def _speech_frames(ctx: DocContext, quotes: list[Quote]) -> list[SpeechFrame]:
    frames = _quote_frames(ctx, quotes)
    quoted = {frame.quote for frame in frames if frame.speaker is not None}
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
    frames += [frame for frame in _phrase_frames(ctx) if not _says_a_quote(ctx, frame, quoted)]
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
    _mark_nested(ctx, frames)
    return sorted(frames, key=lambda f: min(f.clauses) if f.clauses else 0)


def _says_a_quote(ctx: DocContext, frame: SpeechFrame, quoted: set[Quote | None]) -> bool:
    """``« … », selon X``: the phrase names the speaker of a quote already framed, not a statement of its own."""
    return frame.verb is not None and any(
        quote is not None and quote.close < frame.verb and ctx.segment_of[quote.close] == ctx.segment_of[frame.verb]
        and all(ctx.doc[j].is_punct or ctx.doc[j].is_space for j in range(quote.close + 1, frame.verb))
        for quote in quoted)


def _mark_nested(ctx: DocContext, frames: list[SpeechFrame]) -> None:
    """A statement inside another speaker's words (``According to ABC News, Basya said …``) is reported, and the
    phrase that attributes it (kind ``source``) is no statement of its own."""
    phrases = {ctx.segment_of[frame.verb]: frame for frame in frames
               if frame.kind == "phrase" and frame.speaker is not None and frame.verb is not None}
    for frame in frames:
        if frame.kind not in ("quote", "verb") or frame.verb is None or frame.speaker is None:
            continue
        phrase = phrases.get(ctx.segment_of[frame.verb])
        if (phrase is not None and phrase.speaker is not None and phrase.verb is not None and phrase.verb < frame.verb
                and phrase.speaker.entity_id != frame.speaker.entity_id):
            frame.statement_modality = "reported"
            phrase.kind = "source"
