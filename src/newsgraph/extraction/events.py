"""Events from an annotated Doc: typed triggers, arguments with roles, modality, time, quotes.

Entry point: :func:`extract_events`. The steps: find triggers (:mod:`triggers`), read their arguments
(:mod:`arguments`), merge what the text says twice (coordinated triggers in one clause; a later
``das Treffen`` or an agentless passive that continues an event), let a feared or hypothetical
consequence take the actor of its condition (``Es wird ein Massaker befürchtet, sollte der IS die Stadt
einnehmen``), add statements from quotes and reported speech (:mod:`quotes`), attach time
(:mod:`timex`) and give every event an id derived from the text and the trigger offsets.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import cast

from spacy.tokens import Doc

from newsgraph.extraction.phrases import attachment
from newsgraph.extraction.arguments import Arg, clause_args, count_of, noun_chain
from newsgraph.extraction.context import DocContext, MentionRef, shared_context
from newsgraph.extraction.lexicon import EventLexicon, load_event_lexicon
from newsgraph.extraction.modality import modality_at
from newsgraph.extraction.quotes import SpeechFrame, speech_frames
from newsgraph.extraction.timex import DATE_KEY, Timex, dateline_date, find_timexes, parse_iso_date, resolve_timex
from newsgraph.extraction.triggers import Trigger, find_triggers
from newsgraph.records import Entity, Event, EventArgument, Mention, Modality, Span

_AGENTIVE = frozenset({"agent", "participant"})
_ACTOR_ROLES = frozenset({"agent", "participant", "target", "topic"})
_DEFINITE_WINDOW = 8  # sentence pieces a definite "das Treffen" may look back
_AGENTLESS_WINDOW = 2  # sentence pieces an agentless passive may look back
_SPEAKER_WINDOW = 6  # sentence pieces "sagte der Minister" may look back for the minister's name


@dataclass
class _Draft:
    """An event being built: positions, arguments and attributes before it becomes a record."""

    type: str
    start: int
    end: int
    clause: int
    segment: int
    nominal: bool
    args: list[Arg] = field(default_factory=list)
    listed: bool = False
    needs_actor: bool = False
    modality: Modality = "asserted"
    timex: Timex | None = None
    count: int | None = None
    quote: str | None = None
    content: Span | None = None
    char_span: tuple[int, int] | None = None

    def has(self, roles: frozenset[str]) -> bool:
        return any(a.role in roles for a in self.args)

    def add(self, args: Iterable[Arg]) -> None:
        present = {a.ref.entity_id for a in self.args}
        for arg in args:
            if arg.ref.entity_id not in present:
                self.args.append(arg)
                present.add(arg.ref.entity_id)


def event_id(text: str, event_type: str, start: int, end: int) -> str:
    """A corpus-wide unique, deterministic event id from the article text and the trigger offsets.

    Example:
        >>> event_id("Die USA griffen an.", "attack", 8, 14)[:3]
        'ev-'
    """
    text_hash = hashlib.sha1(text.encode("utf-8")).hexdigest()
    return "ev-" + hashlib.sha1(f"{text_hash}:{event_type}:{start}:{end}".encode()).hexdigest()[:10]


def article_anchor(doc: Doc, lexicon: EventLexicon, text: str | None = None) -> date | None:
    """The date relative expressions resolve against: ``doc.user_data["newsgraph_date"]`` or a dateline
    (in ``text``, the Doc's text when not given)."""
    return parse_iso_date(doc.user_data.get(DATE_KEY)) or dateline_date(doc.text if text is None else text,
                                                                         lexicon.cues.time)


def _nearest_timex(ctx: DocContext, timexes: list[Timex], token: int) -> Timex | None:
    clause = ctx.clause_at(token)
    start, end = ctx.segments[clause.segment]
    char = ctx.doc[token].idx
    for lo, hi in ((clause.start, clause.end), (start, end)):
        lo_char, hi_char = ctx.doc[lo].idx, ctx.doc[hi - 1].idx + len(ctx.doc[hi - 1].text)
        inside = [t for t in timexes if t.start >= lo_char and t.end <= hi_char]
        if inside:
            return min(inside, key=lambda t: abs(t.start - char))
    return None


def _draft(ctx: DocContext, lexicon: EventLexicon, trigger: Trigger, reported: Mapping[int, SpeechFrame],
           timexes: list[Timex]) -> _Draft:
    number = ctx.clause_of[trigger.start]
    clause = ctx.clauses[number]
    chain = noun_chain(ctx, lexicon, trigger, clause) if trigger.nominal else []
    draft = _Draft(trigger.type, trigger.start, trigger.end, number, clause.segment, trigger.nominal,
                   listed=trigger.listed)
    if trigger.listed:
        named = ctx.entity_at(trigger.start)
        if named is not None:
            draft.add([Arg("agent", named)])
        draft.add(Arg("participant", side) for side in map(ctx.entity_at, trigger.sides) if side is not None)
    draft.needs_actor = trigger.weak or (trigger.nominal and _generic(ctx, trigger.start, clause.start))
    if not trigger.listed:  # a list entry has no clause of its own: its name is all it says
        draft.add(chain)
        draft.add(clause_args(ctx, lexicon, trigger, clause, chain))
    frame = reported.get(number)
    where = attachment(ctx, trigger.start, clause) if trigger.nominal else None
    background = where is not None and where.prep is not None and where.noun is None
    draft.modality = modality_at(ctx, trigger.start, nominal=trigger.nominal, reported=frame is not None,
                                 background=background)
    default = lexicon.types[trigger.type].modality
    if draft.modality == "asserted" and default is not None:
        draft.modality = cast(Modality, default)
    if frame is not None and frame.speaker is not None:
        draft.add([Arg("source", frame.speaker)])
    draft.timex = _nearest_timex(ctx, timexes, trigger.start)
    draft.count = count_of(ctx, trigger, clause)
    if lexicon.types[trigger.type].symmetric:
        draft.args = [Arg("participant", a.ref) if a.role == "agent" else a for a in draft.args]
    return draft


def _absorb(first: _Draft, later: _Draft) -> None:
    # "source" belongs to the sentence that reports a mention, not to the event.
    first.add(a for a in later.args if a.role != "source")
    first.timex = first.timex or later.timex
    first.count = first.count if first.count is not None else later.count


def _merge(ctx: DocContext, drafts: list[_Draft]) -> list[_Draft]:
    """One event per clause and type; a later definite or agentless mention continues an earlier event."""
    kept: list[_Draft] = []
    for draft in drafts:
        if draft.listed:
            kept.append(draft)
            continue
        same_clause = next((k for k in kept if k.type == draft.type and k.clause == draft.clause), None)
        if same_clause is not None:
            _absorb(same_clause, draft)
            continue
        earlier = [k for k in kept if k.type == draft.type and k.segment < draft.segment]
        target = earlier[-1] if earlier else None
        # only an event with an actor is continued: two actorless mentions may well be two events
        if target is not None and target.has(_AGENTIVE):
            gap = draft.segment - target.segment
            definite = draft.nominal and ctx.lower(draft.start - 1) in ctx.cues.definite_determiners
            agentless = not draft.has(_AGENTIVE)
            if (definite and gap <= _DEFINITE_WINDOW) or (agentless and gap <= _AGENTLESS_WINDOW):
                _absorb(target, draft)
                continue
        kept.append(draft)
    return kept


def _link_conditions(ctx: DocContext, drafts: list[_Draft]) -> None:
    """A consequence without actor takes the actor and place of its condition clause (``sollte der IS ...``)."""
    for draft in drafts:
        if draft.has(_AGENTIVE) or draft.modality not in ("feared", "hypothetical"):
            continue
        for other in drafts:
            cond = ctx.clauses[other.clause]
            if other is draft or cond.kind != "cond" or cond.segment != draft.segment:
                continue
            draft.add([a for a in other.args if a.role in _AGENTIVE])
            places = [a.ref for a in other.args if a.role in ("location", "target") and a.ref.is_place]
            if places and not draft.has(frozenset({"location"})):
                draft.add([Arg("location", places[0])])


def _link_situations(ctx: DocContext, lexicon: EventLexicon, drafts: list[_Draft]) -> None:
    """An event without actor that happens in the course of another takes that event's actor:
    ``Bei einem US-Luftangriff ... kamen zwei Serben ums Leben``; ``Dabei kamen 49 Menschen ums Leben``."""
    for draft in drafts:
        if draft.has(frozenset({"agent"})):
            continue
        clause = ctx.clauses[draft.clause]
        cause = None
        for other in drafts:
            if other is not draft and other.clause == draft.clause and other.nominal:
                situational = lexicon.situational_prepositions
                if ctx.lower(other.start - 1) in situational or ctx.lower(other.start - 2) in situational:
                    cause = other
        if cause is None and ctx.lower(clause.start) in lexicon.anaphoric_adverbs:
            earlier = [d for d in drafts if 0 < draft.segment - d.segment <= 1]
            cause = earlier[-1] if earlier else None
        if cause is not None:
            draft.add(Arg("agent", a.ref) for a in cause.args if a.role == "agent")


def _generic(ctx: DocContext, i: int, start: int) -> bool:
    """A bare noun in a PP names a kind of event, not one that happened (``vor Luftangriffen warnen``)."""
    j = i - 1
    while j >= start and ctx.doc[j].pos_ == "ADJ":
        j -= 1
    return j >= start and ctx.lower(j) in ctx.cues.prepositions and ctx.doc[j].pos_ not in ("NOUN", "PROPN", "VERB")


def _keep(draft: _Draft, lexicon: EventLexicon) -> bool:
    """An event with a named actor, or one whose unambiguous trigger names it without one (an unnamed actor
    leaves the roles empty: ``Die Polizei nahm einen Mann fest``)."""
    entity_roles = {a.role for a in draft.args} & _ACTOR_ROLES
    if not entity_roles:
        return not draft.needs_actor
    if lexicon.types[draft.type].needs_target:
        return bool(entity_roles & {"target", "participant"})
    return True


def _definite_speaker(ctx: DocContext, verb: int) -> MentionRef | None:
    """``sagte der Minister``: a definite noun (not a name) after the speech verb refers to the last person named
    within :data:`_SPEAKER_WINDOW` sentence pieces."""
    j = verb + 1
    while j < len(ctx.doc) and ctx.doc[j].is_space:  # ``erklärte  der Minister``: a doubled space is a token
        j += 1
    if j >= len(ctx.doc) or ctx.lower(j) not in ctx.cues.definite_determiners:
        return None
    j += 1
    while j < len(ctx.doc) and ctx.doc[j].pos_ == "ADJ":
        j += 1
    if j >= len(ctx.doc) or not ctx.is_noun(j) or ctx.entity_at(j) is not None:
        return None
    lower_bound = ctx.segments[max(0, ctx.segment_of[verb] - _SPEAKER_WINDOW)][0]
    for ref in reversed(ctx.mentions):
        if lower_bound <= ref.start < verb and ref.type == "PER" and not ref.partial:
            return ref
    return None


def _statements(ctx: DocContext, lexicon: EventLexicon, frames: list[SpeechFrame], timexes: list[Timex]) -> list[_Draft]:
    """Statement events: direct quotes (asserted, with the quote) and reported speech (reported)."""
    drafts: list[_Draft] = []
    for frame in frames:
        # reported speech of an unnamed speaker ("sagte ein Sprecher") is a statement without a speaker role
        if not (frame.is_statement or frame.speaker is None and frame.kind == "verb"):
            continue
        speaker = frame.speaker
        if speaker is None and frame.verb is not None:
            speaker = _definite_speaker(ctx, frame.verb)
        if frame.verb is not None:
            start, end, span = frame.verb, frame.verb + 1, None
        elif frame.quote is not None:
            start, end, span = frame.quote.open, frame.quote.close + 1, (frame.quote.start_char, frame.quote.end_char)
        else:
            continue
        clause = ctx.clause_at(start)
        draft = _Draft("statement", start, end, ctx.clause_of[start], clause.segment, False, char_span=span)
        if speaker is not None:
            draft.args.append(Arg("speaker", speaker))
        # the article asserts that somebody spoke (reported when inside another source's words, see
        # quotes.SpeechFrame.statement_modality); what they said is reported (the events inside the content)
        draft.modality = frame.statement_modality
        # the speech verb's own modality (``sagte nicht``), unless its clause holds the words too (``said … would``)
        if frame.verb is not None and frame.kind != "phrase" and ctx.clause_of[frame.verb] not in frame.clauses:
            spoken = modality_at(ctx, frame.verb, nominal=False)
            draft.modality = frame.statement_modality if spoken in ("reported", "asserted") else spoken
        if frame.quote is not None:
            draft.quote = ctx.text[frame.quote.start_char : frame.quote.end_char].strip()
        if frame.kind == "verb" and frame.clauses:
            first, last = ctx.clauses[frame.clauses[0]], ctx.clauses[frame.clauses[-1]]
            end_token = last.end
            while end_token > first.start + 1 and (ctx.doc[end_token - 1].text in (",", ";", ":", ".")
                                                   or ctx.doc[end_token - 1].is_space):
                end_token -= 1
            draft.content = ctx.span(first.start, end_token)
        if frame.verb is not None:
            trigger = Trigger(start, end, "statement", nominal=False)
            draft.add(a for a in clause_args(ctx, lexicon, trigger, clause, []) if a.role == "location")
            draft.timex = _nearest_timex(ctx, timexes, start)
        previous = None if speaker is None else next(
            (d for d in reversed(drafts) if d.args and d.args[0].ref.entity_id == speaker.entity_id), None)
        if previous is not None and frame.kind == "quote":
            draft.add(a for a in previous.args if a.role == "location")
            draft.timex = draft.timex or previous.timex
        drafts.append(draft)
    return drafts


def _own_statements(drafts: list[_Draft], statements: list[_Draft]) -> list[_Draft]:
    """The statements that are events of their own: a speech verb that already names an event (``kritisierte,
    dass ...``, ``warf ihm vor, ...``) is that event, which takes the words said as its content."""
    by_start = {d.start: d for d in drafts if not d.nominal}
    own = []
    for statement in statements:
        event = by_start.get(statement.start) if statement.char_span is None else None
        if event is None:
            own.append(statement)
        elif event.content is None:
            event.content = statement.content
    return own


def _add_affiliations(drafts: list[_Draft], ctx: DocContext, affiliations: Mapping[str, list[str]],
                      lexicon: EventLexicon) -> None:
    """In meetings and agreements, the states and organisations the participating persons speak for take part."""
    by_id: dict[str, MentionRef] = {}
    for ref in sorted(ctx.mentions, key=lambda r: r.partial):  # a full mention beats a prefix
        by_id.setdefault(ref.entity_id, ref)
    for draft in drafts:
        if not lexicon.types[draft.type].symmetric:
            continue
        extra = [Arg("participant", by_id[org]) for a in list(draft.args) if a.role == "participant"
                 for org in affiliations.get(a.ref.entity_id, []) if org in by_id]
        draft.add(extra)


def _argument(ctx: DocContext, arg: Arg) -> EventArgument:
    return EventArgument(role=arg.role, entity_id=arg.ref.entity_id, text=ctx.text[arg.ref.start_char : arg.ref.end_char],
                         start=arg.ref.start_char, end=arg.ref.end_char)


def _to_event(ctx: DocContext, lexicon: EventLexicon, draft: _Draft, anchor: date | None) -> Event:
    trigger = ctx.char_span(*draft.char_span) if draft.char_span else ctx.span(draft.start, draft.end)
    arguments = [_argument(ctx, a) for a in draft.args]
    if draft.count is not None:
        arguments.append(EventArgument(role="count", text=str(draft.count)))
    if draft.content is not None:
        arguments.append(EventArgument(role="content", text=draft.content.text, start=draft.content.start,
                                       end=draft.content.end))
    time = date_value = None
    if draft.timex is not None:
        time = draft.timex.text
        if draft.timex.start >= 0:
            arguments.append(EventArgument(role="time", text=time, start=draft.timex.start, end=draft.timex.end))
        future = draft.modality == "intended"
        date_value = resolve_timex(draft.timex, lexicon.cues.time, anchor, future=future)
    place = next((a.ref.entity_id for a in draft.args if a.role == "location"), None)
    event_type = lexicon.types[draft.type]
    return Event(
        id=event_id(ctx.text, draft.type, trigger.start, trigger.end), type=draft.type, plover=event_type.plover,
        ace=event_type.ace, trigger=trigger,
        arguments=arguments, modality=draft.modality, time=time, date=date_value, place=place, quote=draft.quote,
    )


def extract_events(
    doc: Doc, lexicon: EventLexicon | None = None, *, mentions: Iterable[Mention] | None = None,
    entities: Iterable[Entity] | None = None, affiliations: Mapping[str, list[str]] | None = None,
    anchor: date | None = None,
) -> list[Event]:
    """Extract the events of one article.

    Args:
        doc: A Doc with entity mentions (``doc._.mentions``/``doc._.entities`` from the resolver, or given
            here); tags, morphology and the parse are used when present.
        lexicon: Typology and triggers; the shipped ``events.v2`` by default.
        mentions: Mentions to use instead of ``doc._.mentions``.
        entities: Entities to use instead of ``doc._.entities``.
        affiliations: Person id → ids of the states/organisations they hold a role in (from the relations).
        anchor: Article date for relative times; default ``doc.user_data["newsgraph_date"]`` or a dateline.

    Returns:
        Events in text order, each with a modality; statements carry the speaker (and the quote).

    Example:
        >>> import spacy
        >>> nlp = spacy.blank("de")
        >>> doc = nlp("Die USA flogen Luftangriffe gegen den IS.")
        >>> [e.type for e in extract_events(doc, mentions=[], entities=[])]
        []
    """
    lexicon = lexicon or load_event_lexicon()
    ctx = shared_context(doc, lexicon.cues, mentions=mentions, entities=entities, last_use=True)
    anchor = anchor or article_anchor(doc, lexicon, ctx.text)
    timexes = find_timexes(ctx.text, lexicon.cues.time)
    frames = speech_frames(ctx)
    reported = {number: frame for frame in frames for number in frame.clauses}
    drafts = [_draft(ctx, lexicon, t, reported, timexes) for t in find_triggers(ctx, lexicon)]
    drafts = _merge(ctx, drafts)
    _link_conditions(ctx, drafts)
    _link_situations(ctx, lexicon, drafts)
    drafts = [d for d in drafts if _keep(d, lexicon)]
    drafts += _own_statements(drafts, _statements(ctx, lexicon, frames, timexes))
    _add_affiliations(drafts, ctx, affiliations or {}, lexicon)
    events = [_to_event(ctx, lexicon, d, anchor) for d in drafts]
    return sorted(events, key=lambda e: (e.trigger.start, e.type))
