"""Event triggers: the nouns, verbs and fixed phrases that name an event, typed with the lexicon's typology."""

from __future__ import annotations

from dataclasses import dataclass

from newsgraph.extraction.context import DocContext
from newsgraph.extraction.lexicon import EventLexicon, match_suffix
from newsgraph.resolve.normalize import noun_forms

_NAME_TYPES = frozenset({"PER", "ORG"})


@dataclass(frozen=True)
class Trigger:
    """A word (or phrase) that names an event.

    Attributes:
        start, end: Token range of the trigger.
        type: Event type (a key of the lexicon's ``types``).
        nominal: True for a noun trigger (``Luftangriffe``), False for a verb or phrase.
        subject_role: Role of the clause subject (``target`` for ``ums Leben kommen``).
    """

    start: int
    end: int
    type: str
    nominal: bool
    subject_role: str = "agent"


def _in_name(ctx: DocContext, i: int) -> bool:
    """True inside a person's or organisation's name (``Treffen`` never triggers inside a name)."""
    ref = ctx.entity_at(i)
    return ref is not None and ref.type in _NAME_TYPES and ref.end - ref.start > 1


def _noun_trigger(ctx: DocContext, lexicon: EventLexicon, i: int) -> Trigger | None:
    text = ctx.doc[i].text
    key = match_suffix(text, lexicon.noun_triggers, ctx.cues.noun_endings)
    if key is None:
        return None
    forms = noun_forms(text, ctx.cues.noun_endings, last_part=True)
    if any(form.endswith(tuple(lexicon.noun_exclusions)) for form in forms):
        return None
    event_type = lexicon.noun_triggers[key]
    overrides = lexicon.support.get(key, {})
    if overrides:
        clause = ctx.clause_at(i)
        for verb in clause.verbs:
            lemma = ctx.verb_lemma(verb)
            if lemma in overrides or ctx.lemma(verb) in overrides:
                event_type = overrides.get(lemma) or overrides[ctx.lemma(verb)]
    return Trigger(i, i + 1, event_type, nominal=True)


def _verb_trigger(ctx: DocContext, lexicon: EventLexicon, i: int) -> Trigger | None:
    entry = lexicon.verb_triggers.get(ctx.verb_lemma(i)) or lexicon.verb_triggers.get(ctx.lemma(i))
    if entry is None:
        return None
    clause = ctx.clause_at(i)
    if entry.requires_any and not entry.requires_any & ctx.words(clause):
        return None
    event_type = entry.type
    if entry.objects:
        matched = [
            entry.objects[form] for j in range(clause.start, clause.end) if j != i and ctx.is_noun(j)
            for form in noun_forms(ctx.doc[j].text, ctx.cues.noun_endings, last_part=True) if form in entry.objects
        ]
        if not matched:
            return None
        event_type = matched[0]
    return Trigger(i, i + 1, event_type, nominal=False)


def _phrase_triggers(ctx: DocContext, lexicon: EventLexicon) -> list[Trigger]:
    found = []
    for phrase in lexicon.phrases:
        size = len(phrase.words)
        for i in range(len(ctx.doc) - size + 1):
            if all(ctx.lower(i + k) == word for k, word in enumerate(phrase.words)):
                found.append(Trigger(i, i + size, phrase.type, nominal=False, subject_role=phrase.subject_role))
    return found


def find_triggers(ctx: DocContext, lexicon: EventLexicon) -> list[Trigger]:
    """Every event trigger of the Doc, in text order (at most one per token).

    Nouns match the lexicon by compound suffix (``US-Luftangriffen`` → airstrike) and may be retyped
    by their light verb (``Angriffe fliegen`` → airstrike); verbs match by lemma with their separable
    particle (``lote ... aus``) and must meet the entry's conditions (``sich verständigen``). In a language
    whose nouns are lower case, nouns are found by their tag; without tags, every word is tried as a noun.
    """
    found = _phrase_triggers(ctx, lexicon)
    taken = {i for t in found for i in range(t.start, t.end)}
    # a pipeline without a tagger (Italian): any word may be a noun trigger; verbs cannot be told apart
    untagged = not lexicon.cues.nouns_capitalised and not ctx.doc.has_annotation("POS")
    for i, token in enumerate(ctx.doc):
        if i in taken or token.is_punct or token.is_space or _in_name(ctx, i):
            continue
        # German capitalises every noun: a lowercase "noun" there is a tagging error
        if untagged and token.is_alpha or ctx.is_noun(i) and (token.text[:1].isupper() or not lexicon.cues.nouns_capitalised):
            trigger = _noun_trigger(ctx, lexicon, i)
        elif ctx.is_verb(i):
            trigger = _verb_trigger(ctx, lexicon, i)
        else:
            trigger = None
        if trigger is not None:
            found.append(trigger)
    return sorted(found, key=lambda t: t.start)
