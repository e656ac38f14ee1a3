"""Find the spans that name or refer to entities: cleaned NER spans plus gazetteer, acronym, prefix,
demonym and capital rules. Nothing is merged here (see :mod:`newsgraph.resolve.cluster`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from newsgraph.resolve.docview import DocTokens, first_unflagged
from newsgraph.resolve.normalize import fold
from newsgraph.resolve.tables import BODY_KIND, AliasTables, GazEntry
from newsgraph.resolve.words import (
    acronym_matches,
    demonym_word,
    ends_with_any,
    is_acronym,
    is_capitalised,
    role_word,
)

# NER labels the resolver understands, mapped to its own label set; anything else (DATE, ...) is ignored.
NER_LABELS = {"PER": "PER", "PERSON": "PER", "ORG": "ORG", "LOC": "LOC", "GPE": "GPE", "MISC": "MISC",
              "NORP": "NORP", "FAC": "LOC"}
_COMPASS = re.compile(r"^(Nordost|Nordwest|Südost|Südwest|Nord|Süd|Ost|West|Zentral)-?(.+)$")
_PERSON_OVERRIDE_KINDS = frozenset({"country", "org", "group"})
_MINUTE = re.compile(r"^(\d{1,3})\.?(?:[/+].*)?$")  # "44.", "43./SH", "90.+2" in a scorer list's "(44.)"
_SCORE = re.compile(r"^\d{1,2}:\d{1,2}$")  # a result "2:3" ends a scorer list: the next match begins
_SCORE_LIST_SPAN = 80  # tokens a scorer list may run after its label

RULE_PREFIX = "rule:"
"""A candidate's label starts with this when a rule, not the NER, found it (``rule:prefix``)."""


@dataclass
class Candidate:
    """A span that names or refers to an entity, before merging.

    Attributes:
        start, end: Token range of the whole mention (``end`` exclusive).
        start_char, end_char: Char offsets of the mention in ``doc.text``.
        name_start: First token of the name proper (after a descriptor such as ``Terrormiliz``).
        label: The NER label, or the rule that found the span (``rule:prefix``, ...).
        name: The name used for merging and naming (base form: ``Russland`` for ``Russlands``).
        key: Gazetteer key when the span is a known name.
        etype: Entity type a rule is sure of (``LOC`` for a facility, ``GPE`` after ``Stadt``).
        ref: True for references (a prefix, demonym, capital or role): they attach to an entity but
            never contribute its name.
        target: For a reference to an unknown name of the article: the folded name it refers to.
    """

    start: int
    end: int
    start_char: int
    end_char: int
    name_start: int
    label: str
    name: str
    key: str | None = None
    etype: str | None = None
    ref: bool = False
    target: str | None = None

    @property
    def ner_label(self) -> str | None:
        """The resolver label of an NER span, None for rule-found spans."""
        return None if self.label.startswith(RULE_PREFIX) else NER_LABELS.get(self.label)


class DocView(DocTokens):
    """A Doc with the tables, sentence starts and token tests the resolution rules need.

    Args:
        doc: The Doc.
        tables: Alias tables (gazetteer, demonyms, lexicon).
    """

    def __init__(self, doc: Doc, tables: AliasTables) -> None:
        super().__init__(doc)
        self.tables = tables
        self.lex = tables.lexicon
        quote_marks = self.lex.quote_marks
        self._marks = [punct or space or text in quote_marks
                       for punct, space, text in zip(self._is_punct, self._is_space, self.texts)]
        self._first_word: dict[int, int] = {}  # sentence start → its first token that is no mark

    def chars(self, start: int, end: int) -> tuple[int, int]:
        """Char offsets of the token range ``[start, end)``."""
        last = self.doc[end - 1]
        return self.doc[start].idx, last.idx + len(last.text)

    def is_mark(self, i: int) -> bool:
        """True for punctuation, whitespace and quote marks (a quote mark may be tagged as a word)."""
        return self._marks[i]

    def at_sentence_start(self, i: int) -> bool:
        """True when only punctuation or quote marks stand between the sentence start and token ``i``."""
        return first_unflagged(self._marks, self.sentence_start[i], self._first_word) >= i

    def candidate(self, start: int, end: int, label: str, name: str, **fields: object) -> Candidate:
        start_char, end_char = self.chars(start, end)
        name_start = int(fields.pop("name_start", start))  # type: ignore[call-overload]
        return Candidate(start, end, start_char, end_char, name_start, label, name, **fields)  # type: ignore[arg-type]


def covered_tokens(candidates: Iterable[Candidate]) -> set[int]:
    """Token indices inside the name part of any non-reference candidate."""
    return {i for c in candidates if not c.ref for i in range(c.name_start, c.end)}


# --- NER spans ---------------------------------------------------------------------------------------


def _trim(view: DocView, start: int, end: int, label: str) -> tuple[int, int]:
    """Drop leading determiners/possessives/punctuation and trailing punctuation; for persons also
    titles, role nouns and lowercase words (``US-Präsident Barack Obama`` → ``Barack Obama``), for
    other names a leading demonym adjective (``deutsche Bundesamt für ...``)."""
    lex, tables = view.lex, view.tables
    while start < end and (view.is_mark(start) or view.lower(start) in lex.determiners | lex.possessives):
        start += 1
    while end > start and view.is_mark(end - 1):
        end -= 1
    while end - start > 1:
        text = view.texts[start]
        if label == "PER":
            strip = (view.lower(start) in lex.person_titles or role_word(text, tables) is not None
                     or not is_capitalised(text))
        else:
            strip = not is_capitalised(text) and demonym_word(text, tables) is not None
        if not strip:
            break
        start += 1
    return start, end


def _is_role_compound(text: str, tables: AliasTables) -> bool:
    """A hyphenated role noun (``Pentagon-Sprecher``, ``US-Präsidentin``); a bare one may be a surname (Richter)."""
    role = role_word(text, tables)
    return role is not None and role.prefix is not None


def _compass_name(text: str, tables: AliasTables) -> str | None:
    """``Nordirak`` / ``Nord-Irak`` / ``Nordiraks`` → ``Nordirak`` when the rest is a known country or region."""
    match = _COMPASS.match(text)
    if not match:
        return None
    direction, rest = match.groups()
    for variant in (rest, rest[:1].upper() + rest[1:]):
        found = tables.lookup_inflected(variant)
        if found is not None and found[0].kind in ("country", "region"):
            base = found[1]
            return f"{direction}-{base}" if "-" in text else direction + base[:1].lower() + base[1:]
    return None


def _gazetteer_overrides_person(entry: GazEntry, view: DocView, start: int, end: int, surnames: set[str]) -> bool:
    """A PER span that is a known country, organisation or group is that; a single-word PER span that is
    a known city is the city (``Damaskus –`` datelines), unless it is the surname of a person in the text."""
    if entry.kind in _PERSON_OVERRIDE_KINDS:
        return True
    return end - start == 1 and entry.type == "GPE" and fold(view.texts[start]) not in surnames


def _is_minute(view: DocView, i: int) -> bool:
    """``(`` + a match minute at ``i``: ``(44.)``, ``(43./SH)``, ``(90.+2)``."""
    if i + 1 >= len(view.doc) or view.doc[i].text != "(":
        return False
    minute = _MINUTE.match(view.doc[i + 1].text)
    return minute is not None and int(minute.group(1)) <= 130


def score_list_candidates(view: DocView, candidates: list[Candidate]) -> list[Candidate]:
    """The scorers of a sport report's list (``Tore: Martinsen (59.), Nyquist (21./PP)``) are persons: the
    capitalised word before each minute becomes a PER candidate, in place of a one-word NER span of another
    type on it (a surname tagged as a town).

    Returns:
        ``candidates`` with the scorers' spans replaced or added.
    """
    labels = view.lex.score_list_labels
    doc = view.doc
    scorers: set[int] = set()
    i = 0
    while labels and i < len(doc) - 1:
        if view.lower(i) not in labels or doc[i + 1].text != ":":
            i += 1
            continue
        j = i + 2
        while j < min(len(doc) - 1, i + 2 + _SCORE_LIST_SPAN):
            if _SCORE.match(doc[j].text) or view.lower(j) in labels and doc[j + 1].text == ":":
                break
            if doc[j].is_alpha and is_capitalised(doc[j].text) and _is_minute(view, j + 1):
                scorers.add(j)
            j += 1
        i = j
    if not scorers:
        return candidates
    kept = [c for c in candidates
            if not (c.end - c.start == 1 and c.start in scorers and NER_LABELS.get(c.label) != "PER")]
    covered = {k for c in kept for k in range(c.start, c.end)}
    kept += [view.candidate(j, j + 1, "PER", doc[j].text) for j in sorted(scorers) if j not in covered]
    return kept


def _name_candidate(
    view: DocView, start: int, end: int, label: str, mention_start: int, surnames: set[str]
) -> Candidate | None:
    """A candidate for the name ``doc[start:end]`` with gazetteer and compass rules applied."""
    tables = view.tables
    text = view.doc[start:end].text
    found = tables.lookup_inflected(text)
    if found is not None and (label != "PER" or _gazetteer_overrides_person(found[0], view, start, end, surnames)):
        entry, base = found
        return view.candidate(mention_start, end, label, base, name_start=start, key=entry.key)
    if end - start == 1 and label != "PER":
        compass = _compass_name(text, tables)
        if compass is not None:
            return view.candidate(mention_start, end, label, compass, name_start=start, etype="LOC")
        if demonym_word(text, tables) is not None:
            return None  # an adjective tagged MISC: the demonym rule decides whether it names a state
    return view.candidate(mention_start, end, label, text, name_start=start)


def _prefix_head(text: str, tables: AliasTables, article_names: Mapping[str, str]) -> str | None:
    """The first part of a hyphen compound when it is a known name or a name of this article
    (``US`` in ``US-Aussenminister``, ``NSU`` in ``NSU-Trio``) and the whole is no name itself."""
    head, sep, tail = text.partition("-")
    if not sep or not tail[:1].isalpha() or tables.lookup_inflected(text) is not None:
        return None
    entry = tables.lookup(head)
    if entry is not None and entry.type in ("GPE", "ORG"):
        return head
    return head if fold(head) in article_names else None


def article_names(candidates: Iterable[Candidate]) -> dict[str, str]:
    """``fold(name) → name`` of the unknown non-person names the NER found, for prefix matching.

    Only acronyms and capitalised names of three letters or more, without hyphens.
    """
    names: dict[str, str] = {}
    for c in candidates:
        if c.key is None and not c.ref and c.ner_label in ("ORG", "LOC", "GPE", "MISC") and "-" not in c.name:
            if is_acronym(c.name) or (len(c.name) >= 3 and is_capitalised(c.name)):
                names.setdefault(fold(c.name), c.name)
    return names


def known_names_joined(view: DocView) -> list[Span]:
    """``doc.ents``, with two adjacent entities joined where together they are a known name: an NER that
    splits ``Islamischer Staat`` into MISC ``Islamischer`` + ORG ``Staat`` gives one span, labelled as its
    last part (the head of a German name)."""
    ents = list(view.doc.ents)
    joined: list[Span] = []
    k = 0
    while k < len(ents):
        ent = ents[k]
        following = ents[k + 1] if k + 1 < len(ents) else None
        if following is not None and following.start == ent.end:
            whole = view.doc[ent.start:following.end]
            if view.tables.lookup(whole.text) is not None:
                joined.append(Span(view.doc, ent.start, following.end, label=following.label_))
                k += 2
                continue
        joined.append(ent)
        k += 1
    return joined


def ner_candidates(view: DocView) -> list[Candidate]:
    """Candidates from ``doc.ents``: trimmed, descriptor/cue words split off, known names looked up.

    A single-word compound whose first part is a name (``US-Aussenminister``, ``Ukraine-Krise``,
    ``NSU-Trio``) is dropped unless the NER calls it an ORG with a name-like tail: the prefix rule
    adds the mention of the name instead.
    """
    lex = view.lex
    surnames = {fold(e[-1].text) for e in view.doc.ents if NER_LABELS.get(e.label_) == "PER" and len(e) > 1}
    candidates = []
    for ent in known_names_joined(view):
        label = NER_LABELS.get(ent.label_)
        if label is None:
            continue
        start, end = _trim(view, ent.start, ent.end, label)
        if start >= end:
            continue
        if label == "PER" and end - start == 1 and _is_role_compound(view.texts[start], view.tables):
            continue  # ``Pentagon-Sprecher`` alone names a role, not a person
        # an OntoNotes FAC (airport, base, bridge) is a place for sure, never a town by default
        mention_start, etype = start, ("LOC" if ent.label_ == "FAC" else None)
        first = view.lower(start)
        if end - start > 1 and label != "PER":
            if (ends_with_any(first, lex.org_descriptors_suffix, lex.noun_endings)
                    and is_capitalised(view.texts[start + 1])):
                start += 1
            elif ends_with_any(first, lex.facility_cues_suffix, lex.noun_endings):
                start, etype = start + 1, "LOC"
            elif ends_with_any(first, lex.gpe_cues_suffix, lex.noun_endings):
                start = mention_start = start + 1
                etype = "GPE"
        if _in_role_phrase(view, start, end):
            continue
        candidate = _name_candidate(view, start, end, label, mention_start, surnames)
        if candidate is None:
            continue
        candidate.label = ent.label_
        if etype is not None and candidate.key is None:
            candidate.etype = etype
        candidates.append(candidate)
    names = article_names(candidates)
    candidates = [c for c in candidates if not _prefixed_compound(view, c, names)]
    for candidate in candidates:
        _extend_left(view, candidate)
    return candidates


def _in_role_phrase(view: DocView, start: int, end: int) -> bool:
    """A word of a multi-word role that the NER took for a name: ``State`` in ``Secretary of State``,
    ``État`` in ``secrétaire d'État`` (languages with ``role_parts`` only)."""
    parts = view.lex.role_parts
    if not parts or view.tables.lookup(view.doc[start:end].text) is not None:
        return False
    return all(view.lower(j) in parts for j in range(start, end)) and view.lower(start - 1) in parts


def _prefixed_compound(view: DocView, candidate: Candidate, names: Mapping[str, str]) -> bool:
    if candidate.key is not None or candidate.ner_label == "PER" or candidate.end - candidate.name_start != 1:
        return False
    if _prefix_head(candidate.name, view.tables, names) is None:
        return False
    tail = candidate.name.split("-")[-1]
    return (candidate.ner_label != "ORG" or ends_with_any(tail, view.lex.state_nouns_suffix, view.lex.noun_endings)
            or bool(role_word(tail, view.tables)))


def _extend_left(view: DocView, candidate: Candidate) -> None:
    """Include a descriptor (``Terrormiliz``) or facility cue (``Militärstützpunkt``) written before the name."""
    i = candidate.start - 1
    if i < 0 or candidate.start != candidate.name_start or not is_capitalised(view.texts[i]):
        return
    entry = view.tables.entries.get(candidate.key) if candidate.key else None
    is_org = candidate.ner_label == "ORG" or (entry is not None and entry.type == "ORG")
    # a facility cue right before an unknown name makes it a place even when the NER guessed ORG
    # (``Militärstützpunkt Andrews``); descriptors of organisations were tried first
    is_place = candidate.ner_label in ("LOC", "GPE", "ORG") and entry is None
    if is_org and ends_with_any(view.lower(i), view.lex.org_descriptors_suffix, view.lex.noun_endings):
        candidate.start = i
    elif is_place and ends_with_any(view.lower(i), view.lex.facility_cues_suffix, view.lex.noun_endings):
        candidate.start, candidate.etype = i, "LOC"
    else:
        return
    candidate.start_char = view.doc[i].idx


def _coordinated_body(view: DocView, candidate: Candidate, entry: GazEntry) -> Candidate | None:
    """``Wissenschafts- und Wirtschaftsministerium``: a state body whose compound shares its head with a
    truncated word before ``und`` names one institution with a double remit; an unknown ORG of that name."""
    i = candidate.start
    if entry.kind != BODY_KIND or i < 2 or view.lower(i - 1) != "und" or " " in view.texts[i]:
        return None
    first = view.texts[i - 2]
    if len(first) < 3 or not first.endswith("-") or not is_capitalised(first):
        return None
    name = view.doc[i - 2 : candidate.end].text
    return view.candidate(i - 2, candidate.end, entry.type, name)


# --- gazetteer and acronyms ----------------------------------------------------------------------------


def gazetteer_candidates(view: DocView, taken: set[int]) -> list[Candidate]:
    """Known names the NER missed (countries, cities, IS, UN, Kurden, ...), longest match first.

    Matching is case-sensitive on whole tokens, so ``IS`` never matches inside a word and ``US`` only
    as a token of its own (hyphen prefixes are :func:`prefix_candidates`' job).
    """
    doc, tables = view.doc, view.tables
    texts, spaces, heads = view.texts, view.spaces, tables.multiword_heads
    blocked = [j in taken or not text.strip() for j, text in enumerate(texts)]
    candidates: list[Candidate] = []
    i = 0
    while i < len(doc):
        if i in taken or not texts[i][:1].isalpha():
            i += 1
            continue
        # a multi-word name must start with one of the heads (when token i ends a word, its text is the word)
        longest = min(tables.max_alias_tokens, len(doc) - i) if not spaces[i] or fold(texts[i]) in heads else 1
        capitalised = is_capitalised(texts[i])
        for n in range(longest, 0, -1):
            if any(blocked[i : i + n]):
                continue
            # = doc[i : i + n].text (a Span's text drops only its last token's trailing space)
            text = "".join(texts[j] + spaces[j] for j in range(i, i + n - 1)) + texts[i + n - 1]
            if n > 1 and not spaces[i] and fold(text.split(None, 1)[0]) not in heads:
                continue  # token i is glued to the next: its word is longer than the token
            if capitalised:
                found = tables.lookup_inflected(text)
            else:  # a lowercase span counts only as an exact alias (``dschihadisten``), never inflected
                exact = tables.lookup(text)
                found = (exact, text) if exact is not None else None
            if found is None and n == 1 and capitalised:
                compass = _compass_name(texts[i], tables)
                if compass is not None:
                    candidates.append(view.candidate(i, i + 1, "rule:gazetteer", compass, etype="LOC"))
                    break
            if found is None:
                continue
            entry, base = found
            candidate = view.candidate(i, i + n, "rule:gazetteer", base, key=entry.key)
            _extend_left(view, candidate)
            candidates.append(_coordinated_body(view, candidate, entry) or candidate)
            i += n - 1
            break
        i += 1
    return candidates


def cue_candidates(view: DocView, taken: set[int]) -> list[Candidate]:
    """Names the NER missed right after a cue noun: ``Militärstützpunkt Andrews`` (LOC, the mention keeps
    the cue, as in the name), ``Stadt Kobane`` (GPE), ``Staatssekretär Mahrer`` (a person: a proper noun
    after a role noun).

    Only a single capitalised word followed by a lowercase word, punctuation or the end, so that two
    nouns in a row are not taken for a name.
    """
    doc, lex, tables, texts = view.doc, view.lex, view.tables, view.texts
    candidates = []
    for i in range(len(doc) - 1):
        j = i + 1
        if i in taken or j in taken or not is_capitalised(texts[i]) or not is_capitalised(texts[j]):
            continue
        if not texts[j].isalpha() or (j + 1 < len(doc) and texts[j + 1][:1].isupper()):
            continue
        if demonym_word(texts[j], tables) or role_word(texts[j], tables) or tables.lookup(texts[j]):
            continue
        if ends_with_any(texts[i], lex.facility_cues_suffix, lex.noun_endings):
            candidates.append(view.candidate(i, j + 1, "rule:cue", texts[j], name_start=j, etype="LOC"))
        elif ends_with_any(texts[i], lex.gpe_cues_suffix, lex.noun_endings):
            candidates.append(view.candidate(j, j + 1, "rule:cue", texts[j], etype="GPE"))
        elif _titled_surname(view, i, j):
            # PER like an NER person: the surname's later mentions join it (cluster.surname_candidates)
            candidates.append(view.candidate(j, j + 1, "PER", texts[j]))
    return candidates


def _titled_surname(view: DocView, i: int, j: int) -> bool:
    """True for a surname the NER missed after an office noun (``Staatssekretär Mahrer``): a proper noun, or a
    noun the parse makes the office's apposition (not ``der Minister Maßnahmen ergreift``)."""
    token = view.doc[j]
    proper = token.pos_ == "PROPN" or (token.dep_ in ("appos", "flat") and token.head.i == i)
    return proper and role_word(view.doc[i].text, view.tables) is not None


def acronym_links(view: DocView, candidates: list[Candidate]) -> tuple[dict[str, Candidate], list[Candidate]]:
    """Acronyms defined in the text as ``Name (ACRONYM)``.

    Returns:
        ``acronym → candidate of the full name``, and new candidates for uses of a learnt acronym
        that nothing else found.
    """
    doc, tables, texts = view.doc, view.tables, view.texts
    # "Olaf Scholz (SPD)" defines no acronym: persons are skipped.
    by_end = {c.end: c for c in candidates if not c.ref and c.ner_label != "PER"}
    links: dict[str, Candidate] = {}
    for i in range(1, len(doc) - 2):
        if texts[i] != "(" or texts[i + 2] != ")" or not is_acronym(texts[i + 1]):
            continue
        full = by_end.get(i)
        acronym = texts[i + 1]
        if full is None or acronym in links:
            continue
        known = tables.lookup(acronym)
        spelled = acronym_matches(acronym, full.name)
        agrees = known is not None and (known.key == full.key or (full.key is None and spelled))
        if agrees or (known is None and spelled):
            links[acronym] = full
    taken = covered_tokens(candidates)
    extra = [
        view.candidate(i, i + 1, "rule:acronym", texts[i])
        for i in range(len(doc))
        if texts[i] in links and i not in taken
    ]
    return links, extra


# --- references: prefixes, demonyms, capitals ------------------------------------------------------


def prefix_candidates(view: DocView, candidates: list[Candidate], names: Mapping[str, str]) -> list[Candidate]:
    """``US`` in ``US-Aussenminister``, ``Ukraine`` in ``Ukraine-Krise``, ``IS`` in ``Anti-IS-Koalition``,
    ``NSU`` in ``NSU-Trio`` (a name of the article): mentions with the offsets of just that part.

    Args:
        view: The Doc being resolved.
        candidates: Name candidates (their tokens are skipped when known names or persons).
        names: Names of the article (:func:`article_names`); a ref to one carries ``target``.
    """
    doc, tables = view.doc, view.tables
    skip = {i for c in candidates if not c.ref and (c.key is not None or c.ner_label == "PER")
            for i in range(c.name_start, c.end)}
    refs = []
    for i, text in enumerate(view.texts):
        if "-" not in text or i in skip or demonym_word(text, tables) is not None:
            continue
        if tables.lookup_inflected(text) is not None:
            continue
        offset = 0
        parts = text.split("-")
        for n, part in enumerate(parts[:-1]):
            entry = tables.lookup(part)
            key = entry.key if entry is not None and entry.type in ("GPE", "ORG") else None
            if (n == 0 or part.isupper()) and (key or (n == 0 and fold(part) in names)):
                start = doc[i].idx + offset
                target = None if key else fold(part)
                refs.append(Candidate(i, i + 1, start, start + len(part), i, "rule:prefix", part,
                                      key=key, ref=True, target=target))
            offset += len(part) + 1
    return refs


def _governed(view: DocView, i: int) -> tuple[str, int] | None:
    """The kind of noun after a demonym at ``i`` (``state``, ``role`` or ``group``) and its end."""
    j = i + 1
    if j < 0 or j >= len(view.doc) or view.lex.nouns_capitalised and not is_capitalised(view.texts[j]):
        return None
    word = view.texts[j]
    if role_word(word, view.tables) is not None:
        return "role", j + 1
    if ends_with_any(word, view.lex.state_nouns_suffix, view.lex.noun_endings):
        return "state", j + 1
    if ends_with_any(word, view.lex.group_nouns_suffix, view.lex.noun_endings):
        return "group", j + 1
    return None


def _ends_role_phrase(view: DocView, i: int) -> bool:
    """True when token ``i`` ends a multi-word role (``secrétaire d'État``, ``ministro degli Esteri``)."""
    j = i
    while j >= 0 and i - j < 4 and view.lower(j) in view.lex.role_parts:
        j -= 1
    return j >= 0 and j < i and role_word(view.texts[j], view.tables) is not None


def demonym_candidates(view: DocView, taken: set[int]) -> list[Candidate]:
    """Adjectives that stand for a state or group: ``die russische Regierung``, ``irakische
    Regierungstruppen``, ``nordsyrischen``, ``kurdischen Enklave``.

    Only with a governing noun from the lexicon (state institutions, roles, places) or a directional
    prefix; the mention is adjective + noun for institutions, the adjective alone otherwise.
    """
    tables = view.tables
    refs = []
    for i, text in enumerate(view.texts):
        if i in taken or not text[:1].isalpha():
            continue
        if (is_capitalised(text.split("-")[-1]) and not view.at_sentence_start(i)
                and not view.lex.demonyms_capitalised):
            continue  # part of a name such as "Russische Föderation" or "Syrische Beobachtungsstelle"
        demonym = demonym_word(text, tables)
        if demonym is None:
            continue
        entry = tables.entry(demonym.key)
        if view.lex.adjectives_follow_noun:
            # "le gouvernement russe", "il governo russo": the noun stands before the adjective
            before = _governed(view, i - 2) if i >= 1 and i - 1 not in taken else None
            if before is None and _ends_role_phrase(view, i - 1):
                before = ("role", i)
            if before is not None and before[0] == "state" and entry.type != "NORP":
                refs.append(view.candidate(i - 1, i + 1, "rule:demonym", text, key=entry.key, ref=True))
            elif before is not None and (entry.type == "NORP" or before[0] == "role"):
                refs.append(view.candidate(i, i + 1, "rule:demonym", text, key=entry.key, ref=True))
            continue
        governed = _governed(view, i)
        if demonym.directional:
            end = i + 1
        elif governed is None:
            continue
        elif entry.type == "NORP":
            end = i + 1
        elif governed[0] == "state":
            end = governed[1]
        elif governed[0] == "role":
            end = i + 1
        else:
            continue
        refs.append(view.candidate(i, end, "rule:demonym", text, key=entry.key, ref=True))
    return refs


def _speaks_for_state(view: DocView, candidate: Candidate) -> bool:
    """``die Regierung in Moskau`` or ``Ankara habe ... erlaubt``: the capital stands for the government."""
    lex = view.lex
    s, e = candidate.name_start, candidate.end
    if view.lower(s - 1) == "in" and ends_with_any(view.lower(s - 2), lex.government_nouns, lex.noun_endings):
        return True
    if not view.at_sentence_start(s) or e >= len(view.doc):
        return False
    verb = view.lower(e)
    if verb in lex.capital_subject_verbs:
        return True
    if verb in lex.capital_aux_verbs:
        sent_end = next((j for j in range(e, len(view.doc)) if view.sentence[j] != view.sentence[s]), len(view.doc))
        return any(view.lower(j) in lex.capital_participles for j in range(e + 1, sent_end))
    return False


def capital_candidates(view: DocView, candidates: list[Candidate]) -> list[Candidate]:
    """A mention of the country for each capital that the text makes speak or act for its government;
    the capital keeps its own mention too."""
    refs = []
    for candidate in candidates:
        entry = view.tables.entries.get(candidate.key) if candidate.key else None
        if candidate.ref or entry is None or entry.capital_of is None or not _speaks_for_state(view, candidate):
            continue
        start, end = candidate.name_start, candidate.end
        refs.append(view.candidate(start, end, "rule:capital", candidate.name, key=entry.capital_of, ref=True))
    return refs

