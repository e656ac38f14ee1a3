"""A Doc seen by the extractors: entity mentions per token, sentence pieces and clauses (built by
:mod:`clauses`), and the token tests every rule shares.

The statistical parse and tags are used where they are there, but nothing here depends on them:
pieces and clauses come from punctuation and word lists, and each token test falls back to the word's
form, so the rules also run on hand-built or unparsed Docs.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.attrs import LEMMA, POS, TAG
from spacy.parts_of_speech import NAMES as POS_NAMES
from spacy.tokens import Doc, Token

from newsgraph.extraction.clauses import Clause, build_clauses, split_segments
from newsgraph.extraction.lexicon import Cues
from newsgraph.records import Entity, Mention, Span
from newsgraph.resolve.docview import DocTokens, first_unflagged
from newsgraph.resolve.normalize import fold_lower
from newsgraph.resolve.states import PART_OF
from newsgraph.resolve.tables import load_alias_tables

_PLACE_TYPES = frozenset({"GPE", "LOC"})
_ACTOR_TYPES = frozenset({"PER", "ORG", "GPE", "NORP"})
_NON_FINITE_TAGS = frozenset({"VVPP", "VAPP", "VMPP", "VVINF", "VAINF", "VMINF", "VVIZU", "VBN", "VB"})


@lru_cache(maxsize=2)
def gazetteer_kinds(version: str = "v2") -> Mapping[str, tuple[str, str | None]]:
    """Entity id → (gazetteer kind, id of the state it is the capital of) for every gazetteer entry."""
    tables = load_alias_tables(version)
    kinds: dict[str, tuple[str, str | None]] = {}
    for entry in tables.entries.values():
        capital = tables.entries.get(entry.capital_of) if entry.capital_of else None
        capital_of = capital.id if capital is not None else None
        kinds.setdefault(entry.id, (entry.kind, capital_of))
    return kinds


def is_state(entity_id: str) -> bool:
    """True for countries and other areas the gazetteer knows as more than a town."""
    kind = gazetteer_kinds().get(entity_id)
    return kind is not None and kind[0] in ("country", "region", "area")


@dataclass(frozen=True)
class MentionRef:
    """A mention of an entity, placed on tokens.

    Attributes:
        entity_id: Id of the entity it refers to.
        type: Entity type (PER, ORG, GPE, LOC, NORP, MISC).
        start, end: Token range (``end`` exclusive) that contains the mention.
        start_char, end_char: Char offsets of the mention itself.
        partial: True when the mention is only part of one token (``US`` in ``US-Luftangriffen``).
        label: The resolver's label (``rule:capital`` for a capital that speaks for its state).
    """

    entity_id: str
    type: str
    start: int
    end: int
    start_char: int
    end_char: int
    partial: bool = False
    label: str = ""

    @property
    def is_place(self) -> bool:
        """True for GPE and LOC entities."""
        return self.type in _PLACE_TYPES

    @property
    def is_actor(self) -> bool:
        """True for entities that can act: persons, organisations, states, groups."""
        return self.type in _ACTOR_TYPES


@dataclass(frozen=True)
class Attachment:
    """What an NP hangs on: its preposition (``in``), and a noun it is a genitive attribute of, if any."""

    prep: str | None = None
    prep_index: int | None = None
    noun: int | None = None


@lru_cache(maxsize=1 << 16)  # asked for every word ending in -en, with the same particle list
def _particle_zu(low: str, particles: frozenset[str]) -> bool:
    """True for a particle, ``zu`` and at least four more letters (``auszutauschen``)."""
    return any(low.startswith(p + "zu") and len(low) > len(p) + 5 for p in particles)


_SHARED_SIZE = 128  # Docs whose context is kept: more than one NLP batch (64), so events find relations' one
_SHARED: OrderedDict[tuple[int, int, int, int], tuple[Doc, object, object, DocContext]] = OrderedDict()


def shared_context(doc: Doc, cues: Cues, *, mentions: Iterable[Mention] | None = None,
                   entities: Iterable[Entity] | None = None, last_use: bool = False) -> DocContext:
    """The :class:`DocContext` of ``doc``, built once for the relation and the event extractor that both read it.

    The indexes depend only on the Doc, the cues and the mentions and entities, and the rules only add to their
    lazy caches, so the event extractor (``last_use``: it takes the context out of the cache) reuses the one the
    relation extractor built. At most ``_SHARED_SIZE`` contexts wait to be used (a relation extractor run on
    its own leaves its contexts there); the Doc, mentions and entities are held with them, so no id is reused.
    """
    key = (id(doc), id(cues), id(mentions), id(entities))
    hit = _SHARED.pop(key, None) if last_use else _SHARED.get(key)
    if hit is not None and hit[0] is doc and hit[1] is mentions and hit[2] is entities and hit[3].cues is cues:
        return hit[3]
    ctx = DocContext(doc, cues, mentions=mentions, entities=entities)
    if not last_use:
        _SHARED[key] = (doc, mentions, entities, ctx)
        if len(_SHARED) > _SHARED_SIZE:
            _SHARED.popitem(last=False)
    return ctx


class DocContext(DocTokens):
    """Indexes over one Doc that every extraction rule shares (over the token lists of :class:`DocTokens`).

    Args:
        doc: The Doc; ``doc._.mentions`` and ``doc._.entities`` are read unless given.
        cues: Grammar cues (word lists).
        mentions: Mentions to use instead of ``doc._.mentions``.
        entities: Entities to use instead of ``doc._.entities`` (for their types).
    """

    def __init__(
        self, doc: Doc, cues: Cues, *, mentions: Iterable[Mention] | None = None,
        entities: Iterable[Entity] | None = None,
    ) -> None:
        super().__init__(doc)
        self.cues = cues
        entities = list(entities if entities is not None else (doc._.entities or []))
        self.types = {entity.id: entity.type for entity in entities}
        self.names = {entity.id: entity.name for entity in entities}
        # the state a state body belongs to, as the resolver decided it (``Innenministerium`` → Austria)
        self.part_of = {entity.id: entity.attributes[PART_OF] for entity in entities if PART_OF in entity.attributes}
        # tags and lemmas read once, as arrays (no Token objects): the rules ask for them many times per token
        strings = doc.vocab.strings
        columns = doc.to_array([POS, TAG, LEMMA]).tolist() if len(doc) else []
        self._pos: list[str] = [POS_NAMES.get(row[0], "") for row in columns]
        self._tags: list[str] = [strings[row[1]] if row[1] else "" for row in columns]
        self._lemmas: list[str] = [fold_lower((strings[row[2]] if row[2] else "") or text)
                                   for row, text in zip(columns, self.texts)]
        self._skippable: list[bool] = [punct or space for punct, space in zip(self._is_punct, self._is_space)]
        self._first_content: dict[int, int] = {}  # piece start → its first token that is not punctuation
        self._clause_lowers: dict[tuple[int, int], frozenset[str]] = {}
        self.mentions = self._place_mentions(mentions if mentions is not None else (doc._.mentions or []))
        self._cover: list[list[MentionRef]] = [[] for _ in range(len(doc))]
        self._inner: list[list[MentionRef]] = [[] for _ in range(len(doc))]
        for ref in self.mentions:
            for i in range(ref.start, ref.end):
                (self._inner if ref.partial else self._cover)[i].append(ref)
        self.segments = split_segments(self)
        self.segment_of = [0] * len(doc)
        for number, (start, end) in enumerate(self.segments):
            for i in range(start, end):
                self.segment_of[i] = number
        # is_verb answers are kept from here on only: while the segments are being cut, the answer for a
        # token can still change (at_segment_start depends on them); the clauses below ask for every token
        self._verbs: dict[int, bool] = {}
        self.clauses: list[Clause] = []
        self.segment_clauses: list[range] = []  # segment number → the indices of its clauses (they are contiguous)
        for number, (start, end) in enumerate(self.segments):
            first = len(self.clauses)
            self.clauses.extend(build_clauses(self, number, start, end))
            self.segment_clauses.append(range(first, len(self.clauses)))
        self.clause_of = [0] * len(doc)
        for number, clause in enumerate(self.clauses):
            for i in range(clause.start, clause.end):
                self.clause_of[i] = number
        self._verb_lemmas: dict[int, str] = {}
        self._noun_list: list[int] | None = None
        self._verb_list: list[int] | None = None
        self._words: dict[tuple[int, int], frozenset[str]] = {}
        self.analyses: dict[Any, Any] = {}
        """Whole-Doc analyses that several extractors read (``speech_frames``), kept with the shared context."""

    # --- mentions -------------------------------------------------------------------------------------

    def _place_mentions(self, mentions: Iterable[Mention]) -> list[MentionRef]:
        refs = []
        for mention in mentions:
            if mention.entity_id is None:
                continue
            span = self.doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            partial = (mention.start > span.start_char or mention.end < span.end_char) and len(span) == 1
            etype = self.types.get(mention.entity_id, mention.label if mention.label in _ACTOR_TYPES else "MISC")
            label = mention.label if mention.found_by == "ner" else f"rule:{mention.found_by}"
            refs.append(MentionRef(mention.entity_id, etype, span.start, span.end, mention.start, mention.end, partial,
                                   label))
        return sorted(refs, key=lambda r: (r.start, -(r.end - r.start), r.start_char))

    def entity_at(self, i: int) -> MentionRef | None:
        """The outermost mention that covers token ``i`` (partial mentions excluded), or None.

        Of two mentions on the same tokens the one for the state wins (``Ankara habe ... erlaubt``: the
        resolver marks the capital as speaking for Türkei).
        """
        if not 0 <= i < len(self.doc) or not self._cover[i]:
            return None
        return max(self._cover[i], key=lambda r: (r.end - r.start, -r.start, r.label == "rule:capital"))

    def innermost_at(self, i: int) -> MentionRef | None:
        """The smallest full-token mention that covers token ``i``, or None."""
        if not 0 <= i < len(self.doc) or not self._cover[i]:
            return None
        return min(self._cover[i], key=lambda r: (r.end - r.start, r.start))

    def inner_entities(self, i: int) -> list[MentionRef]:
        """Mentions inside token ``i`` (a hyphen prefix such as ``US`` in ``US-Luftangriffen``)."""
        return list(self._inner[i]) if 0 <= i < len(self.doc) else []

    def outer_mentions(self, start: int, end: int) -> list[MentionRef]:
        """The outermost full-token mentions inside tokens ``[start, end)``, in text order."""
        found: list[MentionRef] = []
        i = start
        while i < end:
            ref = self.entity_at(i)
            if ref is not None and ref.start >= start and ref.end <= end:
                found.append(ref)
                i = ref.end
            else:
                i += 1
        return found

    def mention_starting(self, i: int) -> MentionRef | None:
        """The outermost mention that starts at token ``i``."""
        ref = self.entity_at(i)
        return ref if ref is not None and ref.start == i else None


    # --- tokens ---------------------------------------------------------------------------------------

    def lemma(self, i: int) -> str:
        """Folded lowercase lemma of token ``i`` (its text when the Doc has no lemmas)."""
        return self._lemmas[i]

    def is_noun(self, i: int) -> bool:
        """True for nouns and names (by tag, or by a capital letter inside a clause when untagged)."""
        pos = self._pos[i]
        if pos in ("NOUN", "PROPN"):
            return True
        if pos or not self.texts[i][:1].isupper():
            return False
        return i > 0 and not self._is_punct[i - 1]

    def capitalised_nouns(self) -> list[int]:
        """Indices of the capitalised nouns and names (:meth:`is_noun`), in order; computed once."""
        found = getattr(self, "_noun_list", None)
        if found is None:
            found = [i for i in range(len(self.doc)) if self.is_noun(i) and self.texts[i][:1].isupper()]
            if hasattr(self, "_verbs"):  # the segments are cut: the answers no longer change
                self._noun_list = found
        return found

    def verbs(self) -> list[int]:
        """Indices of the verbs (:meth:`is_verb`), in order; computed once."""
        found = getattr(self, "_verb_list", None)
        if found is None:
            found = [i for i in range(len(self.doc)) if self.is_verb(i)]
            if hasattr(self, "_verbs"):  # the segments are cut: is_verb answers no longer change
                self._verb_list = found
        return found

    def is_verb(self, i: int) -> bool:
        """True for verbs and auxiliaries; a capitalised word inside a sentence is never one."""
        known = getattr(self, "_verbs", None)
        if known is None:
            return self._is_verb(i)
        if i not in known:
            known[i] = self._is_verb(i)
        return known[i]

    def _is_verb(self, i: int) -> bool:
        if self.texts[i][:1].isupper() and not self.at_segment_start(i):
            return False
        pos, low = self._pos[i], self._lowers[i]
        if low in self.cues.prepositions or low in self.cues.determiners:
            return pos in ("VERB", "AUX") and low not in ("zu", "als")
        return pos in ("VERB", "AUX") or self._tags[i].startswith("V") or self.is_zu_infinitive(i)

    def is_zu_infinitive(self, i: int) -> bool:
        """True for an infinitive with ``zu``: ``zu bewaffnen`` or ``auszutauschen``."""
        low = self.lower(i)
        if self._tags[i] == "VVIZU":
            return True
        if self.lower(i - 1) == "zu" and low.endswith(("en", "ern", "eln")) and not self.texts[i][:1].isupper():
            return True
        return low.endswith("en") and _particle_zu(low, self.cues.particles)

    def is_finite(self, i: int) -> bool:
        """Best-effort test for a finite verb form."""
        token = self.doc[i]
        low = self.lower(i)
        form = token.morph.get("VerbForm", [])
        if token.tag_ in _NON_FINITE_TAGS or "Part" in form or "Inf" in form or self.is_zu_infinitive(i):
            return False
        if "Fin" in form or token.tag_.endswith("FIN") or token.morph.get("Mood", []):
            return True
        if low in self.cues.subjunctive_i or low in self.cues.subjunctive_ii or low in self.cues.future_auxiliaries:
            return True
        # Untagged: a verb ending like a present or past finite form and not like a ge- participle.
        return self.is_verb(i) and low.endswith(("t", "te", "ten", "st", "e")) and not low.startswith("ge")

    def is_number(self, i: int) -> int | None:
        """The value of a number token (``21``, ``zwei``), or None."""
        low = self.lower(i).replace(".", "").replace("'", "")
        if low.isdigit():
            return int(low)
        return self.cues.number_words.get(low)

    def at_segment_start(self, i: int) -> bool:
        """True when only punctuation and quote marks stand before token ``i`` in its sentence piece."""
        segments = getattr(self, "segments", None)
        start = segments[self.segment_of[i]][0] if segments else 0
        return first_unflagged(self._skippable, start, self._first_content) >= i

    def is_passive(self, clause: Clause) -> bool:
        """True when the clause has a form of ``werden`` and a past participle (``wurden ... geflogen``)."""
        key = ("passive", clause.start, clause.end)
        known = self.analyses.get(key) if hasattr(self, "analyses") else None  # computed once per clause
        if known is None:
            known = self._is_passive(clause)
            if hasattr(self, "analyses"):  # the context is complete: clauses no longer change
                self.analyses[key] = known
        return bool(known)

    def _is_passive(self, clause: Clause) -> bool:
        has_werden = any(self.lemma(i) == "werden" or self.lower(i) in ("worden", "wurde", "wurden", "wird")
                         for i in range(clause.start, clause.end))
        has_participle = any(
            self.doc[i].tag_.endswith("PP") or "Part" in self.doc[i].morph.get("VerbForm", [])
            or (self.lower(i).startswith("ge") and self.lower(i).endswith(("t", "en")) and self.is_verb(i))
            for i in clause.verbs
        )
        return has_werden and has_participle

    # --- spans ----------------------------------------------------------------------------------------

    def span(self, start: int, end: int) -> Span:
        """The evidence record for tokens ``[start, end)``."""
        start_char = self.doc[start].idx
        last = self.doc[end - 1]
        return self.char_span(start_char, last.idx + len(last.text))

    def char_span(self, start_char: int, end_char: int) -> Span:
        """The evidence record for a char range (sentence of its first token)."""
        token = self.doc.char_span(start_char, end_char, alignment_mode="expand")
        sentence = self.sentence[token.start] if token is not None and len(token) else 0
        return Span(text=self.text[start_char:end_char], start=start_char, end=end_char, sentence=sentence)

    def clause_at(self, i: int) -> Clause:
        """The clause token ``i`` is in."""
        return self.clauses[self.clause_of[i]]

    def clause_index(self, clause: Clause) -> int:
        """Index of ``clause`` in :attr:`clauses`."""
        return self.clause_of[clause.start]

    def matrix_of(self, clause: Clause) -> Clause | None:
        """The governing clause of a sub, cond, rel or inf clause (if it exists in the Doc)."""
        if clause.matrix is None or not 0 <= clause.matrix < len(self.clauses):
            return None
        matrix = self.clauses[clause.matrix]
        return matrix if matrix.segment == clause.segment else None

    def words(self, clause: Clause) -> frozenset[str]:
        """Folded lowercase texts and lemmas of the clause's tokens (computed once per clause: the rules ask
        for them once per mention or relation, which costs the square of a long clause's length)."""
        known = getattr(self, "_words", None)
        key = (clause.start, clause.end)
        if known is not None and key in known:
            return known[key]
        found = self.clause_lowers(clause)
        words = frozenset(found | {self.verb_lemma(i) for i in clause.verbs}
                          | {self.lemma(i) for i in range(clause.start, clause.end)})
        if known is not None:  # the context is complete: clauses and verb lemmas no longer change
            known[key] = words
        return words

    def clause_lowers(self, clause: Clause) -> frozenset[str]:
        """Folded lowercase texts of the clause's tokens (computed once per clause)."""
        key = (clause.start, clause.end)
        found = self._clause_lowers.get(key)
        if found is None:
            found = self._clause_lowers[key] = frozenset(self.lower(i) for i in range(clause.start, clause.end))
        return found

    def verb_lemma(self, i: int) -> str:
        """Lemma of a verb with its separated particle put back (``lote ... aus`` → ``ausloten``)."""
        known = getattr(self, "_verb_lemmas", None)
        if known is None:
            return self._verb_lemma(i)
        if i not in known:
            known[i] = self._verb_lemma(i)
        return known[i]

    def _verb_lemma(self, i: int) -> str:
        lemma = self.lemma(i)
        token: Token = self.doc[i]
        for child in token.children:
            if child.dep_ == "compound:prt" and child.i > i:
                return fold_lower(child.text) + lemma
        clause = self.clause_at(i)
        # Only a finite verb leaves its particle behind, and then the particle closes the clause.
        if not self.is_zu_infinitive(i) and "Part" not in token.morph.get("VerbForm", []):
            last = max((j for j in range(i + 1, clause.end) if not self._is_punct[j]), default=None)
            if last is not None and self.lower(last) in self.cues.particles and not self.is_noun(last):
                nxt = last + 1
                if nxt >= len(self.doc) or self._is_punct[nxt] or self._is_space[nxt]:
                    return self.lower(last) + lemma
        return lemma

