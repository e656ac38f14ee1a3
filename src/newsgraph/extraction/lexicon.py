"""Versioned word lists of the relation and event extractors, read from package data (``cues``, ``events``, ``relations``)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from newsgraph.errors import ConfigError
from newsgraph.resolve.normalize import fold_lower, noun_form_tuple

LEXICON_VERSION = "v2"
BASE_LANG = "de"
"""The language of the unsuffixed lexicon files (``cues.v2.json``); others are ``cues.<lang>.v2.json``."""


def _words(values: Iterable[str]) -> frozenset[str]:
    return frozenset(fold_lower(v) for v in values)


def match_suffix(word: str, table: Mapping[str, str] | frozenset[str], endings: tuple[str, ...]) -> str | None:
    """The longest entry of ``table`` that a form of ``word`` ends with, or None (cached for word sets).

    Args:
        word: The word as written; only its part after the last hyphen is matched.
        table: Folded lowercase word ends.
        endings: Inflection endings (``Cues.noun_endings``), see :func:`~newsgraph.resolve.normalize.noun_forms`.

    Example:
        >>> match_suffix("US-Luftangriffen", frozenset({"angriff", "luftangriff"}), ("", "n", "en"))
        'luftangriff'
    """
    if isinstance(table, frozenset):
        return _match_suffix_in_set(word, table, endings)
    return _match_suffix(word, table, endings)


@lru_cache(maxsize=1 << 16)  # the same nouns are tested against the same word sets over and over
def _match_suffix_in_set(word: str, table: frozenset[str], endings: tuple[str, ...]) -> str | None:
    return _match_suffix(word, table, endings)


@lru_cache(maxsize=256)
def _longest_in_set(table: frozenset[str]) -> int:
    return max(map(len, table), default=0)


# id(table) → (table, length of its longest entry); the table is kept so its id is not reused
_LONGEST_IN_MAPPING: dict[int, tuple[Mapping[str, str], int]] = {}


def _longest(table: Mapping[str, str] | frozenset[str]) -> int:
    """Length of the longest entry (computed once per table: the tables are the lexicons' fixed word lists)."""
    if isinstance(table, frozenset):
        return _longest_in_set(table)
    known = _LONGEST_IN_MAPPING.get(id(table))
    if known is None or known[0] is not table:
        if len(_LONGEST_IN_MAPPING) >= 256:
            _LONGEST_IN_MAPPING.clear()
        known = _LONGEST_IN_MAPPING[id(table)] = (table, max(map(len, table), default=0))
    return known[1]


def _match_suffix(word: str, table: Mapping[str, str] | frozenset[str], endings: tuple[str, ...]) -> str | None:
    # tails longer than the longest entry cannot match: without this bound a long token costs the square of
    # its length (every tail is sliced off), 95 s for one 300 KB token
    longest = _longest(table)
    best: str | None = None
    for form in noun_form_tuple(word, endings, last_part=True):
        if longest <= _TAIL_CAP:  # always, with the shipped lists
            found = tuple(filter(table.__contains__, _tails(form)))
            tail = found[0] if found else None  # the longest: the tails run longest first
        else:
            tail = next((form[-size:] for size in range(min(len(form), longest), 2, -1) if form[-size:] in table), None)
        if tail is not None and (best is None or len(tail) > len(best)):
            best = tail
    return best


_TAIL_CAP = 64


@lru_cache(maxsize=1 << 14)  # ~ 12 MB when full
def _tails(form: str) -> tuple[str, ...]:
    """The ends of ``form`` of three up to ``_TAIL_CAP`` characters, longest first: cut once per word and
    filtered against each word list in C, instead of a slice and a lookup per length and list."""
    return tuple(form[-size:] for size in range(min(len(form), _TAIL_CAP), 2, -1))


@dataclass(frozen=True)
class TimeWords:
    """Words of time expressions (see the ``time`` block of ``cues.v2.json``)."""

    weekdays: tuple[str, ...] = ()
    weekday_aliases: Mapping[str, str] = field(default_factory=dict)
    day_parts: tuple[str, ...] = ()
    months: tuple[str, ...] = ()
    month_aliases: Mapping[str, str] = field(default_factory=dict)
    relative_days: Mapping[str, int] = field(default_factory=dict)
    units: Mapping[str, str] = field(default_factory=dict)
    past_modifiers: frozenset[str] = frozenset()
    future_modifiers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Cues:
    """Grammar cues shared by both extractors (all entries folded, lowercase)."""

    speech_verbs: frozenset[str] = frozenset()
    speech_frames: tuple[tuple[str, ...], ...] = ()
    subjunctive_i: frozenset[str] = frozenset()
    subjunctive_ii: frozenset[str] = frozenset()
    future_auxiliaries: frozenset[str] = frozenset()
    negations: frozenset[str] = frozenset()
    negation_determiners: frozenset[str] = frozenset()
    negation_exceptions: frozenset[str] = frozenset()
    """Words after a negation that make it no negation of the event (``nicht nur``, ``nicht zuletzt``)."""
    negation_degree_words: frozenset[str] = frozenset()
    """Words between a negation and the adjective it negates (``nicht mehr benötigte Objekte``)."""
    scope_barriers: frozenset[str] = frozenset()
    """Openers of subordinate clauses whose modality is their own (``weil``, ``obwohl``)."""
    conditional_modals: frozenset[str] = frozenset()
    """Konjunktiv II modals that open a condition when verb-first (``sollte er ...``), not a hypothesis."""
    weak_subordinators: frozenset[str] = frozenset()
    """Subordinators that also join phrases (``als``, ``wie``): they open no subordinate clause by themselves."""
    infinitive_openers: frozenset[str] = frozenset()
    """Openers of purpose infinitive clauses (``um ... zu``)."""
    fear: frozenset[str] = frozenset()
    fear_with_preposition: Mapping[str, str] = field(default_factory=dict)
    intention: frozenset[str] = frozenset()
    consideration: frozenset[str] = frozenset()
    conditional_openers: frozenset[str] = frozenset()
    reportive_markers: frozenset[str] = frozenset()
    subordinators: frozenset[str] = frozenset()
    relative_pronouns: frozenset[str] = frozenset()
    particles: frozenset[str] = frozenset()
    prepositions: frozenset[str] = frozenset()
    determiners: frozenset[str] = frozenset()
    definite_determiners: frozenset[str] = frozenset()
    genitive_determiners: frozenset[str] = frozenset()
    coordinators: frozenset[str] = frozenset()
    person_pronouns: frozenset[str] = frozenset()
    reflexives: frozenset[str] = frozenset()
    number_words: Mapping[str, int] = field(default_factory=dict)
    quote_pairs: tuple[tuple[str, str], ...] = ()
    time: TimeWords = field(default_factory=TimeWords)
    np_coordinators: frozenset[str] = frozenset()
    """Words that join coordinated names (``A, B und C``)."""
    subject_pronouns: frozenset[str] = frozenset()
    """Pronouns that can be a clause's subject right before or after its finite verb (``man wähle``)."""
    person_subject_pronouns: frozenset[str] = frozenset()
    """Subject pronouns that refer back to the last person named (``er``)."""
    person_object_pronouns: frozenset[str] = frozenset()
    """Object pronouns that refer back to the last person named (``ihn``, ``ihm``)."""
    np_boundaries: frozenset[str] = frozenset()
    """Prepositions that end the walk left from a name instead of attaching it (``als``, ``bis``)."""
    infinitive_markers: frozenset[str] = frozenset()
    """The particle of an infinitive (``zu``): a preposition only when no infinitive follows."""
    noun_endings: tuple[str, ...] = ()
    """Inflection endings a noun may carry over a word-list entry, in the order the forms are tried."""
    nouns_capitalised: bool = True
    """German capitalises every noun, so a noun trigger must be capitalised; English, French and Italian do not."""
    complementizers: frozenset[str] = frozenset({"dass"})
    """Words that open the clause a speech verb reports (``dass``, ``that``, ``que``, ``che``)."""
    speech_clitics: frozenset[str] = frozenset()
    """Clitic subject pronouns between an auxiliary and a speech verb (``a-t-il affirmé``)."""
    neuter_pronouns: frozenset[str] = frozenset()
    """Pronouns a statement's organisation or state is named by (``…, it added``)."""
    subject_before_speech_verb: bool = False
    """``…, Ford said``: the speaker may stand before the speech verb that closes a quote (English)."""
    null_subject: bool = False
    """A speech verb may have no subject at all (``…», ha affermato``): the last person named is the speaker."""


@dataclass(frozen=True)
class EventType:
    """One event type of the typology and its CAMEO/PLOVER/ACE 2005 mapping."""

    name: str
    cameo: str | None
    cameo_label: str | None
    plover: str | None
    ace: str | None = None
    genitive: str = "agent"
    prefix: str = "agent"
    symmetric: bool = False
    needs_target: bool = False
    description: str = ""
    modality: str | None = None
    """The modality an event of this type has when no cue says otherwise (a plan is ``intended``)."""


@dataclass(frozen=True)
class VerbTrigger:
    """A verb that signals an event, with its conditions (see ``events.v2.json``)."""

    type: str
    requires_any: frozenset[str] = frozenset()
    objects: Mapping[str, str] = field(default_factory=dict)
    excludes_any: frozenset[str] = frozenset()
    """Words none of which may stand in the clause (``Verantwortung übernehmen`` is no takeover)."""
    contexts: Mapping[str, str] = field(default_factory=dict)
    """Clause word → type that retypes the verb, which keeps its own type otherwise (``zu Haft verurteilen``)."""
    predicates: tuple[str, ...] = ()
    """A copula's trigger: the verb must be its clause's only verb and a noun of the clause must end in one of
    these (``wurde Bundesgeschäftsführerin``, ``wird neuer Trainer``; not the passive ``wurde vom Minister
    kritisiert``)."""


@dataclass(frozen=True)
class Phrase:
    """A fixed word sequence that signals an event (``ums Leben`` kommen), or blocks its words (type None:
    ``in Kauf nehmen`` is no purchase)."""

    words: tuple[str, ...]
    type: str | None
    subject_role: str = "agent"
    verbs: Mapping[str, str] = field(default_factory=dict)
    """When given, a verb of the clause must be one of these lemmas; it sets the subject's role
    (``in Haft nehmen``: agent, ``in Haft kommen``: target)."""


@dataclass(frozen=True)
class EventLexicon:
    """Everything the event extractor reads: typology, triggers, argument cues and the shared cues."""

    version: str
    types: Mapping[str, EventType]
    noun_triggers: Mapping[str, str]
    noun_exclusions: frozenset[str]
    verb_triggers: Mapping[str, VerbTrigger]
    phrases: tuple[Phrase, ...]
    support: Mapping[str, Mapping[str, str]]
    support_verbs: Mapping[str, str]
    situational_prepositions: frozenset[str]
    preposition_roles: Mapping[str, str]
    location_prepositions: frozenset[str]
    support_prepositions: Mapping[str, str]
    cues: Cues
    lang: str = BASE_LANG
    anaphoric_adverbs: frozenset[str] = frozenset()
    """Adverbs that place an event in the previous one (``Dabei kamen 49 Menschen ums Leben``)."""
    place_classifiers: frozenset[str] = frozenset()
    """Nouns that classify a place name (``der Stadt Kobane``) or refer back to one (``die Stadt``)."""
    person_roles: frozenset[str] = frozenset()
    """Nouns for a person's office (``Minister``, ``Kanzlerin``): as a definite subject (``der Minister``) they
    refer back to the person just named."""
    np_coordinators: frozenset[str] = frozenset()
    """Conjunctions that join names inside a noun phrase (``und``, ``sowie``)."""
    elaboration_words: frozenset[str] = frozenset()
    """Words that introduce members of a group named before (``darunter``, ``etwa``)."""
    exact_noun_triggers: Mapping[str, str] = field(default_factory=dict)
    """Whole nouns (not compound ends) that are triggers: ``Tor`` but not ``Direktor``."""
    needs_actor: frozenset[str] = frozenset()
    """Ambiguous trigger words (a bare noun or a verb lemma) kept only with a named actor (``Wahl``, ``spielen``)."""
    participle_triggers: Mapping[str, str] = field(default_factory=dict)
    """Past participles that name an event when used as adjectives (``der geplante Bau``, ``die verhängten
    Sanktionen``), uninflected → type."""
    result_followers: frozenset[str] = frozenset()
    """Words after a match result that make it a match of its own (``beim 5:0 gegen die Slowakei``)."""
    score_lists: Mapping[str, str] = field(default_factory=dict)
    """Labels of a sport report's scorer list (``Tore: Müller (12.), Alaba (55.)``) → the type of each entry."""
    possessive_prepositions: frozenset[str] = frozenset()
    """Prepositions that mark a noun's possessor (``die Vorwürfe von Greenpeace``): after a verb trigger's object
    noun they name the act's target (``wies die Vorwürfe von Greenpeace zurück``)."""


@dataclass(frozen=True)
class RelationLexicon:
    """Everything the relation extractor reads: cue words per relation type and the shared cues."""

    version: str
    cues: Cues
    lang: str = BASE_LANG
    ally_nouns: frozenset[str] = frozenset()
    ally_adjectives: frozenset[str] = frozenset()
    opponent_nouns: frozenset[str] = frozenset()
    fight_nouns: frozenset[str] = frozenset()
    fight_verbs: frozenset[str] = frozenset()
    control_nouns: frozenset[str] = frozenset()
    control_support_verbs: frozenset[str] = frozenset()
    control_verbs: frozenset[str] = frozenset()
    supply_verbs: frozenset[str] = frozenset()
    supply_objects: frozenset[str] = frozenset()
    supply_nouns: frozenset[str] = frozenset()
    cooperation_verbs: frozenset[str] = frozenset()
    cooperation_nouns: frozenset[str] = frozenset()
    support_nouns: frozenset[str] = frozenset()
    supporter_nouns: frozenset[str] = frozenset()
    member_nouns: frozenset[str] = frozenset()
    member_verbs: frozenset[str] = frozenset()
    participation_verbs: frozenset[str] = frozenset()
    campaign_nouns: frozenset[str] = frozenset()
    coalition_nouns: frozenset[str] = frozenset()
    part_nouns: frozenset[str] = frozenset()
    place_classifiers: frozenset[str] = frozenset()
    capital_nouns: frozenset[str] = frozenset()
    state_roles: frozenset[str] = frozenset()
    located_prepositions: frozenset[str] = frozenset()
    non_located_types: frozenset[str] = frozenset()
    copulas: frozenset[str] = frozenset()
    demand_verbs: frozenset[str] = frozenset()
    leader_roles: frozenset[str] = frozenset()
    member_roles: frozenset[str] = frozenset()
    affiliation_roles: frozenset[str] = frozenset()
    party_roles: frozenset[str] = frozenset()
    origin_nouns: frozenset[str] = frozenset()
    origin_prepositions: frozenset[str] = frozenset()
    membership_prepositions: frozenset[str] = frozenset()
    role_prepositions: frozenset[str] = frozenset()
    state_institutions: frozenset[str] = frozenset()
    state_owned_prefixes: frozenset[str] = frozenset()
    demonym_noun_endings: tuple[str, ...] = ()
    """Endings of a demonym noun over its adjective's stem (``Australier`` → ``australi``), longest first."""
    demonym_adjective_suffixes: tuple[str, ...] = ()
    """What the stem of a demonym noun takes to form its adjective (``australi`` + ``sch``)."""
    of_prepositions: frozenset[str] = frozenset()
    against_prepositions: frozenset[str] = frozenset()
    campaign_prepositions: frozenset[str] = frozenset()
    recipient_prepositions: frozenset[str] = frozenset()
    participation_prepositions: frozenset[str] = frozenset()
    partner_prepositions: frozenset[str] = frozenset()
    between_prepositions: frozenset[str] = frozenset()
    backing_prepositions: frozenset[str] = frozenset()
    collective_words: frozenset[str] = frozenset()
    event_relations: Mapping[str, str] = field(default_factory=dict)
    """PLOVER category of an event type → the relation its agent has to its target (``ACCUSE`` → opposes)."""


def lexicon_file(stem: str, version: str, lang: str = BASE_LANG) -> str:
    """File name of a lexicon: ``relations.v2.json`` (German), ``relations.en.v2.json`` (other languages)."""
    return f"{stem}.{version}.json" if lang == BASE_LANG else f"{stem}.{lang}.{version}.json"


def _read(stem: str, version: str, lang: str = BASE_LANG) -> dict[str, Any]:
    name = lexicon_file(stem, version, lang)
    try:
        text = resources.files("newsgraph.data").joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise ConfigError(
            f"no lexicon {name} ships with newsgraph; use a version that exists in newsgraph/data "
            f"(e.g. {LEXICON_VERSION!r}) or add the file"
        ) from e
    try:
        data: dict[str, Any] = json.loads(text)
    except json.JSONDecodeError as e:
        raise ConfigError(f"lexicon {name} is not valid JSON: {e}; fix the file") from e
    return data


def _time_words(raw: Mapping[str, Any]) -> TimeWords:
    return TimeWords(
        weekdays=tuple(fold_lower(w) for w in raw.get("weekdays", [])),
        weekday_aliases={fold_lower(k): fold_lower(v) for k, v in raw.get("weekday_aliases", {}).items()},
        day_parts=tuple(fold_lower(w) for w in raw.get("day_parts", [])),
        months=tuple(fold_lower(w) for w in raw.get("months", [])),
        month_aliases={fold_lower(k): fold_lower(v) for k, v in raw.get("month_aliases", {}).items()},
        relative_days={fold_lower(k): int(v) for k, v in raw.get("relative_days", {}).items()},
        units={fold_lower(k): v for k, v in raw.get("units", {}).items()},
        past_modifiers=_words(raw.get("past_modifiers", [])),
        future_modifiers=_words(raw.get("future_modifiers", [])),
    )


def load_cues(version: str = LEXICON_VERSION, lang: str = BASE_LANG) -> Cues:
    """Load (once per process) the shared grammar cues of ``version`` for ``lang`` (German by default).

    Raises:
        ConfigError: the file is missing or malformed.
    """
    return _load_cues(version, lang)


INHERITED_CUES = ("np_coordinators", "subject_pronouns", "person_subject_pronouns", "person_object_pronouns",
                  "np_boundaries", "infinitive_markers")
"""Grammar cues that moved from code into the files: a language's file that does not list them yet keeps the
German words that its texts ran through before."""


@lru_cache(maxsize=8)
def _load_cues(version: str, lang: str) -> Cues:
    raw = _read("cues", version, lang)
    if lang != BASE_LANG:
        base = _read("cues", version)
        raw = {**{k: base[k] for k in INHERITED_CUES if k in base}, **raw}
    lists = {k: _words(v) for k, v in raw.items()
             if isinstance(v, list) and k not in ("speech_frames", "quote_pairs", "noun_endings")}
    known = set(Cues.__dataclass_fields__)
    return Cues(
        **{k: v for k, v in lists.items() if k in known},
        speech_frames=tuple(tuple(fold_lower(w) for w in frame) for frame in raw.get("speech_frames", [])),
        fear_with_preposition={fold_lower(k): v for k, v in raw.get("fear_with_preposition", {}).items()},
        number_words={fold_lower(k): int(v) for k, v in raw.get("number_words", {}).items()},
        quote_pairs=tuple((a, b) for a, b in raw.get("quote_pairs", [])),
        noun_endings=tuple(fold_lower(e) for e in raw.get("noun_endings", [])),
        time=_time_words(raw.get("time", {})),
        nouns_capitalised=bool(raw.get("nouns_capitalised", True)),
        subject_before_speech_verb=bool(raw.get("subject_before_speech_verb", False)),
        null_subject=bool(raw.get("null_subject", False)),
    )


def load_event_lexicon(version: str = LEXICON_VERSION, lang: str = BASE_LANG) -> EventLexicon:
    """Load (once per process) the event typology and triggers of ``version`` for ``lang`` with the shared cues.

    The typology (``types``) is the same in every language: a language's file may leave it out and
    inherits the German one.

    Raises:
        ConfigError: a file is missing or malformed, or a trigger names an unknown type.
    """
    return _load_event_lexicon(version, lang)


@lru_cache(maxsize=8)
def _load_event_lexicon(version: str, lang: str) -> EventLexicon:
    raw = _read("events", version, lang)
    if "types" not in raw:
        raw = {**raw, "types": _read("events", version)["types"]}
    types = {
        name: EventType(
            name=name, cameo=spec.get("cameo"), cameo_label=spec.get("cameo_label"), plover=spec.get("plover"),
            ace=spec.get("ace"), genitive=spec.get("genitive", "agent"), prefix=spec.get("prefix", spec.get("genitive", "agent")),
            symmetric=bool(spec.get("symmetric", False)), needs_target=bool(spec.get("needs_target", False)),
            description=spec.get("description", ""), modality=spec.get("modality"),
        )
        for name, spec in raw["types"].items()
    }
    verbs = {
        fold_lower(lemma): VerbTrigger(
            type=spec["type"], requires_any=_words(spec.get("requires_any", [])),
            objects={fold_lower(k): v for k, v in spec.get("objects", {}).items()},
            excludes_any=_words(spec.get("excludes_any", [])),
            contexts={fold_lower(k): v for k, v in spec.get("contexts", {}).items()},
            predicates=tuple(fold_lower(w) for w in spec.get("predicates", [])),
        )
        for lemma, spec in raw.get("verb_triggers", {}).items()
    }
    nouns = {fold_lower(k): v for k, v in raw.get("noun_triggers", {}).items()}
    phrases = tuple(
        Phrase(words=tuple(fold_lower(w) for w in p["words"]), type=p["type"], subject_role=p.get("subject_role", "agent"),
               verbs={fold_lower(k): v for k, v in p.get("verbs", {}).items()})
        for p in raw.get("phrases", [])
    )
    exact = {fold_lower(k): v for k, v in raw.get("exact_noun_triggers", {}).items()}
    support = {fold_lower(k): {fold_lower(v): t for v, t in m.items()} for k, m in raw.get("support", {}).items()}
    used = set(nouns.values()) | set(exact.values()) | {v.type for v in verbs.values()}
    used |= {p.type for p in phrases if p.type is not None}
    used |= {t for v in verbs.values() for t in (*v.objects.values(), *v.contexts.values())}
    used |= {t for m in support.values() for t in m.values()}
    score_lists = {fold_lower(k): v for k, v in raw.get("score_lists", {}).items()}
    participles = {fold_lower(k): v for k, v in raw.get("participle_triggers", {}).items()}
    used |= set(participles.values())
    used |= set(score_lists.values())
    unknown = sorted(used - set(types))
    if unknown:
        raise ConfigError(f"{lexicon_file('events', version, lang)} uses event types missing from 'types': {unknown}; add them")
    return EventLexicon(
        version=version, types=types, noun_triggers=nouns, noun_exclusions=_words(raw.get("noun_exclusions", [])),
        verb_triggers=verbs, phrases=phrases, support=support,
        support_verbs={fold_lower(k): v for k, v in raw.get("support_verbs", {}).items()},
        situational_prepositions=_words(raw.get("situational_prepositions", [])),
        preposition_roles={fold_lower(k): v for k, v in raw.get("preposition_roles", {}).items()},
        location_prepositions=_words(raw.get("location_prepositions", [])),
        support_prepositions={fold_lower(k): v for k, v in raw.get("support_prepositions", {}).items()},
        lang=lang,
        cues=load_cues(version, lang),
        anaphoric_adverbs=_words(raw.get("anaphoric_adverbs", [])),
        place_classifiers=_words(raw.get("place_classifiers", [])),
        person_roles=_words(raw.get("person_roles", [])),
        np_coordinators=_words(raw.get("np_coordinators", [])),
        elaboration_words=_words(raw.get("elaboration_words", [])),
        exact_noun_triggers=exact,
        needs_actor=_words(raw.get("needs_actor", [])),
        score_lists=score_lists,
        participle_triggers=participles,
        result_followers=_words(raw.get("result_followers", [])),
        possessive_prepositions=_words(raw.get("possessive_prepositions", [])),
    )


def load_relation_lexicon(version: str = LEXICON_VERSION, lang: str = BASE_LANG) -> RelationLexicon:
    """Load (once per process) the relation cue words of ``version`` for ``lang`` with the shared cues.

    Raises:
        ConfigError: a file is missing or malformed.
    """
    return _load_relation_lexicon(version, lang)


INHERITED_RELATION_WORDS = (
    "of_prepositions", "against_prepositions", "campaign_prepositions", "recipient_prepositions",
    "participation_prepositions", "partner_prepositions", "between_prepositions", "backing_prepositions",
    "collective_words",
)
"""Relation words that moved from code into the files: a language's file that does not list them yet keeps the
German words its texts ran through before."""
LANGUAGE_INDEPENDENT_RELATION_KEYS = ("event_relations",)
"""Keys that name no words (PLOVER category → relation type): every language takes the German file's."""


@lru_cache(maxsize=8)
def _load_relation_lexicon(version: str, lang: str) -> RelationLexicon:
    raw = _read("relations", version, lang)
    if lang != BASE_LANG:
        base = _read("relations", version)
        raw = {**{k: base[k] for k in INHERITED_RELATION_WORDS + LANGUAGE_INDEPENDENT_RELATION_KEYS if k in base},
               **raw}
    known = set(RelationLexicon.__dataclass_fields__)
    words = {k: _words(v) for k, v in raw.items() if isinstance(v, list) and k in known}
    # Type names are upper case in the records; keep them as written.
    words["non_located_types"] = frozenset(raw.get("non_located_types", []))
    event_relations = {str(k).upper(): str(v) for k, v in raw.get("event_relations", {}).items()}
    ordered = ("demonym_noun_endings", "demonym_adjective_suffixes")  # tried in the order written
    for key in ordered:
        words.pop(key, None)
    return RelationLexicon(
        version=version, cues=load_cues(version, lang), lang=lang, event_relations=event_relations,
        demonym_noun_endings=tuple(fold_lower(w) for w in raw.get(ordered[0], [])),
        demonym_adjective_suffixes=tuple(fold_lower(w) for w in raw.get(ordered[1], [])), **words,
    )
