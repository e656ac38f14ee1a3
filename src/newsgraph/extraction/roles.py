"""``holds_role_in`` relations from the resolver's role links (``US-Aussenminister John Kerry`` → USA).

The links come from :func:`newsgraph.resolve.role_links`; this module only turns them into relations:
a relational role (``sein russischer Kollege Sergej Lawrow``) takes the role of the person it is the
colleague of, and a state role without a stated affiliation (``Machthaber Baschar al-Assad``) takes the
state named nearest to it in the same sentence (marked ``affiliation_source=context``).
"""

from __future__ import annotations

from newsgraph.extraction.appositions import is_origin_noun, role_type
from newsgraph.extraction.context import MentionRef, is_state
from newsgraph.extraction.evidence import RelationScope, make_relation
from newsgraph.extraction.lexicon import match_suffix
from newsgraph.extraction.phrases import coordinated, subjects
from newsgraph.records import Relation
from newsgraph.resolve.roles import RoleLink
from newsgraph.resolve.tables import relational_roles



def _role_noun(link: RoleLink) -> str:
    return link.role.split("-")[-1]


def _base_role(link: RoleLink, links: list[RoleLink], endings: tuple[str, ...]) -> tuple[str, bool]:
    """The role to record, and whether it was carried over from a colleague's role."""
    relational = relational_roles()  # the resolver's lists: Kollege, Amtskollegin, counterpart, homologue ...
    if match_suffix(link.role, relational, endings) is None:
        return _role_noun(link), False
    earlier = [
        other for other in links
        if other.start < link.start and other.person_id != link.person_id and other.sentence == link.sentence
        and match_suffix(other.role, relational, endings) is None
    ]
    return (_role_noun(earlier[-1]), True) if earlier else (_role_noun(link), False)


def _person_after(scope: RelationScope, link: RoleLink) -> MentionRef | None:
    """The person's name right after the role description (for the evidence span)."""
    ctx = scope.ctx
    for ref in ctx.mentions:
        if ref.entity_id == link.person_id and ref.start_char >= link.end and ref.start_char - link.end <= 2:
            return ref
    return None


def _description(scope: RelationScope, link: RoleLink) -> MentionRef | None:
    span = scope.ctx.doc.char_span(link.start, link.end, alignment_mode="expand")
    if span is None:
        return None
    return MentionRef(link.person_id, "PER", span.start, span.end, link.start, link.end)


def _state_nearby(scope: RelationScope, anchor: MentionRef, taken: list[tuple[int, int]]) -> MentionRef | None:
    """The state mentioned nearest to ``anchor`` in its sentence, preferring one before it. Areas without a
    government (``Europa``) do not count, nor do states inside another person's role description
    named after it (``taken``: ``Kanzler Faymann und seine deutsche Amtskollegin Merkel``)."""
    ctx = scope.ctx
    segment = ctx.segment_of[anchor.start]
    states = [r for r in ctx.mentions if ctx.segment_of[r.start] == segment and r.type == "GPE"
              and is_state(r.entity_id) and r.entity_id != anchor.entity_id
              and not any(start <= r.start_char < end for start, end in taken) and not _speaks(scope, r, anchor)]
    before = [r for r in states if r.end <= anchor.start]
    if before:
        return max(before, key=lambda r: r.end)
    after = [r for r in states if r.start >= anchor.end]
    return min(after, key=lambda r: r.start) if after else None


_CONTEXT_SENTENCES = 2  # sentences before a state role that may name its state


def _state_before(scope: RelationScope, anchor: MentionRef) -> MentionRef | None:
    """The one state named in the two sentences before ``anchor``'s (``Österreich bekommt Teststrecken.
    Das kündigte Infrastrukturminister Alois Stöger an.``); None when they name several or none."""
    ctx = scope.ctx
    sentence = ctx.sentence[anchor.start]
    states: dict[str, MentionRef] = {}
    for ref in ctx.mentions:
        if ctx.sentence[ref.start] >= sentence:
            break
        if sentence - _CONTEXT_SENTENCES <= ctx.sentence[ref.start] and ref.type == "GPE" and is_state(ref.entity_id):
            states[ref.entity_id] = ref
    return next(iter(states.values())) if len(states) == 1 else None


def _speaks(scope: RelationScope, state: MentionRef, anchor: MentionRef) -> bool:
    """True when ``state`` is the subject of a speech verb in another clause (``Russland verlange,
    Präsident Assad ...``): a state talking about a person is not the state the person serves."""
    ctx = scope.ctx
    clause = ctx.clause_at(state.start)
    if clause is ctx.clause_at(anchor.start) or ctx.is_passive(clause):
        return False
    verbs = {ctx.verb_lemma(v) for v in clause.verbs} | {ctx.lemma(v) for v in clause.verbs}
    return bool(verbs & (ctx.cues.speech_verbs | scope.lexicon.demand_verbs)) and state in subjects(ctx, clause)


def _nearest(scope: RelationScope, entity_id: str, anchor: MentionRef) -> MentionRef | None:
    """The mention of ``entity_id`` closest to ``anchor`` (one inside it first: ``US`` in ``US-Aussenminister``)."""
    refs = [r for r in scope.ctx.mentions if r.entity_id == entity_id]
    if not refs:
        return None
    return min(refs, key=lambda r: (not (anchor.start <= r.start < anchor.end), abs(r.start - anchor.start)))


def role_relations(scope: RelationScope, links: list[RoleLink]) -> list[Relation]:
    """``holds_role_in`` from each role link with an affiliation (stated or taken from the sentence)."""
    ctx = scope.ctx
    found: list[Relation] = []
    for link in links:
        description = _description(scope, link)
        if description is None:
            continue
        role, carried = _base_role(link, links, scope.ctx.cues.noun_endings)
        attributes = {"role": role, "role_as_written": link.text}
        if carried:
            attributes["role_source"] = "colleague"
        person = _person_after(scope, link) if link.kind == "apposition" else None
        source = MentionRef(link.person_id, "PER", description.start, person.end if person else description.end,
                            link.start, person.end_char if person else link.end)
        target = _nearest(scope, link.affiliation_id, description) if link.affiliation_id else None
        state_role = match_suffix(role, scope.lexicon.state_roles, scope.ctx.cues.noun_endings)
        if target is None and link.affiliation_id is None and state_role:
            # a later person's description names that person's state; an earlier one sets the scene
            # (``der türkische Präsident Erdoğan hat Ministerpräsident Davutoğlu ...``)
            taken = [(other.start, other.end) for other in links
                     if other.person_id != link.person_id and other.start >= link.end]
            target = _state_nearby(scope, source, taken) or _state_before(scope, source)
            attributes["affiliation_source"] = "context"
        if target is None:
            continue
        rtype = "holds_role_in"
        endings = scope.ctx.cues.noun_endings
        if target.type == "ORG" and not is_state(target.entity_id):
            rtype = role_type(scope.lexicon, role, endings) or rtype
        elif is_origin_noun(scope.lexicon, role, endings):
            rtype = "originates_from"  # "US-Schauspieler X" says where X comes from, not an office
        relation = make_relation(scope, rtype, source, target, description.end - 1, nominal=True,
                                 attributes=attributes, modality="asserted")
        if relation is not None:
            found.append(relation)
    return found


def party_relations(scope: RelationScope) -> list[Relation]:
    """``Franz Voves (SPÖ)``, ``Josef Krainer und Waltraud Klasnic (beide ÖVP)`` → member_of the party."""
    ctx = scope.ctx
    found: list[Relation] = []
    for i, text in enumerate(ctx.texts):
        if text != "(" or i == 0:
            continue
        j = i + 1
        collective = ctx.lower(j) in scope.lexicon.collective_words
        j += collective
        party = ctx.mention_starting(j)
        if party is None or party.type != "ORG" or ctx.lower(party.end) != ")":
            continue
        person = ctx.entity_at(i - 1)
        if person is None or person.type != "PER" or person.end != i:
            continue
        members = coordinated(ctx, person, ctx.clause_at(person.start)) if collective else [person]
        for member in members:
            if member.type == "PER":
                relation = make_relation(scope, "member_of", member, party, party.end, nominal=True,
                                         modality="asserted")
                if relation is not None:
                    found.append(relation)
    return found
