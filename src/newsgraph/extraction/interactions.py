"""Relations between actors: ally_of, opposes, fights, controls, supplies, cooperates_with, supports, member_of.

Each rule starts from a cue word of the lexicon and takes its two ends from the cue's NP or clause:
    ``Assad ist ein Verbündeter Russlands``             → Assad ally_of Russland
    ``Luftkrieg der USA gegen den IS``; ``X kämpft gegen Y``; ``X im Kampf gegen Y`` → fights
    ``Der IS hat ... des Irak und Syriens unter seine Kontrolle gebracht`` → controls Irak, Syrien
    ``Deutschland, das Waffen an die Kurden ... liefert`` → Deutschland supplies Kurden
    ``Die USA und Russland wollen ... zusammenarbeiten`` → cooperates_with
    ``mit Unterstützung Saudi-Arabiens``                → Saudi-Arabien supports (the clause subject)
    ``X ist Mitglied der Y``; ``X tritt Y bei``; ``X beteiligt sich am Luftkrieg ... gegen den IS`` → member_of
"""

from __future__ import annotations

from collections.abc import Iterator

from newsgraph.extraction.context import Clause, DocContext, MentionRef, is_state
from newsgraph.extraction.evidence import RelationScope, make_relation
from newsgraph.extraction.lexicon import RelationLexicon, match_suffix
from newsgraph.extraction.phrases import attachment, coordinated, np_after, objects, subjects
from newsgraph.records import Relation
from newsgraph.resolve.normalize import noun_forms



def _cue_nouns(ctx: DocContext, words: frozenset[str]) -> Iterator[int]:
    for i in ctx.capitalised_nouns():
        if match_suffix(ctx.texts[i], words, ctx.cues.noun_endings):
            yield i


def _cue_verbs(ctx: DocContext, words: frozenset[str]) -> Iterator[int]:
    for i in ctx.verbs():
        if ctx.verb_lemma(i) in words or ctx.lemma(i) in words:
            yield i


def _genitive_after(ctx: DocContext, i: int, clause: Clause, of: frozenset[str]) -> MentionRef | None:
    """The name in a genitive (``Verbündeter Russlands``, ``Kampf der USA``) or ``von`` phrase (``of``) after token ``i``."""
    nxt = i + 1
    if ctx.lower(nxt) in of or ctx.lower(nxt) in ctx.cues.genitive_determiners:
        nxt += 1
    ref, _ = np_after(ctx, nxt, clause.end)
    return ref if ref is not None and ref.is_actor else None


def _pp_after(ctx: DocContext, i: int, clause: Clause, preps: frozenset[str]) -> list[MentionRef]:
    """Names in a PP with one of ``preps`` in the NP chain after token ``i`` (``Kampf ... gegen den IS``)."""
    for j in range(i + 1, min(clause.end, i + 8)):
        if ctx.is_verb(j):
            break
        if ctx.lower(j) in preps:
            ref, _ = np_after(ctx, j + 1, clause.end)
            return coordinated(ctx, ref, clause) if ref is not None else []
    return []


def _pp_in_clause(ctx: DocContext, clause: Clause, preps: frozenset[str]) -> list[MentionRef]:
    found = []
    for ref in ctx.outer_mentions(clause.start, clause.end):
        where = attachment(ctx, ref.start, clause)
        if where.prep in preps and where.noun is None:
            found.append(ref)
    return found


def _actors(refs: list[MentionRef]) -> list[MentionRef]:
    return [r for r in refs if r.is_actor and not r.partial]


def _emit(scope: RelationScope, rtype: str, sources: list[MentionRef], targets: list[MentionRef], cue: int, *,
          nominal: bool, background: bool = False, attributes: dict[str, str] | None = None,
          also: MentionRef | None = None) -> list[Relation]:
    found = []
    for source in sources:
        for target in targets:
            relation = make_relation(scope, rtype, source, target, cue, nominal=nominal, background=background,
                                     attributes=attributes, also=also)
            if relation is not None:
                found.append(relation)
    return found


def _partners(scope: RelationScope, rtype: str, nouns: frozenset[str]) -> list[Relation]:
    """``X ist ein Verbündeter Ys``, ``X, ein Verbündeter Ys``, ``Ys Verbündeter X``, ``X und Y sind Verbündete``."""
    ctx = scope.ctx
    found = []
    for i in _cue_nouns(ctx, nouns):
        clause = ctx.clause_at(i)
        partner = _genitive_after(ctx, i, clause, scope.lexicon.of_prepositions)
        holders: list[MentionRef] = []
        before = ctx.entity_at(i - 1)
        if partner is None and before is not None and before.end == i and before.is_actor:
            partner, after = before, ctx.mention_starting(i + 1)
            holders = [after] if after is not None and after.is_actor else []
        elif ctx.words(clause) & scope.lexicon.copulas:
            holders = [r for r in subjects(ctx, clause) if r.end <= i]
        else:
            j = i - 1
            while j > clause.start and (ctx.lower(j) in ctx.cues.determiners or ctx.doc[j].pos_ == "ADJ"):
                j -= 1
            if ctx.lower(j) == ",":
                previous = ctx.entity_at(j - 1)
                holders = [previous] if previous is not None and previous.end == j else []
        if partner is None and len(holders) > 1:
            partner, holders = holders[1], holders[:1]
        if partner is not None:
            found += _emit(scope, rtype, _actors(holders), [partner], i, nominal=True)
    return found


def _fights(scope: RelationScope) -> list[Relation]:
    ctx = scope.ctx
    lexicon = scope.lexicon
    found = []
    for i in _cue_nouns(ctx, lexicon.fight_nouns):
        clause = ctx.clause_at(i)
        enemies = _actors(_pp_after(ctx, i, clause, lexicon.against_prepositions))
        if not enemies:
            continue
        fighters = [r for r in [_genitive_after(ctx, i, clause, lexicon.of_prepositions)] if r is not None]
        where = attachment(ctx, i, clause)
        if not fighters and where.prep in lexicon.campaign_prepositions and where.prep_index is not None:
            before = ctx.entity_at(where.prep_index - 1)
            fighters = [before] if before is not None and before.end == where.prep_index else subjects(ctx, clause)
        found += _emit(scope, "fights", _actors(fighters), enemies, i, nominal=True, background=True)
    for i in _cue_verbs(ctx, lexicon.fight_verbs):
        clause = ctx.clause_at(i)
        fighters = _actors(subjects(ctx, clause))
        enemies = _pp_in_clause(ctx, clause, lexicon.against_prepositions) or objects(ctx, clause, fighters)
        found += _emit(scope, "fights", fighters, _actors(enemies), i, nominal=False)
    return found


def _controls(scope: RelationScope) -> list[Relation]:
    """``X hat Y unter seine Kontrolle gebracht``, ``Y steht unter der Kontrolle der X``, ``X kontrolliert Y``."""
    ctx = scope.ctx
    lexicon = scope.lexicon
    found = []
    for i in _cue_nouns(ctx, lexicon.control_nouns):
        clause = ctx.clause_at(i)
        if not ctx.words(clause) & lexicon.control_support_verbs:
            continue
        controller = _genitive_after(ctx, i, clause, lexicon.of_prepositions)
        if controller is not None:
            places = [r for r in subjects(ctx, clause) if r.is_place]
            found += _emit(scope, "controls", [controller], places, i, nominal=True)
            continue
        holders = _actors(subjects(ctx, clause))
        places = [r for r in objects(ctx, clause, holders) if r.is_place]
        found += _emit(scope, "controls", holders[:1], places, i, nominal=True)
    for i in _cue_verbs(ctx, lexicon.control_verbs):
        clause = ctx.clause_at(i)
        holders = _actors(subjects(ctx, clause))
        found += _emit(scope, "controls", holders[:1], [r for r in objects(ctx, clause, holders) if r.is_place], i,
                       nominal=False)
    return found


def _supplies(scope: RelationScope) -> list[Relation]:
    """``X liefert Waffen an Y`` (relative clauses included), ``X versorgt Y mit Waffen``."""
    ctx = scope.ctx
    lexicon = scope.lexicon
    found = []
    for i in _cue_verbs(ctx, lexicon.supply_verbs):
        clause = ctx.clause_at(i)
        items = [ctx.doc[j].text for j in range(clause.start, clause.end)
                 if ctx.is_noun(j) and any(f in lexicon.supply_objects
                                           for f in noun_forms(ctx.doc[j].text, ctx.cues.noun_endings, last_part=True))]
        if not items:
            continue
        suppliers = _actors(subjects(ctx, clause))
        receivers = _pp_in_clause(ctx, clause, lexicon.recipient_prepositions) or objects(ctx, clause, suppliers)
        found += _emit(scope, "supplies", suppliers[:1], _actors(receivers), i, nominal=False,
                       attributes={"item": items[0]})
    return found


def _cooperation(scope: RelationScope) -> list[Relation]:
    """Coordinated subjects of ``zusammenarbeiten``; ``X arbeitet mit Y zusammen``; ``Zusammenarbeit mit/zwischen``."""
    ctx = scope.ctx
    lexicon = scope.lexicon
    found = []
    for i in _cue_verbs(ctx, lexicon.cooperation_verbs):
        clause = ctx.clause_at(i)
        actors = _actors(subjects(ctx, clause))
        partners = _actors(_pp_in_clause(ctx, clause, lexicon.partner_prepositions))
        if partners:
            found += _emit(scope, "cooperates_with", actors[:1], partners, i, nominal=False)
        elif len(actors) > 1:
            found += _emit(scope, "cooperates_with", actors[:1], actors[1:], i, nominal=False)
    for i in _cue_nouns(ctx, lexicon.cooperation_nouns):
        clause = ctx.clause_at(i)
        pair = _actors(_pp_after(ctx, i, clause, lexicon.between_prepositions))
        if len(pair) > 1:
            found += _emit(scope, "cooperates_with", pair[:1], pair[1:], i, nominal=True)
    return found


def _supports(scope: RelationScope) -> list[Relation]:
    """``mit Unterstützung Saudi-Arabiens``: the supporter supports the clause subject."""
    ctx = scope.ctx
    found = []
    for i in _cue_nouns(ctx, scope.lexicon.support_nouns):
        clause = ctx.clause_at(i)
        if ctx.lower(i - 1) not in scope.lexicon.backing_prepositions:
            continue
        supporter = _genitive_after(ctx, i, clause, scope.lexicon.of_prepositions)
        if supporter is not None:
            found += _emit(scope, "supports", [supporter], _actors(subjects(ctx, clause))[:1], i, nominal=True)
    return found


def _coalition_against(ctx: DocContext, lexicon: RelationLexicon, enemy: MentionRef) -> MentionRef | None:
    """The article's coalition whose name says it is against ``enemy`` (``Koalition gegen den IS``)."""
    aliases = {ctx.text[r.start_char : r.end_char] for r in ctx.mentions if r.entity_id == enemy.entity_id}
    for ref in ctx.mentions:
        name = ctx.names.get(ref.entity_id, "")
        words = name.replace("-", " ").split()
        if ref.type == "ORG" and lexicon.against_prepositions & {w.lower() for w in words} and aliases & set(words) \
                and any(match_suffix(word, lexicon.coalition_nouns, ctx.cues.noun_endings) for word in words):
            return ref
    return None


def _members(scope: RelationScope) -> list[Relation]:
    ctx = scope.ctx
    lexicon = scope.lexicon
    found = []
    for i in _cue_nouns(ctx, lexicon.member_nouns):
        clause = ctx.clause_at(i)
        group = _genitive_after(ctx, i, clause, lexicon.of_prepositions) or next(iter(ctx.inner_entities(i)), None)
        members = [r for r in subjects(ctx, clause) if r.end <= i] if ctx.words(clause) & scope.lexicon.copulas else []
        if not members and ctx.mention_starting(i + 1) is not None:
            members = [ctx.mention_starting(i + 1)]  # type: ignore[list-item]
        if group is not None:
            found += _emit(scope, "member_of", _actors(members), [group], i, nominal=True)
    for i in _cue_verbs(ctx, lexicon.member_verbs):
        clause = ctx.clause_at(i)
        members = _actors(subjects(ctx, clause))
        found += _emit(scope, "member_of", members, [r for r in objects(ctx, clause, members) if r.type == "ORG"], i,
                       nominal=False)
    for i in _cue_verbs(ctx, lexicon.participation_verbs):
        clause = ctx.clause_at(i)
        members = _actors(subjects(ctx, clause))
        groups = [r for r in _pp_in_clause(ctx, clause, lexicon.participation_prepositions) if r.type == "ORG"]
        enemies = _actors(_pp_in_clause(ctx, clause, lexicon.against_prepositions))
        if not groups and enemies:
            coalition = _coalition_against(ctx, lexicon, enemies[0])
            groups = [coalition] if coalition is not None else []
        found += _emit(scope, "member_of", members, groups, i, nominal=False, also=enemies[0] if enemies else None)
    return found


def _member_by_copula(scope: RelationScope) -> list[Relation]:
    """``Estland, Litauen und Lettland seien in der EU und Nato``, ``X ist in der ÖVP``: named subjects of a
    clause whose only verb is a copula, and the organisations of its ``in`` PP → member_of."""
    ctx = scope.ctx
    lexicon = scope.lexicon
    found = []
    for clause in ctx.clauses:
        if not clause.verbs or any(ctx.verb_lemma(i) not in lexicon.copulas for i in clause.verbs):
            continue
        groups = [r for r in _pp_in_clause(ctx, clause, lexicon.located_prepositions)
                  if r.type == "ORG" and not r.partial and not is_state(r.entity_id)]
        if not groups:
            continue
        members = [r for r in _actors(subjects(ctx, clause)) if r.end <= groups[0].start and r.type != "NORP"]
        found += _emit(scope, "member_of", members, groups, groups[0].start, nominal=False)
    return found


def interaction_relations(scope: RelationScope) -> list[Relation]:
    """All actor-to-actor relations of the Doc (see the module docstring)."""
    lexicon = scope.lexicon
    return (
        _partners(scope, "ally_of", lexicon.ally_nouns) + _partners(scope, "opposes", lexicon.opponent_nouns)
        + _partners(scope, "supports", lexicon.supporter_nouns)
        + _fights(scope) + _controls(scope) + _supplies(scope) + _cooperation(scope) + _supports(scope)
        + _members(scope) + _member_by_copula(scope)
    )
