"""Relations a noun phrase states about a person: role nouns, appositions, origin and membership phrases.

Patterns (the role nouns and prepositions are word lists of ``relations.v2.json``):
    ``Rapid-Stürmer Deni Alar``, ``Bitkom-Expertin Julia Miosga``          → member_of / holds_role_in (prefix)
    ``Rainer Seele, Chef der OMV,``; ``der Trainer von Rapid, Zoran Barisic`` → leads / holds_role_in (genitive, PP)
    ``Rainer Seele ist Vorsitzender der OMV``; ``er wurde Sprecher der SPÖ``   → copula
    ``Andreas Khol von der ÖVP``, ``Rudolf Hundstorfer für die SPÖ``        → member_of
    ``Patric Grüner aus Tirol``, ``der Australier Daniel Ricciardo``, ``US-Starinvestor Warren Buffett``
                                                                            → originates_from
A role of an organisation whose noun is a leader's (``Chef``, ``Obmann``) is ``leads``, a member's
(``Stürmer``, ``Abgeordnete``) ``member_of``, any other ``holds_role_in``; a role of a state is always
``holds_role_in``.
"""

from __future__ import annotations

from collections.abc import Iterator

from newsgraph.extraction.context import DocContext, MentionRef, gazetteer_kinds, is_state
from newsgraph.extraction.evidence import RelationScope, make_relation
from newsgraph.extraction.lexicon import RelationLexicon, match_suffix
from newsgraph.extraction.phrases import np_after, subjects
from newsgraph.records import Relation
from newsgraph.resolve.normalize import fold, fold_lower, noun_forms
from newsgraph.resolve.tables import load_alias_tables, table_lang

ROLE_TYPES = ("leads", "member_of", "holds_role_in")


_ORIGIN = "originates_from"
# id(lexicon) → (lexicon, all role and origin nouns, noun → what it says); built once per lexicon
_ROLE_TABLES: dict[int, tuple[RelationLexicon, frozenset[str], dict[str, str]]] = {}


def _role_table(lexicon: RelationLexicon) -> tuple[frozenset[str], dict[str, str]]:
    """One word set for all role and origin nouns (one cached suffix match per noun instead of four)."""
    known = _ROLE_TABLES.get(id(lexicon))
    if known is None or known[0] is not lexicon:
        kinds: dict[str, str] = {}
        for kind, words in ((_ORIGIN, lexicon.origin_nouns), ("holds_role_in", lexicon.affiliation_roles),
                            ("member_of", lexicon.member_roles), ("leads", lexicon.leader_roles)):
            kinds.update(dict.fromkeys(words, kind))  # a word in two lists: the later list wins
        known = _ROLE_TABLES[id(lexicon)] = (lexicon, frozenset(kinds), kinds)
    return known[1], known[2]


def _noun_kind(lexicon: RelationLexicon, word: str, endings: tuple[str, ...]) -> str | None:
    words, kinds = _role_table(lexicon)
    found = match_suffix(word, words, endings)
    return kinds[found] if found is not None else None


def is_origin_noun(lexicon: RelationLexicon, word: str, endings: tuple[str, ...]) -> bool:
    """True for a person noun that says where a person comes from rather than an office (``Schauspieler``,
    ``Starinvestor``): its ``origin_nouns`` entry is the longest list entry it ends with (not ``spieler``)."""
    return _noun_kind(lexicon, word, endings) == _ORIGIN


def role_type(lexicon: RelationLexicon, word: str, endings: tuple[str, ...]) -> str | None:
    """The relation a role noun gives its holder to an organisation (the longest matching list entry wins:
    ``Kampagnenleiter`` is holds_role_in, ``Leiter`` leads), or None for a word that is no role.

    Args:
        lexicon: The relation lexicon (``leader_roles``, ``member_roles``, ``affiliation_roles``).
        word: The noun as written (a hyphen prefix is ignored).
        endings: Inflection endings of nouns.

    Returns:
        ``leads``, ``member_of``, ``holds_role_in`` or None.
    """
    kind = _noun_kind(lexicon, word, endings)
    return None if kind == _ORIGIN else kind


def _type_for(rtype: str, target: MentionRef) -> str:
    """A role of a state is holds_role_in whatever its noun (``Präsident`` of a state does not lead it here)."""
    return "holds_role_in" if is_state(target.entity_id) or target.type == "GPE" else rtype


class _Index:
    """The article's entities by the folded text of their mentions (for hyphen prefixes: ``Bitkom-Expertin``)."""

    def __init__(self, ctx: DocContext) -> None:
        self.ctx = ctx
        self.by_text: dict[str, MentionRef] = {}
        self.first: dict[str, MentionRef] = {}
        for ref in ctx.mentions:
            self.first.setdefault(ref.entity_id, ref)
            self.by_text.setdefault(fold(ctx.text[ref.start_char : ref.end_char]), ref)
        for ref in ctx.mentions:
            # the name of "Branchenverband Bitkom" is also its last word ("Bitkom-Expertin")
            last = ctx.text[ref.start_char : ref.end_char].rsplit(" ", 1)[-1]
            if ref.type == "ORG" and last[:1].isupper() and last != ctx.text[ref.start_char : ref.end_char]:
                self.by_text.setdefault(fold(last), ref)
        self.tables = load_alias_tables(lang=table_lang(ctx.doc.lang_))

    def prefix_entity(self, i: int) -> MentionRef | None:
        """The entity a hyphen prefix of token ``i`` names (``SPÖ`` in ``SPÖ-Chef``), if the article has it."""
        inner = [r for r in self.ctx.inner_entities(i) if r.is_actor]
        if inner:
            return inner[0]
        prefix, dash, _ = self.ctx.texts[i].rpartition("-")
        if not dash or not prefix:
            return None
        ref = self.by_text.get(fold(prefix))
        if ref is not None:
            return ref
        entry = self.tables.lookup(prefix)
        return self.first.get(entry.id) if entry is not None else None

    def group_named(self, word: str, endings: tuple[str, ...]) -> MentionRef | None:
        """The group (NORP) a noun names in one of its forms (``der Sunnit X`` → Sunniten), if the article has it."""
        for form in noun_forms(word, endings):
            ref = self.by_text.get(fold(form))
            if ref is None:
                ref = next((self.by_text[fold(form + e)] for e in endings if e and fold(form + e) in self.by_text), None)
            if ref is not None and ref.type == "NORP":
                return ref
        return None

    def party_named(self, word: str) -> MentionRef | None:
        """The party a noun names (``Freiheitlichen`` → FPÖ, ``Grüne``), if the article has it."""
        ref = self.by_text.get(fold(word))
        if ref is None:
            entry = self.tables.lookup(word)
            ref = self.first.get(entry.id) if entry is not None else None
        return ref if ref is not None and ref.type == "ORG" and _is_party(ref.entity_id) else None

    def demonym_state(self, word: str, lexicon: RelationLexicon) -> MentionRef | None:
        """The state a demonym noun (``Australier``, ``Deutsche``, ``Steirer``) names, if the article has it."""
        low = fold_lower(word)
        for ending in lexicon.demonym_noun_endings:
            if ending and not low.endswith(ending):
                continue
            stem = low[: len(low) - len(ending)] if ending else low
            for suffix in lexicon.demonym_adjective_suffixes:
                key = self.tables.demonyms.get(stem + suffix)
                if key is not None:
                    entry = self.tables.entries.get(key)
                    found = self.first.get(entry.id if entry is not None else key)
                    if found is not None:
                        return found
        return None


def _is_party(entity_id: str) -> bool:
    return gazetteer_kinds().get(entity_id, ("", None))[0] == "party"


_ROLE_MENTION = "rule:role"  # the resolver's label of a role description that stands for a person


def _persons(ctx: DocContext) -> Iterator[MentionRef]:
    """Mentions of persons by name (not ``US-Präsident`` standing for Obama: its name follows it)."""
    for ref in ctx.mentions:
        if ref.type == "PER" and not ref.partial and ref.label != _ROLE_MENTION and ctx.entity_at(ref.start) == ref:
            yield ref


def _emit(scope: RelationScope, rtype: str, person: MentionRef, target: MentionRef, cue: int,
          found: list[Relation], role: str | None = None) -> None:
    attributes = {"role": role} if role else None
    # what a noun phrase says of a person is a fact of the text, as for the resolver's role links, even in a quote
    relation = make_relation(scope, rtype, person, target, cue, nominal=True, attributes=attributes,
                             modality="asserted")
    if relation is not None:
        found.append(relation)


def _noun_before(ctx: DocContext, person: MentionRef) -> int | None:
    """The capitalised noun right before a person's name (``Rapid-Stürmer`` in ``Rapid-Stürmer Deni Alar``)."""
    i = person.start - 1
    if i < 0 or ctx.entity_at(i) is not None and not ctx.inner_entities(i):
        return None
    return i if ctx.texts[i][:1].isupper() and ctx.is_noun(i) else None


def _prefixed(scope: RelationScope, index: _Index, person: MentionRef, found: list[Relation]) -> None:
    """``Rapid-Stürmer X``, ``US-Starinvestor X``, ``der österreichische Schauspieler X``, ``der Australier X``."""
    ctx, lexicon = scope.ctx, scope.lexicon
    before = ctx.entity_at(person.start - 1)
    if before is not None and before.type == "NORP" and before.end == person.start and before.start == person.start - 1:
        # a nationality names where the person is from ("der Norweger X"); another group, what they belong to
        # ("der Sunnit X")
        state = index.demonym_state(ctx.texts[before.start], lexicon)
        if state is not None and is_state(state.entity_id):
            _emit(scope, "originates_from", person, _at(state, before.start, ctx), before.start, found)
        else:
            _emit(scope, "member_of", person, before, before.start, found)
        return
    if before is not None and before.type == "ORG" and before.end == person.start and _is_party(before.entity_id):
        _emit(scope, "member_of", person, before, before.start, found)  # "den Grünen Alexander Van der Bellen"
        return
    i = _noun_before(ctx, person)
    if i is None:
        return
    endings = ctx.cues.noun_endings
    word = ctx.texts[i]
    # the person with the noun before the name, as one span: the evidence keeps both even when a line break
    # between them ends a sentence piece ("US-Präsident\nBarack Obama")
    person = MentionRef(person.entity_id, person.type, i, person.end, ctx.doc[i].idx, person.end_char)
    origin = is_origin_noun(lexicon, word, endings)
    rtype = None if origin else role_type(lexicon, word, endings)
    target = index.prefix_entity(i) if "-" in word else None
    if target is None and (origin or rtype) and i > 0 and ctx.texts[i - 1][:1].islower():
        target = index.demonym_state(ctx.texts[i - 1], lexicon) if origin else None
    if target is not None and target.entity_id != person.entity_id:
        if origin and is_state(target.entity_id):
            _emit(scope, "originates_from", person, _at(target, i, ctx), i, found)
        elif rtype is not None:
            _emit(scope, _type_for(rtype, target), person, target, i, found, word.rsplit("-", 1)[-1])
        return
    if rtype is None and not origin:
        state = index.demonym_state(word, lexicon)
        if state is not None and is_state(state.entity_id):
            _emit(scope, "originates_from", person, _at(state, i, ctx), i, found)
        group = index.group_named(word, ctx.cues.noun_endings)
        if group is not None:
            _emit(scope, "member_of", person, _at(group, i, ctx), i, found)
        party = index.party_named(word)
        if party is not None:
            _emit(scope, "member_of", person, _at(party, i, ctx), i, found)  # "der Freiheitliche Norbert Hofer"
    elif rtype is not None and match_suffix(word, lexicon.party_roles, endings) is not None:
        party = _organisation_nearby(ctx, i)
        if party is not None:
            _emit(scope, _type_for(rtype, party), person, party, i, found, word)


def _organisation_nearby(ctx: DocContext, i: int) -> MentionRef | None:
    """The one organisation (not a state) named in the sentence of token ``i``: the party of an unqualified
    party role (``spenden die Grünen ... für Klubobfrau Eva Glawischnig``); None when there are several."""
    sentence = ctx.sentence[i]
    found = {r.entity_id: r for r in ctx.mentions
             if r.type == "ORG" and not r.partial and ctx.sentence[r.start] == sentence and not is_state(r.entity_id)}
    return next(iter(found.values())) if len(found) == 1 else None


def _at(ref: MentionRef, i: int, ctx: DocContext) -> MentionRef:
    """``ref``'s entity placed on token ``i`` (a demonym or prefix that names it), so the evidence stays there."""
    token = ctx.doc[i]
    return MentionRef(ref.entity_id, ref.type, i, i + 1, token.idx, token.idx + len(token.text), True, ref.label)


def _after_role(ctx: DocContext, lexicon: RelationLexicon, i: int, end: int) -> MentionRef | None:
    """The organisation or state in a genitive or PP right after role noun ``i`` (``Chef der OMV``,
    ``Trainer von Rapid``, ``Manager bei Siemens``)."""
    j = i + 1
    if ctx.lower(j) not in lexicon.role_prepositions and ctx.lower(j) not in ctx.cues.genitive_determiners:
        return None
    j += 1
    ref, _ = np_after(ctx, j, end)
    if ref is None or ref.type not in ("ORG", "GPE") or ref.partial:
        return None
    return ref


def _np_start(ctx: DocContext, i: int, floor: int) -> int:
    """First token of the NP whose head noun is ``i`` (over articles and adjectives)."""
    j = i
    while j - 1 >= floor and (ctx.lower(j - 1) in ctx.cues.determiners or ctx.doc[j - 1].pos_ == "ADJ"
                              or ctx.texts[j - 1][:1].islower() and ctx.doc[j - 1].is_alpha
                              and ctx.lower(j - 1) not in ctx.cues.prepositions and not ctx.is_verb(j - 1)):
        j -= 1
    return j


def _role_phrases(scope: RelationScope, index: _Index, found: list[Relation]) -> None:
    """``X, Chef der OMV``; ``der Chef der OMV, X``; ``X ist Chef der OMV``; ``der russische Botschafter in
    Wien, X``."""
    ctx, lexicon = scope.ctx, scope.lexicon
    endings = ctx.cues.noun_endings
    # German role nouns are capitalised; English ones mostly are not ("X, spokesman for Y")
    nouns = ctx.capitalised_nouns() if ctx.doc.lang_ == "de" else [i for i in range(len(ctx.doc)) if ctx.is_noun(i)]
    for i in nouns:
        if ctx.entity_at(i) is not None:
            continue
        rtype = role_type(lexicon, ctx.texts[i], endings)
        if rtype is None:
            continue
        clause = ctx.clause_at(i)
        segment_end = ctx.segments[ctx.segment_of[i]][1]
        target = _after_role(ctx, lexicon, i, segment_end)
        if target is None:
            state = index.demonym_state(ctx.texts[i - 1], lexicon) if i > 0 and ctx.texts[i - 1][:1].islower() else None
            person = _person_after_place(ctx, i + 1, segment_end) if state is not None else None
            if state is not None and person is not None and is_state(state.entity_id):
                _emit(scope, "holds_role_in", person, _at(state, i - 1, ctx), i, found, ctx.texts[i])
            continue
        person = _apposed_person(ctx, i, target, segment_end)
        if person is None and ctx.words(clause) & lexicon.copulas:
            person = next((r for r in subjects(ctx, clause) if r.type == "PER" and r.end <= i), None)
        if person is not None:
            _emit(scope, _type_for(rtype, target), person, target, i, found, ctx.texts[i])


_APPOSITION_MARKS = frozenset({",", "-", "–", "—"})  # lower() folds dashes to "-"


def _person_after_place(ctx: DocContext, j: int, end: int) -> MentionRef | None:
    """A person named after a role noun and an optional place PP and comma: ``Botschafter in Wien, X``."""
    if ctx.lower(j) in ctx.cues.prepositions:
        place, k = np_after(ctx, j + 1, end)
        if place is None or not place.is_place:
            return None
        j = place.end
    if ctx.lower(j) not in _APPOSITION_MARKS:
        return None
    after = ctx.mention_starting(j + 1)
    return after if after is not None and after.type == "PER" else None


def _apposed_person(ctx: DocContext, i: int, target: MentionRef, end: int) -> MentionRef | None:
    """The person a role NP is in apposition to: ``X, Chef der OMV`` or ``Chef der OMV, X``."""
    start = _np_start(ctx, i, ctx.segments[ctx.segment_of[i]][0])
    if ctx.lower(start - 1) in _APPOSITION_MARKS:
        before = ctx.entity_at(start - 2)
        if before is not None and before.type == "PER" and before.end == start - 1:
            return before
    j = target.end
    while j < end and ctx.entity_at(j) is not None and ctx.entity_at(j) == target:
        j += 1
    if ctx.lower(j) == ",":
        j += 1
    after = ctx.mention_starting(j)
    return after if after is not None and after.type == "PER" else None


def _phrase_after(ctx: DocContext, person: MentionRef, phrases: frozenset[str]) -> int | None:
    """Index of the first token after a matching one- or two-word phrase right after ``person``, or None."""
    one = ctx.lower(person.end)
    two = f"{one} {ctx.lower(person.end + 1)}"
    if two in phrases:
        return person.end + 2
    if one in phrases:
        return person.end + 1
    return None


def _following(scope: RelationScope, person: MentionRef, found: list[Relation]) -> None:
    """``X von der ÖVP``, ``X für die SPÖ`` → member_of; ``X aus Tirol`` → originates_from."""
    ctx, lexicon = scope.ctx, scope.lexicon
    end = ctx.segments[ctx.segment_of[person.start]][1]
    j = _phrase_after(ctx, person, lexicon.membership_prepositions)
    if j is not None:
        group = ctx.mention_starting(j)
        if group is not None and group.type == "ORG" and not group.partial:
            _emit(scope, "member_of", person, group, person.end, found)
        return
    j = _phrase_after(ctx, person, lexicon.origin_prepositions)
    if j is not None:
        place, _ = np_after(ctx, j, end)
        if place is not None and place.is_place and not place.partial:
            _emit(scope, "originates_from", person, place, person.end, found)


def _bracketed_group(scope: RelationScope, person: MentionRef, found: list[Relation]) -> None:
    """``Peter Filzmaier (Donau-Uni Krems)``, ``Deni Alar (Rapid)``, ``Jane Doe (ÖVP)``: an organisation
    alone in brackets right after a person's name is the one the person belongs to (club, party, employer)."""
    ctx = scope.ctx
    if ctx.lower(person.end) != "(":
        return
    group = ctx.mention_starting(person.end + 1)
    if group is None or group.type != "ORG" or group.partial or ctx.lower(group.end) != ")":
        return
    _emit(scope, "member_of", person, group, group.start, found)


def apposition_relations(scope: RelationScope) -> list[Relation]:
    """All relations stated by role nouns, appositions and origin or membership phrases (see the module docstring)."""
    index = _Index(scope.ctx)
    found: list[Relation] = []
    for person in _persons(scope.ctx):
        _prefixed(scope, index, person, found)
        _following(scope, person, found)
        _bracketed_group(scope, person, found)
    _role_phrases(scope, index, found)
    return found
