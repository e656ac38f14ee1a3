"""Event triggers: the nouns, verbs and fixed phrases that name an event, typed with the lexicon's typology."""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsgraph.extraction.context import Clause, DocContext
from newsgraph.extraction.lexicon import EventLexicon, Phrase, match_suffix
from newsgraph.resolve.normalize import fold_lower, noun_forms

_NAME_TYPES = frozenset({"PER", "ORG"})
_MINUTE = re.compile(r"^(\d{1,3})\.?(?:[/+].*)?$")  # "44.", "43./SH", "90.+2" in a scorer list's "(44.)"
_SCORE = re.compile(r"^\d{1,2}:\d{1,2}$")  # a result "2:3" starts the next match of a results table
_LIST_SPAN = 80  # tokens a scorer list may run after its label
_ADJECTIVE_ENDINGS = ("", "e", "en", "er", "es", "em")  # "geplant", "geplante", "geplanten" ...
_RESULT_REACH = 4  # tokens after a result in which "gegen" may stand, past the period scores "(1:0,2:1)"
_RESULT_SPAN = 12  # tokens before a list label in which its result line ("A – B 2:3 (1:0)") stands


@dataclass(frozen=True)
class Trigger:
    """A word (or phrase) that names an event.

    Attributes:
        start, end: Token range of the trigger.
        type: Event type (a key of the lexicon's ``types``).
        nominal: True for a noun trigger (``Luftangriffe``), False for a verb or phrase.
        subject_role: Role of the clause subject (``target`` for ``ums Leben kommen``).
        weak: An ambiguous word (the lexicon's ``needs_actor``): the event is kept only with a named actor.
        listed: One entry of a list (``Tore: Müller (12.), Alaba (55.)``): the trigger is the actor's name and
            the entry is an event of its own, never merged with its neighbours.
        sides: Tokens of the names a list entry's event involves besides its own (the two teams of the
            result line ``Norwegen – Schweden 2:3`` before ``Tore:``).
    """

    start: int
    end: int
    type: str
    nominal: bool
    subject_role: str = "agent"
    weak: bool = False
    listed: bool = False
    sides: tuple[int, ...] = ()


def _in_name(ctx: DocContext, i: int) -> bool:
    """True inside a person's or organisation's name (``Treffen`` never triggers inside a name)."""
    ref = ctx.entity_at(i)
    return ref is not None and ref.type in _NAME_TYPES and ref.end - ref.start > 1


def _noun_trigger(ctx: DocContext, lexicon: EventLexicon, i: int) -> Trigger | None:
    text = ctx.texts[i]
    whole = fold_lower(text).split("-")[-1]
    if whole in lexicon.exact_noun_triggers:
        return Trigger(i, i + 1, lexicon.exact_noun_triggers[whole], nominal=True, weak=whole in lexicon.needs_actor)
    key = match_suffix(text, lexicon.noun_triggers, ctx.cues.noun_endings)
    if key is None:
        return None
    forms = noun_forms(text, ctx.cues.noun_endings, last_part=True)
    if any(form.endswith(tuple(lexicon.noun_exclusions)) for form in forms):
        return None
    # only the bare word is ambiguous: "Wahl" may be a choice, "Landtagswahl" is an election
    weak = key in lexicon.needs_actor and key in forms
    event_type = lexicon.noun_triggers[key]
    overrides = lexicon.support.get(key, {})
    if overrides:
        clause = ctx.clause_at(i)
        for verb in clause.verbs:
            lemma = ctx.verb_lemma(verb)
            if lemma in overrides or ctx.lemma(verb) in overrides:
                event_type = overrides.get(lemma) or overrides[ctx.lemma(verb)]
    return Trigger(i, i + 1, event_type, nominal=True, weak=weak)


def _participle_trigger(ctx: DocContext, lexicon: EventLexicon, i: int) -> Trigger | None:
    """An attributive past participle that names an event: ``das geplante Museum``, ``die verhängten Sanktionen``."""
    low = ctx.lower(i)
    for ending in _ADJECTIVE_ENDINGS:
        stem = low[: len(low) - len(ending)] if ending else low
        if low.endswith(ending) and stem in lexicon.participle_triggers:
            return Trigger(i, i + 1, lexicon.participle_triggers[stem], nominal=False)
    return None


def _copula_with_predicate(ctx: DocContext, clause: Clause, i: int, predicates: tuple[str, ...]) -> bool:
    """True when the verb at ``i`` is its clause's only verb and a noun of the clause ends in a predicate."""
    if any(v != i for v in clause.verbs):
        return False
    return any(ctx.is_noun(j) and fold_lower(ctx.doc[j].text).endswith(predicates)
               for j in range(clause.start, clause.end) if j != i)


def _verb_trigger(ctx: DocContext, lexicon: EventLexicon, i: int) -> Trigger | None:
    lemma = ctx.verb_lemma(i)
    entry = lexicon.verb_triggers.get(lemma)
    if entry is None:
        lemma = ctx.lemma(i)
        entry = lexicon.verb_triggers.get(lemma)
    if entry is None:
        return None
    clause = ctx.clause_at(i)
    words = ctx.words(clause)
    if entry.requires_any and not entry.requires_any & words or entry.excludes_any & words:
        return None
    if entry.predicates and not _copula_with_predicate(ctx, clause, i, entry.predicates):
        return None
    event_type = entry.type
    if entry.contexts:
        event_type = next((t for word, t in entry.contexts.items() if word in words), event_type)
    if entry.objects:
        matched = [
            entry.objects[form] for j in range(clause.start, clause.end) if j != i and ctx.is_noun(j)
            for form in noun_forms(ctx.doc[j].text, ctx.cues.noun_endings, last_part=True) if form in entry.objects
        ]
        if not matched:
            return None
        event_type = matched[0]
    return Trigger(i, i + 1, event_type, nominal=False, weak=lemma in lexicon.needs_actor)


def _phrases_by_first_word(lexicon: EventLexicon) -> dict[str, list[Phrase]]:
    known = _PHRASE_INDEX.get(id(lexicon))
    if known is None or known[0] is not lexicon:
        index: dict[str, list[Phrase]] = {}
        for phrase in lexicon.phrases:
            index.setdefault(phrase.words[0], []).append(phrase)
        known = _PHRASE_INDEX[id(lexicon)] = (lexicon, index)
    return known[1]


_PHRASE_INDEX: dict[int, tuple[EventLexicon, dict[str, list[Phrase]]]] = {}


def _phrase_verb_role(ctx: DocContext, phrase: Phrase, i: int) -> str | None:
    """The subject's role for a phrase at ``i``: its own, or the one its clause verb gives; None when the
    phrase needs a verb its clause lacks."""
    if not phrase.verbs:
        return phrase.subject_role
    clause = ctx.clause_at(i)
    for verb in clause.verbs:
        role = phrase.verbs.get(ctx.verb_lemma(verb)) or phrase.verbs.get(ctx.lemma(verb))
        if role is not None:
            return role
    return None


def _phrase_triggers(ctx: DocContext, lexicon: EventLexicon) -> tuple[list[Trigger], set[int]]:
    """Phrase triggers and the tokens phrases take (blocking phrases take their words without a trigger)."""
    index = _phrases_by_first_word(lexicon)
    found: list[Trigger] = []
    taken: set[int] = set()
    for i in range(len(ctx.doc)):
        for phrase in index.get(ctx.lower(i), ()):
            size = len(phrase.words)
            if i in taken or i + size > len(ctx.doc):
                continue
            if not all(ctx.lower(i + k) == word for k, word in enumerate(phrase.words)):
                continue
            role = _phrase_verb_role(ctx, phrase, i)
            if role is None:
                continue
            taken.update(range(i, i + size))
            if phrase.type is not None:
                found.append(Trigger(i, i + size, phrase.type, nominal=False, subject_role=role))
    return found, taken


def _is_minute(ctx: DocContext, i: int) -> bool:
    """``(`` + a match minute at ``i``: ``(44.)``, ``(43./SH)``, ``(90.+2)``."""
    if ctx.doc[i].text != "(" or i + 1 >= len(ctx.doc):
        return False
    minute = _MINUTE.match(ctx.doc[i + 1].text)
    return minute is not None and int(minute.group(1)) <= 130


def _result_sides(ctx: DocContext, label: int) -> tuple[int, ...]:
    """The first tokens of the names on the result line before a scorer list (``Norwegen – Schweden 2:3``)."""
    doc = ctx.doc
    score = next((k for k in range(label - 1, max(-1, label - _RESULT_SPAN), -1) if _SCORE.match(doc[k].text)), None)
    if score is None:
        return ()
    sides: list[int] = []
    for k in range(max(0, score - _RESULT_SPAN), score):
        ref = ctx.entity_at(k)
        if ref is not None and ref.start == k:
            sides.append(k)
    return tuple(sides[-2:])


def _score_list_triggers(ctx: DocContext, lexicon: EventLexicon) -> list[Trigger]:
    """One event per entry of a sport report's scorer list: ``Tore: Rosseli (44.), Martinsen (59.)``.

    The list runs from its label and colon to the next result (``2:3``), the next label or ``_LIST_SPAN``
    tokens; an entry is a capitalised name directly before a minute in brackets.
    """
    found: list[Trigger] = []
    doc = ctx.doc
    i = 0
    while i < len(doc) - 1:
        event_type = lexicon.score_lists.get(ctx.lower(i))
        if event_type is None or ctx.texts[i + 1] != ":":
            i += 1
            continue
        sides = _result_sides(ctx, i)
        j = i + 2
        while j < min(len(doc) - 1, i + 2 + _LIST_SPAN):
            if _SCORE.match(ctx.texts[j]) or ctx.lower(j) in lexicon.score_lists and ctx.texts[j + 1] == ":":
                break
            if ctx.texts[j][:1].isupper() and doc[j].is_alpha and _is_minute(ctx, j + 1):
                found.append(Trigger(j, j + 1, event_type, nominal=False, listed=True, sides=sides))
            j += 1
        i = j
    return found


def _result_triggers(ctx: DocContext, lexicon: EventLexicon) -> list[Trigger]:
    """A match result followed by its opponent: ``mit dem knappen 3:2 gegen Norwegen`` → match."""
    doc = ctx.doc
    return [
        Trigger(i, i + 1, "match", nominal=False)
        for i in range(len(doc) - 1)
        if _SCORE.match(ctx.texts[i])
        and any(ctx.lower(k) in lexicon.result_followers for k in range(i + 1, min(len(doc), i + 1 + _RESULT_REACH)))
    ]


def find_triggers(ctx: DocContext, lexicon: EventLexicon) -> list[Trigger]:
    """Every event trigger of the Doc, in text order (at most one per token).

    Nouns match the lexicon by compound suffix (``US-Luftangriffen`` → airstrike) and may be retyped
    by their light verb (``Angriffe fliegen`` → airstrike); verbs match by lemma with their separable
    particle (``lote ... aus``) and must meet the entry's conditions (``sich verständigen``). In a language
    whose nouns are lower case, nouns are found by their tag; without tags, every word is tried as a noun.
    """
    found, taken = _phrase_triggers(ctx, lexicon)
    if lexicon.result_followers:
        results = _result_triggers(ctx, lexicon)
        found += results
        taken.update(t.start for t in results)
    if lexicon.score_lists:
        listed = _score_list_triggers(ctx, lexicon)
        found += listed
        taken.update(t.start for t in listed)
        # the label itself ("Tore:") heads the list, it is no event of its own
        taken.update(i for i in range(len(ctx.doc) - 1)
                     if ctx.lower(i) in lexicon.score_lists and ctx.texts[i + 1] == ":")
    # a pipeline without a tagger (Italian): any word may be a noun trigger; verbs cannot be told apart
    untagged = not lexicon.cues.nouns_capitalised and not ctx.doc.has_annotation("POS")
    doc, texts = ctx.doc, ctx.texts  # a Token object only for the words that get that far
    for i in range(len(doc)):
        if i in taken or ctx.is_punct(i) or ctx.is_space(i) or _in_name(ctx, i):
            continue
        # German capitalises every noun: a lowercase "noun" there is a tagging error
        if untagged and doc[i].is_alpha or ctx.is_noun(i) and (texts[i][:1].isupper() or not lexicon.cues.nouns_capitalised):
            trigger = _noun_trigger(ctx, lexicon, i)
        elif ctx.is_verb(i):
            # English and French tag an attributive participle as a verb ("the planned bridge")
            attributive = doc[i].dep_ == "amod" and _participle_trigger(ctx, lexicon, i) or None
            trigger = attributive or _verb_trigger(ctx, lexicon, i)
        elif lexicon.participle_triggers and doc[i].pos_ == "ADJ":
            trigger = _participle_trigger(ctx, lexicon, i)
        else:
            trigger = None
        if trigger is not None:
            found.append(trigger)
    return sorted(found, key=lambda t: t.start)
