"""Modality of an event or relation cue: asserted, reported, intended, considered, feared, hypothetical, negated.

The cue words come from the lexicon; their scope is the clause of the trigger, plus the governing
clause for ``dass`` and infinitive clauses (``lote Möglichkeiten aus, ... zu bewaffnen`` → considered).
When several cues apply the first of this order wins: negated, feared, hypothetical, considered,
intended, reported, asserted.
"""

from __future__ import annotations

from collections.abc import Iterable

from newsgraph.extraction.context import Clause, DocContext
from newsgraph.records import Modality

_NEGATION_WINDOW = 3  # tokens before a noun trigger in which "kein" negates it


def is_subjunctive_i(ctx: DocContext, i: int) -> bool:
    """True for a Konjunktiv I verb form (``habe``, ``seien``, ``lote``): the mark of reported speech.

    Uses the word list, then the morphologizer (``Mood=Sub`` on a form that is not Konjunktiv II), then
    the form itself: a finite verb that is its lemma's stem plus ``-e`` (``lote`` from ``loten``), unless
    the subject is ``ich``.
    """
    low = ctx.lower(i)
    if low in ctx.cues.subjunctive_ii:
        return False
    if low in ctx.cues.subjunctive_i:
        return True
    token = ctx.doc[i]
    if not ctx.is_verb(i):
        return False
    if "Sub" in token.morph.get("Mood", []):
        return True
    lemma = ctx.lemma(i)
    stem = lemma[:-2] if lemma.endswith("en") else lemma[:-1] if lemma.endswith("n") else ""
    if not stem or not low.endswith("e") or not stem.endswith(low[:-1]) or len(low) < 3:
        return False
    clause = ctx.clause_at(i)
    return "ich" not in {ctx.lower(j) for j in range(clause.start, clause.end)}


def _scope(ctx: DocContext, clause: Clause) -> list[Clause]:
    """The clause and, for dass- and infinitive clauses, the clauses governing it."""
    scope = [clause]
    current = clause
    while current.kind in ("sub", "inf") and current.opener not in ctx.cues.scope_barriers:
        matrix = ctx.matrix_of(current)
        if matrix is None or matrix in scope:
            break
        scope.append(matrix)
        current = matrix
    return scope


def _has(ctx: DocContext, clauses: Iterable[Clause], words: frozenset[str], own: frozenset[str] = frozenset()) -> bool:
    """True when a clause holds one of ``words`` other than the trigger's own (``kündigte ... an`` is an
    announcement made, not an intended one)."""
    return any(words & ctx.words(clause) - own for clause in clauses)


def _own_words(ctx: DocContext, i: int) -> frozenset[str]:
    return frozenset({ctx.lower(i), ctx.lemma(i), ctx.verb_lemma(i)} if ctx.is_verb(i) else {ctx.lower(i), ctx.lemma(i)})


def _feared(ctx: DocContext, clauses: list[Clause], own: frozenset[str] = frozenset()) -> bool:
    if _has(ctx, clauses, ctx.cues.fear, own):
        return True
    for clause in clauses:
        found = ctx.words(clause)
        if any(word in found and prep in found for word, prep in ctx.cues.fear_with_preposition.items()):
            return True
    return False


def _attributive(ctx: DocContext, j: int, end: int) -> bool:
    """True when the negation at ``j`` negates an attribute (``nicht mehr benötigte Objekte``), not the clause."""
    k = j + 1
    while k < end and ctx.lower(k) in ctx.cues.negation_degree_words:
        k += 1
    return k + 1 < end and ctx.doc[k].pos_ == "ADJ" and (ctx.is_noun(k + 1) or ctx.doc[k + 1].pos_ == "ADJ")


def negated(ctx: DocContext, i: int, *, nominal: bool) -> bool:
    """True when the trigger at ``i`` is negated (``kein Angriff``; ``griff nicht an``)."""
    clause = ctx.clause_at(i)
    if nominal:
        return any(ctx.lower(j) in ctx.cues.negation_determiners or ctx.lower(j) in ctx.cues.negations
                   for j in range(max(clause.start, i - _NEGATION_WINDOW), i))
    for j in range(clause.start, clause.end):
        if ctx.lower(j) not in ctx.cues.negations:
            continue
        if j == i - 1:
            return True
        if ctx.lower(j + 1) in ctx.cues.negation_exceptions or _attributive(ctx, j, clause.end):
            continue
        return True
    return False


def _verbs_only(ctx: DocContext, scope: list[Clause]) -> frozenset[str]:
    """The intention cues among the scope's verbs: an announcement or a plan is not made intended by the
    plan it names (``a annoncé son intention de ...``, ``the plan announced on Monday``)."""
    return frozenset(
        word for clause in scope for j in range(clause.start, clause.end) if not ctx.is_noun(j)
        for word in (ctx.lower(j), ctx.lemma(j)) if word in ctx.cues.intention
    )


def modality_at(ctx: DocContext, i: int, *, nominal: bool, reported: bool = False,
                background: bool = False) -> Modality:
    """The modality of the trigger or cue at token ``i``.

    Args:
        ctx: The document view.
        i: Token index of the trigger (or relation cue).
        nominal: The trigger is a noun (negation then needs ``kein`` on it, not a clause ``nicht``).
        reported: The clause is the content of reported speech or a quote (from :mod:`quotes`).
        background: The trigger is a noun inside a PP (``im Rahmen der Gespräche``): the clause's plans and
            considerations are not its own.

    The trigger's own word is no cue for itself (``kündigte an`` is an announcement that happened).
    """
    clause = ctx.clause_at(i)
    scope = _scope(ctx, clause)
    cues = ctx.cues
    own = _own_words(ctx, i)
    if negated(ctx, i, nominal=nominal):
        return "negated"
    if _feared(ctx, scope, own):
        return "feared"
    if clause.kind == "cond":
        return "hypothetical"
    words = ctx.words(clause)
    subjunctive_ii = words & cues.subjunctive_ii - cues.conditional_modals
    if subjunctive_ii and not reported and not (words & cues.subjunctive_i):
        return "hypothetical"
    if not background and _has(ctx, scope, cues.consideration, own):
        return "considered"
    if not background and _has(ctx, scope, cues.intention if not own & cues.intention else _verbs_only(ctx, scope), own):
        return "intended"
    if not nominal and words & cues.future_auxiliaries and not ctx.is_passive(clause):
        return "intended"
    # Reportive adverbs count uninflected only: "mutmaßlich" is, "ein mutmaßliches Lager" is not.
    adverbs = ctx.clause_lowers(clause) & cues.reportive_markers
    # Reported speech is marked by its mood: Konjunktiv I in German; where no such mood exists (French,
    # English) the speaker's indicative words are told as fact, a conditionnel ("aurait") distances them.
    marked = reported and bool(cues.subjunctive_i or words & cues.subjunctive_ii)
    if marked or any(is_subjunctive_i(ctx, v) for v in clause.verbs) or adverbs:
        return "reported"
    return "asserted"
