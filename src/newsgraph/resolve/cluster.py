"""Merge name candidates into clusters (one per real-world thing) and give each an id, a name and a type."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from newsgraph.resolve.candidates import Candidate, DocView
from newsgraph.resolve.normalize import (
    fold,
    fold_lower,
    inflection_variants,
    local_id,
    strip_genitive_noun,
    transliteration_key,
)
from newsgraph.resolve.tables import PARTY_KIND, AliasTables, GazEntry
from newsgraph.resolve.words import ends_with_any, is_acronym, is_capitalised

# Order in which NER labels win a vote on an unknown name's type.
_TYPE_PRIORITY = {"ORG": 0, "LOC": 1, "GPE": 2, "NORP": 3, "MISC": 4}


@dataclass
class Cluster:
    """Candidates that name one real-world thing.

    Attributes:
        candidates: Name candidates and attached references.
        entry: The gazetteer entry, for known things.
        person: True for persons.
        id, name, type: Filled by :func:`finish_cluster`.
        attributes: Facts about the entity for later stages (``part_of``: the state of a state body).
    """

    candidates: list[Candidate] = field(default_factory=list)
    entry: GazEntry | None = None
    person: bool = False
    id: str = ""
    name: str = ""
    type: str = ""
    attributes: dict[str, str] = field(default_factory=dict)

    @property
    def first(self) -> int:
        """Char offset of the first mention."""
        return min(c.start_char for c in self.candidates)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # Keep gazetteer and person keys as roots so a component's identity is easy to read.
            if rb.startswith(("gaz:", "per:")) and not ra.startswith(("gaz:", "per:")):
                ra, rb = rb, ra
            self.parent[rb] = ra


def _person_tokens(view: DocView, candidate: Candidate) -> list[str]:
    return [view.texts[i] for i in range(candidate.name_start, candidate.end) if not view.is_mark(i)]


MAX_SHORT_FORM_TOKENS = 8
"""Longest short form of a person's name that is indexed (``Bakr al-Baghdadi``: 2 words)."""


class _PersonIndex:
    """Full names of the article's persons and the shorter forms that may stand for them."""

    def __init__(self, view: DocView, persons: Iterable[Candidate]) -> None:
        particles = self.particles = view.lex.name_particles
        self.suffixes: dict[str, set[str]] = {}
        for candidate in persons:
            tokens = _person_tokens(view, candidate)
            if len(tokens) < 2:
                continue
            key = self.full_key(tokens)
            # the shorter forms a name is cited by are its last few words; indexing every tail of a name costs
            # the square of its length (40 KB of one repeated name, tagged as one PER span: 7 s; 80 KB: 4 times that)
            for k in range(max(1, len(tokens) - MAX_SHORT_FORM_TOKENS), len(tokens)):
                if is_capitalised(tokens[k]) or fold_lower(tokens[k]) in particles:
                    self.suffixes.setdefault(self.phonetic(" ".join(tokens[k:])), set()).add(key)
            head, sep, rest = tokens[-1].partition("-")
            if sep and fold_lower(head) in particles and rest:
                self.suffixes.setdefault(self.phonetic(rest), set()).add(key)

    @staticmethod
    def phonetic(name: str) -> str:
        """Comparison key that ignores transliteration variants (Baschar/Bashar, Lawrow/Lavrov, Sergej/Sergey)."""
        return transliteration_key(name)

    def full_key(self, tokens: list[str]) -> str:
        """Persons with the same first and last name are one (``Barack Obama``, ``Barack H. Obama``); a name
        particle joined to the last name does not count (``Muammar al-Gaddafi``, ``Muammar Gaddafi``)."""
        head, sep, rest = tokens[-1].partition("-")
        last = rest if sep and rest and fold_lower(head) in self.particles else tokens[-1]
        return f"per:{self.phonetic(tokens[0])}|{self.phonetic(last)}"

    def key_for(self, name: str, tokens: list[str]) -> str:
        """Group key of a person mention: its full name's key, or its own when unknown or ambiguous."""
        for form in [name, *inflection_variants(name)]:
            owners = self.suffixes.get(self.phonetic(form))
            if owners and len(owners) == 1:
                return next(iter(owners))
            if owners:
                return f"per-ambiguous:{fold_lower(form)}"
        if len(tokens) >= 2:
            return self.full_key(tokens)
        return f"per-bare:{fold_lower(name)}"


SURNAME_RULE = "rule:surname"


def surname_candidates(view: DocView, candidates: list[Candidate]) -> list[Candidate]:
    """Short forms of the article's full person names that the NER missed: ``Assad`` in ``Assad ist ein
    Verbündeter Russlands`` after ``Baschar al-Assad``. A capitalised token outside every other candidate
    counts when it (or its base form: ``Kerrys``) stands for exactly one full name of the article, or when it is
    a proper noun spelt like a one-word person of the article (``Staatssekretär Mahrer ... sagt Mahrer``)."""
    persons = [c for c in candidates if c.key is None and c.ner_label == "PER"]
    index = _PersonIndex(view, persons)
    # a person named by the surname alone (``Bilalic``): where the word recurs as a proper noun, it is them
    singles = {view.doc[c.start].text for c in persons if c.end - c.start == 1}
    if not index.suffixes and not singles:
        return []
    taken = {i for c in candidates for i in range(c.start, c.end)}
    found = []
    for i, text in enumerate(view.texts):
        if i in taken or not is_capitalised(text) or view.is_mark(i):
            continue
        if text in singles and view.doc[i].pos_ == "PROPN":
            found.append(view.candidate(i, i + 1, SURNAME_RULE, text))
            continue
        for form in [text, *inflection_variants(text)]:
            if len(index.suffixes.get(index.phonetic(form), ())) == 1:
                found.append(view.candidate(i, i + 1, SURNAME_RULE, form))
                break
    return found


def _unknown_name(view: DocView, candidate: Candidate) -> str:
    """The name of an unknown non-person span, with a genitive removed after ``des``/``eines``."""
    name = candidate.name
    if candidate.end - candidate.name_start == 1 and view.lower(candidate.name_start - 1) in view.lex.genitive_articles:
        return strip_genitive_noun(name)
    return name


def cluster_names(view: DocView, candidates: list[Candidate], acronyms: dict[str, Candidate]) -> list[Cluster]:
    """Group name candidates: by gazetteer key, by person name (full name, unambiguous surname),
    by normalised name (modulo inflection), and by acronyms learnt from the text.

    Args:
        view: The Doc being resolved.
        candidates: Non-reference candidates.
        acronyms: ``acronym → full-name candidate`` from :func:`~newsgraph.resolve.candidates.acronym_links`.
    """
    persons = [c for c in candidates if c.key is None and (c.ner_label == "PER" or c.label == SURNAME_RULE)]
    index = _PersonIndex(view, persons)
    # A name the NER called a place or MISC here and a person elsewhere (same string, or the surname of
    # exactly one full name) is the person; ORG is left alone (firms are named after people).
    person_names = {fold(c.name) for c in persons}
    persons += [
        c for c in candidates
        if c.key is None and c.ner_label in ("LOC", "GPE", "MISC")
        and any(fold(form) in person_names or len(index.suffixes.get(index.phonetic(form), ())) == 1
                for form in [c.name, *inflection_variants(c.name)])
    ]
    person_ids = {id(c) for c in persons}
    uf = _UnionFind()
    group: dict[int, str] = {}
    for n, candidate in enumerate(candidates):
        if candidate.key is not None:
            group[n] = f"gaz:{candidate.key}"
        elif id(candidate) in person_ids:
            group[n] = index.key_for(candidate.name, _person_tokens(view, candidate))
        else:
            candidate.name = _unknown_name(view, candidate)
            group[n] = f"name:{fold_lower(candidate.name)}"
        uf.find(group[n])
    # "Zentralkommandos" and "Zentralkommando", "Merkels" and "Merkel" (no full name known) are one.
    for prefix in ("name:", "per-bare:"):
        keys = {key for key in group.values() if key.startswith(prefix)}
        for key in sorted(keys):
            for variant in inflection_variants(key[len(prefix) :]):
                if prefix + variant in keys:
                    uf.union(prefix + variant, key)
    position = {id(c): n for n, c in enumerate(candidates)}
    for acronym, full in sorted(acronyms.items()):
        for n, candidate in enumerate(candidates):
            if candidate.name == acronym and not group[n].startswith("per"):
                uf.union(group[position[id(full)]], group[n])
    components: dict[str, Cluster] = {}
    for n, candidate in enumerate(candidates):
        root = uf.find(group[n])
        cluster = components.setdefault(root, Cluster())
        cluster.candidates.append(candidate)
        if group[n].startswith("gaz:"):
            cluster.entry = view.tables.entry(group[n][4:])
        cluster.person = cluster.person or group[n].startswith("per")
    return list(components.values())


def _place_type(view: DocView, cluster: Cluster) -> str:
    """GPE or LOC for an unknown place: cue words around it, then the shape of its name; GPE by default,
    since most unknown places in news are towns."""
    forced = {c.etype for c in cluster.candidates if c.etype}
    if "LOC" in forced:
        return "LOC"
    if "GPE" in forced:
        return "GPE"
    doc, lex, tables = view.doc, view.lex, view.tables
    for candidate in cluster.candidates:
        before = candidate.name_start - 1
        if (before >= 0 and is_capitalised(doc[before].text)
                and ends_with_any(doc[before].text, lex.gpe_cues_suffix, lex.noun_endings)):
            return "GPE"
        after = candidate.end
        if after + 2 < len(doc) and doc[after].text == "(" and doc[after + 2].text == ")":
            entry = tables.lookup(doc[after + 1].text)
            if entry is not None and entry.type == "GPE":
                return "GPE"
    last_word = fold_lower(cluster.name.split()[-1]) if cluster.name else ""
    return "LOC" if last_word.endswith(tuple(lex.loc_name_suffixes)) else "GPE"


def _best_name(names: Iterable[tuple[str, int]]) -> str:
    """The canonical name among a cluster's names: full forms before acronyms, base forms before
    inflected ones (``Merkel`` before ``Merkels``), then the most frequent, the longest, the earliest."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for name, position in names:
        counts[name] += 1
        first.setdefault(name, position)

    def inflected(name: str) -> bool:
        return any(variant in counts for variant in inflection_variants(name))

    return max(counts, key=lambda n: (not is_acronym(n), not inflected(n), counts[n], len(n), -first[n]))


def _names_entry(tables: AliasTables, key: str, name: str) -> bool:
    """True when ``name`` is a name of the entry ``key`` (its own alias, or one it shares with other parties)."""
    folded = fold(name)
    return tables.aliases.get(folded) == key or key in tables.shared.get(folded, ())


def _base_alias(tables: AliasTables, key: str, name: str) -> str | None:
    """The nominative of ``name`` when it is an inflected form of another name of the entry ``key``: a
    genitive or dative ending (``Freiheitlichen`` → ``Freiheitliche``) or weak adjectives (``Deutschen
    Bank`` → ``Deutsche Bank``, ``Vereinten Nationen`` → ``Vereinte Nationen``); else None."""
    words = name.split()
    head, last = words[:-1], words[-1]
    # a lone word in -en is a plural as often as a dative (die Grünen, die Freiheitlichen): kept as written
    variants = [v for v in inflection_variants(last) if head or not last.endswith("en")]
    forms = []
    if head and all(w.endswith("en") and is_capitalised(w) for w in head):
        weak = [w[:-1] for w in head]  # nominative forms first: the weak ones are aliases too
        forms += [*(" ".join([*weak, v]) for v in variants), " ".join([*weak, last])]
    forms += [" ".join([*head, variant]) for variant in variants]
    return next((form for form in forms if _names_entry(tables, key, form)), None)


PREFIX_RULE = "rule:prefix"
"""Label of the references a hyphen compound's first part makes (``US`` in ``US-Aussenminister``)."""


def _usable_names(tables: AliasTables, entry: GazEntry, names: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The nominative forms of ``names`` that name ``entry``, with their positions."""
    usable = []
    for name, start in names:
        # a word set in capitals (STANDARD) is typography, not a name
        if not _names_entry(tables, entry.key, name) or (name.isupper() and len(name) > 4):
            continue
        name = _base_alias(tables, entry.key, name) or name
        # a spelling that differs in case only (Nato, NATO) takes the gazetteer's
        usable.append((entry.name if name.lower() == entry.name.lower() else name, start))
    return usable


def name_known_entity(view: DocView, cluster: Cluster, entry: GazEntry) -> None:
    """Name, type and id of a cluster the gazetteer knows.

    The name is the fullest nominative form the article uses (``ÖVP`` when the article never writes
    ``Österreichische Volkspartei``, ``Weißrussland`` rather than ``Belarus``, ``Vereinte Nationen`` for
    ``den Vereinten Nationen``), as a reader of the article would name it; the gazetteer's name where the
    article uses it (modulo ß/ss: ``Grossbritannien``). Groups keep their plural name (``Muslime``). The id
    stays the gazetteer's, so articles still join.
    """
    ordered = sorted(cluster.candidates, key=lambda c: c.start_char)
    usable = _usable_names(view.tables, entry, [(c.name, c.start_char) for c in ordered if not c.ref])
    if not usable and entry.type == "ORG":  # only in compounds (VW-Rivale, dpa-Meldung): the prefix names it
        usable = _usable_names(view.tables, entry, [(c.name, c.start_char) for c in ordered if c.label == PREFIX_RULE])
    if entry.kind == PARTY_KIND and any(is_acronym(name) for name, _ in usable):
        # a party's acronym is its standard name in news (FPÖ, not die Freiheitlichen)
        usable = [(name, start) for name, start in usable if is_acronym(name)]
    own = [name for name, _ in usable if fold(name) == fold(entry.name)]
    cluster.name = own[0] if own else _best_name(usable) if usable and entry.kind != "group" else entry.name
    cluster.type = entry.type
    cluster.id = entry.id


def finish_cluster(view: DocView, cluster: Cluster) -> None:
    """Decide the cluster's canonical name, type and id."""
    names = [(c.name, c.start_char) for c in sorted(cluster.candidates, key=lambda c: c.start_char) if not c.ref]
    if cluster.entry is not None:
        name_known_entity(view, cluster, cluster.entry)
        return
    if cluster.person:
        full = [(n, p) for n, p in names if len(n.split()) >= 2] or names
        cluster.name = _best_name(full)
        cluster.type = "PER"
        cluster.id = local_id("PER", cluster.name)
        return
    cluster.name = _best_name(names)
    votes = Counter(c.ner_label for c in cluster.candidates if c.ner_label)
    label = min(votes, key=lambda k: (-votes[k], _TYPE_PRIORITY.get(k, 9))) if votes else "MISC"
    if any(c.etype for c in cluster.candidates) or label in ("LOC", "GPE"):
        label = _place_type(view, cluster)
    cluster.type = label
    cluster.id = local_id(label, cluster.name)
