"""``located_in`` and ``part_of``: where places and organisations are, and what organisations belong to.

Patterns (all within one clause):
    ``Tampa (Florida)``                          → Tampa located_in Florida
    ``der nordsyrischen Stadt Kobane``           → Kobane located_in Syrien
    ``in der Hauptstadt Tunis``                  → Tunis located_in Tunesien (capital per gazetteer, if named)
    ``Zentralkommandos in Tampa``, ``Kurden im Nordirak`` → located_in (not persons, not attack targets)
    ``US-Zentralkommando``, ``Zentralkommando der USA``   → part_of USA
    ``der russischen Gazprom``                   → located_in Russland (a company of that state)
    ``der staatlichen österreichischen Holding Öbib``, ``der steiermärkische Landtag`` → part_of
    ``X ist (ein) Teil von/der Y``               → part_of
"""

from __future__ import annotations

from collections import Counter

from newsgraph.extraction.context import DocContext, MentionRef, gazetteer_kinds, is_state
from newsgraph.extraction.evidence import RelationScope, make_relation
from newsgraph.extraction.lexicon import RelationLexicon, load_event_lexicon, match_suffix
from newsgraph.extraction.phrases import attachment, np_after, subjects
from newsgraph.records import Relation
from newsgraph.resolve.normalize import fold
from newsgraph.resolve.tables import load_alias_tables, table_lang
from newsgraph.resolve.words import demonym_word


def _adjectival(ctx: DocContext, i: int) -> MentionRef | None:
    """A lowercase mention on one token (a demonym adjective such as ``nordsyrischen``)."""
    ref = ctx.innermost_at(i)
    if ref is None or ref.end - ref.start != 1 or ctx.doc[i].text[:1].isupper():
        return None
    return ref


def _parentheses(scope: RelationScope) -> list[Relation]:
    ctx = scope.ctx
    found = []
    for ref in ctx.mentions:
        if ref.partial or not ref.is_place or is_state(ref.entity_id) or ctx.lower(ref.end) != "(":
            continue
        inner = ctx.mention_starting(ref.end + 1)
        if inner is None or not inner.is_place or ctx.lower(inner.end) != ")":
            continue
        relation = make_relation(scope, "located_in", ref, inner, inner.end, nominal=True)
        if relation is not None:
            found.append(relation)
    return found


_LIST_WORDS = frozenset({"und", "oder", "sowie", "and", "or", "et", "ou", "e", "o"})


def _place_comma_state(scope: RelationScope) -> list[Relation]:
    """``in Paris, France``, ``the coast of Aceh, Indonesia``, ``Tampa, Florida``: a place, a comma and the state or
    region it lies in (not in a list: ``Paris, Frankreich und Italien``; not a state before the comma)."""
    ctx = scope.ctx
    found = []
    for ref in ctx.mentions:
        if ref.partial or not ref.is_place or is_state(ref.entity_id) or ctx.lower(ref.end) != ",":
            continue
        container = ctx.mention_starting(ref.end + 1)
        if container is None or not container.is_place or not is_state(container.entity_id):
            continue
        if ctx.lower(container.end) in _LIST_WORDS or ctx.lower(container.end) == "," and (
                ctx.mention_starting(container.end + 1) is not None):
            continue
        if ref.start > 0 and ctx.lower(ref.start - 1) == "," and ctx.entity_at(ref.start - 2) is not None:
            continue  # "Berlin, Paris, France": a list of places
        relation = make_relation(scope, "located_in", ref, container, ref.end, nominal=True)
        if relation is not None:
            found.append(relation)
    return found


def _classified(scope: RelationScope) -> list[Relation]:
    """``der nordsyrischen Stadt Kobane``, ``die syrische Hauptstadt Damaskus``, ``in der Hauptstadt Tunis``."""
    ctx = scope.ctx
    lexicon = scope.lexicon
    first = first_mentions(ctx)
    endings = ctx.cues.noun_endings
    found = []
    for i in range(1, len(ctx.doc) - 1):
        if not ctx.is_noun(i) or match_suffix(ctx.texts[i], lexicon.place_classifiers, endings) is None:
            continue
        place = ctx.mention_starting(i + 1)
        if place is None or not place.is_place or is_state(place.entity_id):
            continue
        container = _adjectival(ctx, i - 1) or _prefix_place(ctx, i, first)
        if container is None or not container.is_place:
            capital = match_suffix(ctx.texts[i], lexicon.capital_nouns, endings)
            container = _capital_state(first, place) if capital else None
        if container is None:
            continue
        relation = make_relation(scope, "located_in", place, container, i, nominal=True)
        if relation is not None:
            found.append(relation)
    return found


def _prefix_place(ctx: DocContext, i: int, first: dict[str, MentionRef]) -> MentionRef | None:
    """The state a hyphen prefix of a classifier noun names (``US-Ostküstenstadt Philadelphia``)."""
    inner = [r for r in ctx.inner_entities(i) if r.is_place and is_state(r.entity_id)]
    if inner:
        return inner[0]
    prefix, dash, _ = ctx.texts[i].rpartition("-")
    if not dash or not prefix:
        return None
    entry = load_alias_tables(lang=table_lang(ctx.doc.lang_)).lookup(prefix)
    return first.get(entry.id) if entry is not None and is_state(entry.id) else None


def _apposed_places(scope: RelationScope) -> list[Relation]:
    """``in Lyon, der drittgrößten Stadt Frankreichs``; ``im steirischen Leoben``."""
    ctx = scope.ctx
    lexicon = scope.lexicon
    endings = ctx.cues.noun_endings
    found = []
    for ref in ctx.mentions:
        if ref.partial or not ref.is_place or is_state(ref.entity_id):
            continue
        container = _adjectival(ctx, ref.start - 1) if ctx.entity_at(ref.start) == ref else None
        cue = ref.start - 1
        if container is None and ctx.lower(ref.end) == "," and ctx.lower(ref.end + 1) in ctx.cues.determiners:
            end = ctx.segments[ctx.segment_of[ref.start]][1]
            j = ref.end + 2
            while j < end and (ctx.doc[j].pos_ in ("ADJ", "NUM") or ctx.texts[j][:1].islower() and ctx.doc[j].is_alpha
                               and ctx.entity_at(j) is None and not ctx.is_verb(j)):
                j += 1
            if j < end and ctx.is_noun(j) and match_suffix(ctx.texts[j], lexicon.place_classifiers, endings):
                cue = j
                if ctx.lower(j + 1) in ctx.cues.genitive_determiners:
                    j += 1
                container, _ = np_after(ctx, j + 1, end)
        if container is None or not container.is_place or container.entity_id == ref.entity_id:
            continue
        relation = make_relation(scope, "located_in", ref, container, cue, nominal=True)
        if relation is not None:
            found.append(relation)
    return found


def _named_after_place(scope: RelationScope) -> list[Relation]:
    """An organisation whose name ends with a place the article names: ``Universität Salzburg``,
    ``Landesgericht Wiener Neustadt`` → located_in."""
    ctx = scope.ctx
    tables = load_alias_tables(lang=table_lang(ctx.doc.lang_))
    first = first_mentions(ctx)
    places = {fold(ctx.text[r.start_char : r.end_char]): r for r in ctx.mentions if r.is_place and not r.partial}
    found = []
    for ref in ctx.mentions:
        if ref.partial or ref.type != "ORG":
            continue
        words = ctx.text[ref.start_char : ref.end_char].split()
        for size in (2, 1):
            if len(words) <= size:
                continue
            tail = " ".join(words[-size:])
            entry = tables.lookup(tail)
            place = first.get(entry.id) if entry is not None else places.get(fold(tail))
            if place is not None and place.is_place and place.entity_id != ref.entity_id:
                relation = make_relation(scope, "located_in", ref, place, ref.start, nominal=True)
                if relation is not None:
                    found.append(relation)
                break
    return found


def _capital_state(first: dict[str, MentionRef], place: MentionRef) -> MentionRef | None:
    """A mention of the state ``place`` is the capital of, if the article names that state."""
    state = gazetteer_kinds().get(place.entity_id, ("", None))[1]
    return first.get(state) if state else None


def _event_noun(ctx: DocContext, i: int | None) -> bool:
    triggers = load_event_lexicon(lang=table_lang(ctx.doc.lang_)).noun_triggers
    return i is not None and match_suffix(ctx.doc[i].text, triggers, ctx.cues.noun_endings) is not None


def _in_place(scope: RelationScope) -> list[Relation]:
    """``Zentralkommandos in Tampa``, ``die Kurden im Nordirak``: a non-person right before ``in`` + place."""
    ctx = scope.ctx
    lexicon = scope.lexicon
    found = []
    for ref in ctx.mentions:
        if ref.partial or ref.type in lexicon.non_located_types or is_state(ref.entity_id):
            continue
        if ctx.lower(ref.end) not in lexicon.located_prepositions or not ctx.doc[ref.end - 1].text[:1].isupper():
            continue
        clause = ctx.clause_at(ref.start)
        place, _ = np_after(ctx, ref.end + 1, clause.end, lexicon.place_classifiers)
        if place is None or not place.is_place:
            continue
        where = attachment(ctx, ref.start, clause, lexicon.place_classifiers)
        if where.prep in lexicon.against_prepositions or _event_noun(ctx, where.noun):
            continue
        relation = make_relation(scope, "located_in", ref, place, ref.end, nominal=True)
        if relation is not None:
            found.append(relation)
    return found


def _part_of(scope: RelationScope) -> list[Relation]:
    """An organisation named with its state: ``US-Zentralkommando``, ``Zentralkommando der USA``."""
    ctx = scope.ctx
    first = first_mentions(ctx)
    found = []
    for ref in ctx.mentions:
        if ref.partial or ref.type != "ORG":
            continue
        states = [r for i in range(ref.start, ref.end) for r in ctx.inner_entities(i) if is_state(r.entity_id)]
        states += _prefix_state(ctx, ref, first)
        if ctx.lower(ref.end) in ctx.cues.genitive_determiners:
            after, _ = np_after(ctx, ref.end + 1, ctx.clause_at(ref.start).end)
            if after is not None and is_state(after.entity_id):
                states.append(after)
        for state in states[:1]:
            relation = make_relation(scope, "part_of", ref, state, ref.start, nominal=True)
            if relation is not None:
                found.append(relation)
    return found


def _subsidiaries(scope: RelationScope) -> list[Relation]:
    """``die VW-Tochter Audi``, ``der RTL-Ableger X``: an organisation after a part noun whose hyphen prefix
    names another organisation of the article → part_of it."""
    ctx = scope.ctx
    tables = load_alias_tables(lang=table_lang(ctx.doc.lang_))
    first = first_mentions(ctx)
    by_text = {fold(ctx.text[r.start_char : r.end_char]): r for r in ctx.mentions if r.type == "ORG" and not r.partial}
    found = []
    for ref in ctx.mentions:
        i = ref.start - 1
        if ref.partial or ref.type != "ORG" or i < 0 or "-" not in ctx.texts[i] or not ctx.is_noun(i):
            continue
        prefix, _, noun = ctx.texts[i].rpartition("-")
        if not prefix or match_suffix(noun, scope.lexicon.part_nouns, ctx.cues.noun_endings) is None:
            continue
        owner = next((r for r in ctx.inner_entities(i) if r.type == "ORG"), None) or by_text.get(fold(prefix))
        if owner is None:
            entry = tables.lookup(prefix)
            owner = first.get(entry.id) if entry is not None else None
        if owner is None or owner.type != "ORG" or owner.entity_id == ref.entity_id:
            continue
        relation = make_relation(scope, "part_of", ref, _on_token(ctx, owner, i), i, nominal=True)
        if relation is not None:
            found.append(relation)
    return found


def _on_token(ctx: DocContext, ref: MentionRef, i: int) -> MentionRef:
    """``ref``'s entity placed on token ``i`` (the prefix that names it), so the evidence stays there."""
    token = ctx.doc[i]
    return MentionRef(ref.entity_id, ref.type, i, i + 1, token.idx, token.idx + len(token.text), True, ref.label)


def _prefix_state(ctx: DocContext, ref: MentionRef, first: dict[str, MentionRef]) -> list[MentionRef]:
    """The state a hyphen prefix of an organisation's name stands for (``US-Zentralkommando``), if the
    article mentions that state."""
    prefix, dash, _ = ctx.text[ref.start_char : ref.end_char].partition("-")
    entry = load_alias_tables(lang=table_lang(ctx.doc.lang_)).lookup(prefix) if dash and prefix else None
    if entry is None or not is_state(entry.id):
        return []
    return [first[entry.id]] if entry.id in first else []


def first_mentions(ctx: DocContext) -> dict[str, MentionRef]:
    """Entity id → its first mention in the Doc (one pass, instead of a search of all mentions per lookup)."""
    found: dict[str, MentionRef] = {}
    for ref in ctx.mentions:
        found.setdefault(ref.entity_id, ref)
    return found


def _national_orgs(scope: RelationScope) -> list[Relation]:
    """``der russischen Gazprom`` → located_in Russland; ``der staatlichen österreichischen Holding Öbib``,
    ``die Abu-Dhabi-Staatsholding Ipic``, ``der steiermärkische Landtag`` → part_of the state."""
    ctx = scope.ctx
    tables = load_alias_tables(lang=table_lang(ctx.doc.lang_))
    first = first_mentions(ctx)
    german = ctx.doc.lang_ == "de"
    found = []
    for ref in ctx.mentions:
        if ref.partial or ref.type != "ORG":
            continue
        clause = ctx.clause_at(ref.start)
        start = ref.start
        if start > clause.start and ctx.is_noun(start - 1) and ctx.entity_at(start - 1) is None:
            start -= 1  # the classifier noun of an apposition: "Holding Öbib", "Abu-Dhabi-Staatsholding Ipic"
        while start > clause.start and ctx.lower(start - 1) not in ctx.cues.determiners and (
            ctx.doc[start - 1].pos_ == "ADJ" or ctx.doc[start - 1].text[:1].islower() and ctx.doc[start - 1].is_alpha
        ):
            start -= 1
        words = [ctx.doc[j].text for j in range(start, ref.end)]
        state: MentionRef | None = None
        cue = ref.start
        for j, word in enumerate(words, start):
            # German demonym adjectives are lowercase ("russischen"), English ones not ("Indonesian Navy")
            demonym = demonym_word(word, tables) if word[:1].islower() or german is False else None
            entry = tables.entries.get(demonym.key) if demonym is not None else None
            if entry is None and "-" in word:
                entry = tables.lookup(word.rsplit("-", 1)[0])
            if entry is not None and is_state(entry.id) and entry.id in first:
                state, cue = first[entry.id], min(j, ref.start)
        if state is None:
            continue
        owned = any(_state_owned(scope.lexicon, word, ctx.cues.noun_endings) for word in words)
        relation = make_relation(scope, "part_of" if owned else "located_in", ref, state, cue, nominal=True)
        if relation is not None:
            found.append(relation)
    return found


def _state_owned(lexicon: RelationLexicon, word: str, endings: tuple[str, ...]) -> bool:
    """``staatlichen``, ``Staatsholding``, ``Finanzministerium``: a word that says the state owns the organisation."""
    low = word.lower()
    return low.startswith(tuple(lexicon.state_owned_prefixes)) or match_suffix(word, lexicon.state_institutions, endings) is not None


def _part_nouns(scope: RelationScope) -> list[Relation]:
    """``X ist (ein) Teil der Y`` / ``X, Teil von Y``."""
    ctx = scope.ctx
    found = []
    for i in range(len(ctx.texts)):
        if not ctx.is_noun(i) or ctx.lower(i) not in scope.lexicon.part_nouns:
            continue
        clause = ctx.clause_at(i)
        start = i + 1 + (ctx.lower(i + 1) in scope.lexicon.of_prepositions)
        whole, _ = np_after(ctx, start, clause.end)
        holders = [r for r in subjects(ctx, clause) if r.end <= i]
        if whole is None or not holders:
            continue
        relation = make_relation(scope, "part_of", holders[0], whole, i, nominal=True)
        if relation is not None:
            found.append(relation)
    return found


def _state_bodies(scope: RelationScope) -> list[Relation]:
    """A state body the resolver tied to its state (``Innenministerium`` in an article about Austria) →
    part_of that state, when the article names the state; the evidence is the body's mention, with the
    state's when a sentence names both."""
    ctx = scope.ctx
    if not ctx.part_of:
        return []
    first = first_mentions(ctx)
    bodies: dict[str, list[MentionRef]] = {}
    states: dict[str, list[MentionRef]] = {}
    for ref in ctx.mentions:
        if ref.partial:
            continue
        if ref.entity_id in ctx.part_of:
            bodies.setdefault(ref.entity_id, []).append(ref)
        states.setdefault(ref.entity_id, []).append(ref)
    # a state only the context implies must be one the article names most, itself or by its capital (the
    # resolver's vote also counts parties and organisations, which can point elsewhere)
    counts: Counter[str] = Counter()
    for key, refs in states.items():
        owner = key if is_state(key) else gazetteer_kinds().get(key, ("", None))[1]
        if owner is not None:
            counts[owner] += len(refs)
    top = max(counts.values(), default=0)
    found = []
    for body_id, refs in bodies.items():
        state_id = ctx.part_of[body_id]
        if state_id not in first or state_id == body_id:
            continue
        body, state, near = refs[0], first[state_id], None
        for ref in refs:
            near = next((s for s in states.get(state_id, ()) if ctx.segment_of[s.start] == ctx.segment_of[ref.start]), None)
            if near is not None:
                body, state = ref, near
                break
        if near is None and counts[state_id] < top:
            continue
        relation = make_relation(scope, "part_of", body, state, body.start, nominal=True, modality="asserted")
        if relation is not None:
            found.append(relation)
    return found


def place_relations(scope: RelationScope) -> list[Relation]:
    """All ``located_in`` and ``part_of`` relations of the Doc (see the module docstring)."""
    return (_parentheses(scope) + _place_comma_state(scope) + _classified(scope) + _apposed_places(scope) + _in_place(scope) + _part_of(scope)
            + _national_orgs(scope) + _named_after_place(scope) + _part_nouns(scope) + _state_bodies(scope)
            + _subsidiaries(scope))
