"""Event arguments: who did what to whom and where, read off the trigger's NP and its clause.

Noun triggers take the names inside their NP: a hyphen prefix or demonym (``US-Luftangriffe``,
``russische Luftangriffe``), a genitive (``Vormarsch des IS``) and a chain of PPs (``gegen den IS``,
``in der Stadt Kobane``, ``mit ... Militärchefs der Koalition``). When a noun is the object of a light
verb (``Luftschläge ausführen``, ``Treffen leiten``) or the place of the clause (``bei einem Treffen``), the
clause's subject joins in. Verb triggers take the clause: subject (passive: ``von X``), objects, PPs.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsgraph.extraction.context import Attachment, Clause, DocContext, MentionRef, is_state
from newsgraph.extraction.lexicon import EventLexicon, match_suffix
from newsgraph.extraction.phrases import attachment, coordinated, np_after, objects, prefixed_nouns, subjects
from newsgraph.extraction.triggers import Trigger

_ANAPHOR_WINDOW = 8  # sentence pieces back to look for the place "die Stadt" refers to
# parser labels of a passive clause (English ClearNLP and French/Universal Dependencies schemes); the German
# TIGER scheme has none, its passive is read off the auxiliary (DocContext.is_passive). A passive subject
# label alone is no evidence: the German UD parse gives it to active subjects (``Staatssekretär Mahrer
# schlägt ... vor``); a passive has its auxiliary or agent.
_PASSIVE_DEPS = frozenset({"auxpass", "aux:pass", "obl:agent"})
# the role a preposition_roles entry gives a genitive preposition (``arrest of X``): the event type's genitive
# role after a noun trigger, nothing in the clause
_GENITIVE = "genitive"
_SUBJECT_DEPS = frozenset({"sb", "nsubj", "nsubj:pass", "nsubjpass"})  # TIGER, UD and ClearNLP subject labels
_ROLE_WINDOW = 6  # sentence pieces "der Minister" may look back for the minister's name


@dataclass(frozen=True)
class Arg:
    """An argument before it becomes an EventArgument: a role and the mention that fills it."""

    role: str
    ref: MentionRef


def _prefix_args(ctx: DocContext, lexicon: EventLexicon, trigger: Trigger, clause: Clause) -> list[Arg]:
    """``US-Luftangriffe`` and ``russische Luftangriffe``: the state named inside or before the noun."""
    role = lexicon.types[trigger.type].prefix
    found = [Arg(role, ref) for ref in ctx.inner_entities(trigger.start)]
    j = trigger.start - 1
    while j >= clause.start and (not ctx.texts[j][:1].isupper() or ctx.doc[j].pos_ == "ADJ"):
        ref = ctx.innermost_at(j)
        if ref is not None and not ctx.texts[j][:1].isupper() and ref.end - ref.start == 1:
            found.append(Arg(role, ref))
        if ctx.lower(j) in ctx.cues.determiners or ctx.is_number(j) is not None:
            break
        j -= 1
    return found


def noun_chain(ctx: DocContext, lexicon: EventLexicon, trigger: Trigger, clause: Clause) -> list[Arg]:
    """Arguments inside the NP of a noun trigger: prefix, demonym, genitive and the PPs after it."""
    found = _prefix_args(ctx, lexicon, trigger, clause)
    role: str | None = lexicon.types[trigger.type].genitive
    i = trigger.end
    while i < clause.end:
        low = ctx.lower(i)
        token = ctx.doc[i]
        if low in ctx.cues.prepositions and token.pos_ not in ("NOUN", "PROPN", "VERB"):
            ref, stop = np_after(ctx, i + 1, clause.end, lexicon.place_classifiers)
            place = ref is not None and ref.is_place and low in lexicon.location_prepositions
            role = "location" if place else lexicon.preposition_roles.get(low)
            if role == _GENITIVE:
                role = lexicon.types[trigger.type].genitive
            if ref is None:
                i = max(stop, i + 1)
                continue
        elif low in ctx.cues.genitive_determiners or (i == trigger.end and ctx.mention_starting(i)):
            ref, stop = np_after(ctx, i, clause.end, lexicon.place_classifiers)
            if ref is None:
                i = max(stop, i + 1)
                continue
        elif low in lexicon.np_coordinators and found and found[-1].ref.end == i:
            ref, stop = np_after(ctx, i + 1, clause.end, lexicon.place_classifiers)
            if ref is None:
                break
            role = found[-1].role
        elif ctx.is_noun(i) and not ctx.is_verb(i) and ctx.entity_at(i) is None:
            i += 1
            continue
        else:
            break
        if role is not None:
            found.append(Arg(role, ref))
        i = ref.end
    return found


def count_of(ctx: DocContext, trigger: Trigger, clause: Clause) -> int | None:
    """The number stated for a noun trigger (``21 Angriffe``) or for the subject of a phrase trigger
    (``49 Menschen kamen ums Leben``)."""
    j = trigger.start - 1
    while j >= clause.start and ctx.doc[j].pos_ == "ADJ":
        j -= 1
    if trigger.nominal:
        # An article ("ein Massaker") is not a count.
        if j < clause.start or ctx.lower(j) in ctx.cues.determiners:
            return None
        return ctx.is_number(j)
    if trigger.subject_role == "target":
        for i in range(clause.start, trigger.start):
            value = ctx.is_number(i) if ctx.lower(i) not in ctx.cues.determiners else None
            if value is not None and i + 1 < clause.end and (ctx.is_noun(i + 1) or ctx.doc[i + 1].pos_ == "ADJ"):
                return value
    return None


def _role_subject(ctx: DocContext, lexicon: EventLexicon, clause: Clause) -> MentionRef | None:
    """``Der Minister schließt …``: a definite subject that names an office refers to the last person named
    within :data:`_ROLE_WINDOW` sentence pieces."""
    for i in range(clause.start + 1, clause.end):
        if ctx.doc[i].dep_ not in _SUBJECT_DEPS or ctx.entity_at(i) is not None or not ctx.is_noun(i):
            continue
        if ctx.lower(i - 1) not in ctx.cues.definite_determiners:
            continue
        if match_suffix(ctx.texts[i], lexicon.person_roles, ctx.cues.noun_endings) is None:
            continue
        low = ctx.segments[max(0, ctx.segment_of[i] - _ROLE_WINDOW)][0]
        return next((ref for ref in reversed(ctx.mentions)
                     if low <= ref.start < i - 1 and ref.type == "PER" and not ref.partial), None)
    return None


def _actors(ctx: DocContext, clause: Clause, lexicon: EventLexicon | None = None) -> list[MentionRef]:
    """Subjects of the clause; for an infinitive clause those of the clause governing it; else the person an
    office noun subject refers to (``der Minister``)."""
    found = subjects(ctx, clause)
    if not found and lexicon is not None and clause.kind != "inf":
        ref = _role_subject(ctx, lexicon, clause)
        found = [] if ref is None else [ref]
    current = clause
    while not found and current.kind == "inf":
        matrix = ctx.matrix_of(current)
        if matrix is None:
            break
        found, current = subjects(ctx, matrix), matrix
    return found


def _is_passive(ctx: DocContext, clause: Clause) -> bool:
    """True for a passive clause: ``wurde ... geschlossen``, ``was bought by``, ``ont été enlevées par``."""
    return ctx.is_passive(clause) or any(ctx.doc[i].dep_ in _PASSIVE_DEPS for i in range(clause.start, clause.end))


def _np_internal(ctx: DocContext, prep_index: int) -> bool:
    """True when a PP follows a noun other than a person's name (``Regierung in Moskau``)."""
    before = prep_index - 1
    if before < 0 or not ctx.is_noun(before) or _is_time_word(ctx, before):
        return False
    ref = ctx.entity_at(before)
    return ref is None or ref.type != "PER"


def _is_time_word(ctx: DocContext, i: int) -> bool:
    words = ctx.cues.time
    low = ctx.lower(i)
    return any(low.startswith(w) for w in words.weekdays) or low in words.months or low in words.day_parts


def _definite_place(ctx: DocContext, lexicon: EventLexicon, clause: Clause, taken: set[int]) -> MentionRef | None:
    """``die Stadt`` as an object: the last town named before it."""
    for i in range(clause.start + 1, clause.end):
        if i in taken or ctx.lower(i) not in lexicon.place_classifiers or ctx.lower(i - 1) not in ctx.cues.definite_determiners:
            continue
        if ctx.mention_starting(i + 1) is not None:
            continue
        low = ctx.segments[max(0, ctx.segment_of[i] - _ANAPHOR_WINDOW)][0]
        for ref in reversed(ctx.mentions):
            if low <= ref.start < i and ref.is_place and not ref.partial and not is_state(ref.entity_id):
                return ref
    return None


def _attached(ctx: DocContext, lexicon: EventLexicon, clause: Clause) -> list[tuple[MentionRef, Attachment, bool]]:
    """Every name of the clause with its attachment; True for a state named only by a noun's prefix."""
    found = [(ref, attachment(ctx, ref.start, clause, lexicon.place_classifiers), False)
             for ref in ctx.outer_mentions(clause.start, clause.end) if not ref.partial]
    for ref, where in prefixed_nouns(ctx, clause):
        noun = ctx.doc[ref.start].text
        if match_suffix(noun, lexicon.noun_triggers, ctx.cues.noun_endings) is None:
            found.append((ref, where, True))
    return found


def _clause_pps(ctx: DocContext, lexicon: EventLexicon, clause: Clause, skip: set[tuple[int, str]], *,
                verbal: bool, passive: bool, symmetric: bool = True) -> list[Arg]:
    found = []
    for ref, where, prefixed in _attached(ctx, lexicon, clause):
        if (ref.start, ref.entity_id) in skip:
            continue
        if where.prep is None or where.prep_index is None:
            continue
        supporter = ctx.lower(where.noun) if where.noun is not None else ""
        if supporter in lexicon.support_prepositions:
            found.append(Arg(lexicon.support_prepositions[supporter], ref))
        elif where.noun is not None:
            # ``gegen die Pläne der ÖVP``: the owner of what a verb's target PP names is the target (not in the
            # PP of a noun: ``bei einem Luftangriff auf ein Lager des IS``)
            if (verbal and lexicon.preposition_roles.get(where.prep) == "target"
                    and not _after_common_noun(ctx, where.prep_index)):
                found.append(Arg("target", ref))
            continue
        elif where.prep in lexicon.location_prepositions and ref.is_place and not prefixed:
            if verbal or not _np_internal(ctx, where.prep_index):
                found.append(Arg("location", ref))
        elif verbal:
            role = _verbal_pp_role(ctx, lexicon, clause, where, passive=passive, symmetric=symmetric)
            if role is not None:
                found.append(Arg(role, ref))
    return found


def _after_common_noun(ctx: DocContext, prep_index: int) -> bool:
    """True when the PP at ``prep_index`` follows a common noun (not a name, not a time word), so hangs on it."""
    noun = prep_index - 1
    if noun < 0 or not ctx.is_noun(noun) or _is_time_word(ctx, noun):
        return False
    ref = ctx.entity_at(noun)
    return ref is None or ref.partial


def _object_noun(ctx: DocContext, clause: Clause, prep_index: int) -> bool:
    """True when the PP at ``prep_index`` follows a common noun that is a bare NP of the clause, the verb's
    object (``wies die Vorwürfe von Greenpeace zurück``): the PP belongs to that noun, not to the verb."""
    noun = prep_index - 1
    if noun < clause.start or not ctx.is_noun(noun) or ctx.is_verb(noun) or ctx.entity_at(noun) is not None:
        return False
    if _is_time_word(ctx, noun):
        return False
    return attachment(ctx, noun, clause).prep is None


def _verbal_pp_role(ctx: DocContext, lexicon: EventLexicon, clause: Clause, where: Attachment, *, passive: bool,
                    symmetric: bool) -> str | None:
    """The role of a name in a PP of a verb trigger's clause. A possessor PP of the verb's object (the
    lexicon's ``possessive_prepositions``: ``von``, ``de``) names what the act is about, the target; a ``mit``
    PP of an object that names an event (``lobte die Verhandlungen mit der ÖVP``) is no party to a one-sided
    act, unlike one of a plain object (``Informationen mit der Regierung teilen``)."""
    role = lexicon.preposition_roles.get(where.prep or "")
    if role is None or where.prep_index is None or (role == "agent" and passive):
        return role
    owned = _object_noun(ctx, clause, where.prep_index)
    if role in ("agent", _GENITIVE):
        return "target" if owned and where.prep in lexicon.possessive_prepositions else None
    if role == "participant" and owned and not symmetric and _names_event(ctx, lexicon, where.prep_index - 1):
        return None
    return role


def _names_event(ctx: DocContext, lexicon: EventLexicon, i: int) -> bool:
    """True when the noun at ``i`` names an event of its own (``Verhandlungen``), which takes its own partners."""
    return match_suffix(ctx.doc[i].text, lexicon.noun_triggers, ctx.cues.noun_endings) is not None


def _elaborated(ctx: DocContext, lexicon: EventLexicon, clause: Clause) -> list[MentionRef]:
    """Names after ``darunter`` in the sentence (``Vertreter von Staaten, ... darunter Deutschland``)."""
    start, end = ctx.segments[clause.segment]
    for i in range(start, end):
        if ctx.lower(i) in lexicon.elaboration_words:
            ref, _ = np_after(ctx, i + 1, end)
            if ref is not None:
                return coordinated(ctx, ref, ctx.clause_at(ref.start))
    return []


def _support(ctx: DocContext, lexicon: EventLexicon, trigger: Trigger, clause: Clause) -> str | None:
    """The role a light verb gives its subject for this noun trigger, or the situational role."""
    for verb in clause.verbs:
        role = lexicon.support_verbs.get(ctx.verb_lemma(verb)) or lexicon.support_verbs.get(ctx.lemma(verb))
        if role is not None and verb != trigger.start:
            return role
    where = attachment(ctx, trigger.start, clause)
    if where.prep in lexicon.situational_prepositions and where.noun is None and lexicon.types[trigger.type].symmetric:
        return "participant"
    return None


def clause_args(ctx: DocContext, lexicon: EventLexicon, trigger: Trigger, clause: Clause,
                chain: list[Arg]) -> list[Arg]:
    """Arguments from the trigger's clause: subject, objects and PPs (see the module docstring)."""
    skip = {(a.ref.start, a.ref.entity_id) for a in chain}
    passive = _is_passive(ctx, clause)
    found: list[Arg] = []
    if trigger.nominal:
        role = _support(ctx, lexicon, trigger, clause)
        if role is None:
            return []
        actors = [] if passive else [r for r in _actors(ctx, clause) if r.start > trigger.start or r.end <= trigger.start]
        found += [Arg(role, r) for r in actors if (r.start, r.entity_id) not in skip]
        pps = _clause_pps(ctx, lexicon, clause, skip, verbal=False, passive=passive)
        if passive:
            pps += [Arg(role, a.ref) for a in _clause_pps(ctx, lexicon, clause, skip, verbal=True, passive=True)
                    if a.role == "agent"]
        found += pps
        if not any(a.role == role for a in found):
            found += [Arg(role, r) for r in _elaborated(ctx, lexicon, clause)]
        return found
    actors = _actors(ctx, clause, lexicon)
    subject_role = "target" if passive else trigger.subject_role
    found += [Arg(subject_role, r) for r in actors]
    taken = {(r.start, r.entity_id) for r in actors} | skip
    objs = [r for r in objects(ctx, clause, actors) if (r.start, r.entity_id) not in taken and r.start != trigger.start]
    object_role = "participant" if lexicon.types[trigger.type].symmetric else "target"
    found += [Arg(object_role, r) for r in objs]
    if not objs:
        place = _definite_place(ctx, lexicon, clause, {trigger.start})
        if place is not None:
            found.append(Arg("target", place))
    taken |= {(r.start, r.entity_id) for r in objs}
    found += _clause_pps(ctx, lexicon, clause, taken, verbal=True, passive=passive,
                         symmetric=lexicon.types[trigger.type].symmetric)
    if lexicon.types[trigger.type].symmetric:
        for number, other in enumerate(ctx.clauses):
            if other.matrix == ctx.clause_index(clause) and other.kind == "inf":
                found += [a for a in _clause_pps(ctx, lexicon, other, taken, verbal=True, passive=False)
                          if a.role in ("target", "topic")]
    return found
