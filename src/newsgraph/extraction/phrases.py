"""Phrase-level reading of a clause: what an NP hangs on, coordination, subjects, objects, pronouns.

Each function asks the dependency parse first where that is cheap to check, and falls back to the
word order and word lists of German news prose, so a wrong or missing parse degrades the result
instead of breaking it.
"""

from __future__ import annotations

from newsgraph.extraction.context import Attachment, Clause, DocContext, MentionRef

_SUBJECT_DEPS = frozenset({"nsubj", "nsubj:pass", "sb"})
_APPOSITION_DEPS = frozenset({"appos", "flat", "nk"})  # UD and TIGER labels of a name after its noun
_PRONOUN_WINDOW = 4  # sentence pieces to look back for the antecedent of "er"


MAX_COORDINATED = 64
"""Longest run of coordinated names followed from one name (``A, B und C``: 3). Real coordinations are far
shorter; the bound keeps a clause of thousands of names linear instead of quadratic."""


def _skippable(ctx: DocContext, i: int, classifiers: frozenset[str], *, before_name: bool = False) -> bool:
    """Tokens that may stand between a preposition or governing noun and a name: articles, adjectives,
    numbers, adjectival mentions (``nordsyrischen``), and a classifier noun right before the name
    (``Stadt Kobane``; not ``Lager der Miliz``)."""
    token = ctx.doc[i]
    low = ctx.lower(i)
    if low in ctx.cues.determiners or token.pos_ in ("DET", "ADJ", "NUM") or ctx.is_number(i) is not None:
        return True
    if before_name and (low in classifiers or any(low.endswith(c) for c in classifiers if len(c) > 4)):
        return True
    ref = ctx.innermost_at(i)
    return ref is not None and not token.text[:1].isupper()


def attachment(ctx: DocContext, start: int, clause: Clause, classifiers: frozenset[str] = frozenset()) -> Attachment:
    """What the NP whose name starts at token ``start`` hangs on.

    Walks left over articles, adjectives, numbers and classifier nouns; passes through coordination
    (``des Irak und Syriens``) and one governing noun (``Mitteilung des Zentralkommandos``), and stops at
    a preposition, a verb or punctuation.

    Example:
        ``nahe der kurdischen Enklave Kobane`` → ``Attachment(prep="nahe")``.
    """
    noun: int | None = None
    hops = 0
    j = start - 1
    while j >= clause.start:
        token = ctx.doc[j]
        low = ctx.lower(j)
        if token.is_space:
            j -= 1
            continue
        if token.text in ("(", "["):
            return Attachment(prep="(", prep_index=j, noun=noun)
        if low in ctx.cues.prepositions and token.pos_ not in ("NOUN", "PROPN", "VERB", "AUX"):
            if low in ctx.cues.np_boundaries or (low in ctx.cues.infinitive_markers and ctx.is_zu_infinitive(j + 1)):
                break
            return Attachment(prep=low, prep_index=j, noun=noun)
        if (low in ctx.cues.np_coordinators and low != ",") or (low == "," and j - 1 >= clause.start):
            previous = ctx.entity_at(j - 1)
            hops += 1
            if previous is not None and previous.start >= clause.start and hops <= MAX_COORDINATED:
                j = previous.start - 1
                continue
            break
        ref = ctx.entity_at(j)
        if ref is not None and ref.end - 1 == j and not ref.partial and ctx.texts[j][:1].isupper():
            # A name right before another name: a genitive before its noun or an apposition.
            break
        if _skippable(ctx, j, classifiers, before_name=j == start - 1):
            j -= 1
            continue
        if ctx.is_noun(j) and noun is None and not ctx.is_verb(j):
            noun = j
            j -= 1
            continue
        break
    return Attachment(noun=noun)


def np_after(ctx: DocContext, i: int, end: int, classifiers: frozenset[str] = frozenset()) -> tuple[MentionRef | None, int]:
    """The mention that heads the NP starting at token ``i`` (``der nordsyrischen Stadt Kobane`` → Kobane).

    Returns:
        The mention (or None) and the index of the first token not skipped.
    """
    j = i
    while j < end:
        ref = ctx.mention_starting(j)
        if ref is not None and (ctx.texts[j][:1].isupper() or ref.end - ref.start > 1):
            return ref, j
        after = ctx.mention_starting(j + 1)
        if ctx.doc[j].is_space or _skippable(ctx, j, classifiers, before_name=after is not None):
            j += 1
            continue
        break
    return None, j


def coordinated(ctx: DocContext, ref: MentionRef, clause: Clause) -> list[MentionRef]:
    """``ref`` and the names coordinated with it (``Grossbritannien, Frankreich ... sowie Kanada``)."""
    found = [ref]
    j = ref.start - 1
    while j > clause.start and ctx.lower(j) in ctx.cues.determiners:
        j -= 1
    while j > clause.start and ctx.lower(j) in ctx.cues.np_coordinators and len(found) <= MAX_COORDINATED:
        k = j - 1
        while k >= clause.start and ctx.lower(k) in ctx.cues.determiners:
            k -= 1
        previous = ctx.entity_at(k)
        if previous is None or previous.end - 1 != k:
            break
        found.insert(0, previous)
        j = previous.start - 1
    j = _skip_same(ctx, ref)
    while j < clause.end and ctx.lower(j) in ctx.cues.np_coordinators and len(found) <= 2 * MAX_COORDINATED:
        nxt, _ = np_after(ctx, j + 1, clause.end)
        if nxt is None:
            break
        found.append(nxt)
        j = _skip_same(ctx, nxt)
    return found


def _skip_same(ctx: DocContext, ref: MentionRef) -> int:
    """The token after ``ref`` and any mentions of the same entity right after it (``US-Aussenminister John Kerry``)."""
    j = ref.end
    while (nxt := ctx.mention_starting(j)) is not None and nxt.entity_id == ref.entity_id:
        j = nxt.end
    return j


def resolve_pronoun(ctx: DocContext, i: int) -> MentionRef | None:
    """The person a third-person masculine pronoun (``er``) refers to: the last person named before it."""
    if ctx.lower(i) not in ctx.cues.person_pronouns:
        return None
    first_segment = max(0, ctx.segment_of[i] - _PRONOUN_WINDOW)
    lower_bound = ctx.segments[first_segment][0]
    for ref in reversed(ctx.mentions):
        if ref.start < i and ref.start >= lower_bound and ref.type == "PER" and not ref.partial:
            return ref
    return None


def antecedent(ctx: DocContext, clause: Clause) -> MentionRef | None:
    """The name a relative clause refers to: the last name before its opening comma."""
    j = clause.start - 1
    while j >= 0 and (ctx.doc[j].is_punct or ctx.doc[j].is_space):
        j -= 1
    ref = ctx.entity_at(j)
    return ref if ref is not None and ref.end - 1 == j else None


def _expand(ctx: DocContext, refs: list[MentionRef], clause: Clause) -> list[MentionRef]:
    seen: dict[tuple[int, str], MentionRef] = {}
    for ref in refs:
        for other in coordinated(ctx, ref, clause):
            seen.setdefault((other.start, other.entity_id), other)
    return [seen[k] for k in sorted(seen)]


def actor_at(ctx: DocContext, i: int) -> MentionRef | None:
    """The subject-like entity token ``i`` names: its mention, a resolved ``er``, or the state of a
    hyphen prefix on a noun (``US-Streitkräfte``, ``US-Regierung``) when the noun has no mention itself."""
    ref = ctx.entity_at(i) or (resolve_pronoun(ctx, i) if ctx.lower(i) in ctx.cues.person_subject_pronouns else None)
    if ref is not None:
        return ref
    if ctx.is_noun(i):
        inner = [r for r in ctx.inner_entities(i) if r.is_actor and ctx.text[r.end_char : r.end_char + 1] == "-"]
        if inner:
            return inner[0]
    return None


def _parse_subjects(ctx: DocContext, clause: Clause) -> list[MentionRef]:
    """``nsubj`` of a verb of the clause, if the word order agrees (not inside a PP or a genitive)."""
    found: list[MentionRef] = []
    first_subject: dict[int, int] = {}
    for i in range(clause.start, clause.end):
        token = ctx.doc[i]
        if token.dep_ not in _SUBJECT_DEPS or not clause.start <= token.head.i < clause.end:
            continue
        first = first_subject.setdefault(token.head.i, i)
        if first != i and any(first < verb < i for verb in clause.verbs):
            # a verb has one subject (its conjuncts aside): a second one past the verb is a misparsed object
            # (``SPÖ-Chef Babler kritisierte die ÖVP``)
            continue
        for j in [i] + [c.i for c in token.children if c.dep_ == "conj" and clause.start <= c.i < clause.end]:
            ref = actor_at(ctx, j)
            if ref is not None and ref.type == "NORP" and not ref.partial and _named_apposition(ctx, j, clause):
                ref = None  # ``Der Australier Daniel Ricciardo``: the demonym noun describes the name after it
            if ref is None:
                # the noun's own bareness stands for its apposition's (the noun governs the name)
                ref = _named_apposition(ctx, j, clause)
                if ref is not None and ref not in found and attachment(ctx, j, clause).prep is None:
                    found.append(ref)
                continue
            if ref in found or (not ref.partial and not _bare(ctx, ref, clause)):
                continue
            found.append(ref)
    return found


def _named_apposition(ctx: DocContext, i: int, clause: Clause) -> MentionRef | None:
    """The name a common noun subject introduces (``Die Firma Siemens``, ``Der Sender CNN``): the noun's
    apposition right after it, when the noun itself names nobody."""
    if not ctx.is_noun(i):
        return None
    for child in ctx.doc[i].children:
        if child.dep_ in _APPOSITION_DEPS and child.i == i + 1 and child.i < clause.end:
            ref = ctx.mention_starting(child.i)
            if ref is not None and not ref.partial:
                return ref
    return None


def _bare(ctx: DocContext, ref: MentionRef, clause: Clause) -> bool:
    """True when the name is a bare NP: no preposition, not the genitive attribute of a noun."""
    found = attachment(ctx, ref.start, clause)
    return found.prep is None and found.noun is None


def _surface_subjects(ctx: DocContext, clause: Clause) -> list[MentionRef]:
    if clause.kind == "rel":
        ref = antecedent(ctx, clause)
        return [ref] if ref is not None else []
    if clause.kind == "inf":
        return []
    finite = next((i for i in clause.verbs if ctx.is_finite(i)), clause.verbs[0] if clause.verbs else clause.end)
    first = next((i for i in range(clause.start, finite) if not ctx.doc[i].is_punct), None)
    if clause.kind == "main" and first is not None and finite - first == 1 and ctx.lower(first) in ctx.cues.subject_pronouns:
        # "man wähle ihn ...": a pronoun before the verb is the subject.
        ref = resolve_pronoun(ctx, first)
        return [ref] if ref is not None else []
    if clause.kind == "main" and ctx.lower(finite + 1) in ctx.cues.subject_pronouns:
        # "Manuela Khom wähle man": a pronoun right after the verb is the subject, the front NP is not.
        ref = resolve_pronoun(ctx, finite + 1)
        return [ref] if ref is not None else []
    if clause.kind == "main" and finite > clause.start:
        pronoun = next((resolve_pronoun(ctx, i) for i in range(clause.start, finite)
                        if ctx.lower(i) in ctx.cues.person_pronouns), None)
        if pronoun is not None:
            return [pronoun]
        front = [r for r in ctx.outer_mentions(clause.start, finite) if not r.partial and _bare(ctx, r, clause)]
        if front:
            return front[:1]
        head = next((i for i in range(clause.start, finite) if ctx.is_noun(i)), None)
        ref = actor_at(ctx, head) if head is not None and ctx.lower(clause.start) not in ctx.cues.prepositions else None
        if ref is not None:
            return [ref]
    after = finite + 1 if clause.kind == "main" else clause.start + 1
    for i in range(after, clause.end):
        if ctx.lower(i) in ctx.cues.person_subject_pronouns and i <= after + 1:
            ref = resolve_pronoun(ctx, i)
            if ref is not None:
                return [ref]
        ref = ctx.mention_starting(i)
        if ref is not None and not ref.partial and _bare(ctx, ref, clause):
            return [ref]
        if ref is None and ctx.is_noun(i) and attachment(ctx, i, clause).prep is None:
            prefixed = actor_at(ctx, i)
            if prefixed is not None and prefixed.partial:
                return [prefixed]
    return []


def subjects(ctx: DocContext, clause: Clause) -> list[MentionRef]:
    """The named subjects of a clause, coordinated ones included (``Die USA und Russland wollen``).

    Tries the parse (``nsubj`` inside the clause), then the relative-clause antecedent, then word order
    (the name before the finite verb, or the first bare name after it). Pronouns (``er``) resolve to
    the last person named.
    """
    if clause.kind == "rel":
        ref = antecedent(ctx, clause)
        if ref is not None:
            return [ref]
    found = _parse_subjects(ctx, clause) or _surface_subjects(ctx, clause)
    return _expand(ctx, found, clause)


def objects(ctx: DocContext, clause: Clause, exclude: list[MentionRef]) -> list[MentionRef]:
    """Named bare NPs of the clause other than its subjects: direct objects and their genitive attributes."""
    taken = {(r.start, r.entity_id) for r in exclude}
    found = []
    for ref in ctx.outer_mentions(clause.start, clause.end):
        if ref.partial or (ref.start, ref.entity_id) in taken:
            continue
        where = attachment(ctx, ref.start, clause)
        if where.prep is None:
            found.append(ref)
    for i in range(clause.start, clause.end):
        if ctx.lower(i) in ctx.cues.person_object_pronouns and attachment(ctx, i, clause).prep is None:
            pronoun = resolve_pronoun(ctx, i)
            if pronoun is not None and (pronoun.start, pronoun.entity_id) not in taken:
                found.append(pronoun)
    return found


def prefixed_nouns(ctx: DocContext, clause: Clause) -> list[tuple[MentionRef, Attachment]]:
    """Nouns without a mention of their own that a hyphen prefix ties to an actor (``an die US-Regierung``),
    with their attachment."""
    found = []
    for i in range(clause.start, clause.end):
        if ctx.entity_at(i) is None and ctx.is_noun(i):
            ref = actor_at(ctx, i)
            if ref is not None and ref.partial:
                found.append((ref, attachment(ctx, i, clause)))
    return found
