"""Role descriptions that point to persons: ``US-Aussenminister John Kerry`` and a later ``des US-Aussenministers``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from newsgraph.resolve.candidates import Candidate, DocView
from newsgraph.resolve.cluster import Cluster
from newsgraph.resolve.normalize import fold, role_key
from newsgraph.resolve.words import RoleWord, demonym_word, is_capitalised, role_word


@dataclass(frozen=True)
class RoleLink:
    """A role a person holds, as the text states it.

    Attributes:
        person_id: Entity id of the person.
        role: The role noun without affiliation prefix, as written in the apposition (``Aussenminister``).
        role_key: Comparison key of the role (folded, inflection removed).
        affiliation_id: Entity id of the state or organisation the role belongs to (``Q30`` for
            ``US-``, ``Q159`` for ``russischer``), or None.
        start, end: Char offsets of the role description in the text (``sein russischer Kollege``).
        text: The role description as written.
        sentence: Sentence index of the description.
        kind: ``apposition`` (role directly before the name) or ``reference`` (a later bare role
            description such as ``des US-Aussenministers`` resolved to the person).
    """

    person_id: str
    role: str
    role_key: str
    affiliation_id: str | None
    start: int
    end: int
    text: str
    sentence: int
    kind: Literal["apposition", "reference"]


@dataclass
class _Description:
    """A role noun with what stands before it: ``sein russischer Kollege``."""

    start: int
    end: int
    word: RoleWord
    affiliation_id: str | None


def _describe(view: DocView, i: int, names: dict[str, Cluster]) -> _Description | None:
    """The role description ending with token ``i``, if token ``i`` is a role noun.

    The affiliation comes from a known prefix (``US-``), a prefix naming an entity of the article
    (``HDP-Chef``) or a demonym adjective before the noun (``russischer Kollege``).
    """
    if not view.lex.nouns_capitalised:
        return _describe_phrase(view, i, names)
    word = role_word(view.texts[i], view.tables)
    if word is None:
        return None
    start = i
    affiliation = word.affiliation.id if word.affiliation else None
    if affiliation is None and word.prefix and fold(word.prefix) in names:
        affiliation = names[fold(word.prefix)].id
    demonym = demonym_word(view.texts[i - 1], view.tables) if i > 0 else None
    if demonym is not None and not view.texts[i - 1].split("-")[-1][:1].isupper():
        start -= 1
        affiliation = affiliation or view.tables.entry(demonym.key).id
    if view.lower(start - 1) in view.lex.possessives:
        start -= 1
    return _Description(start, i + 1, word, affiliation)


MAX_ROLE_WORDS = 7
"""Longest role description read before a name in languages with multi-word roles (``US Secretary of State``)."""


def _describe_phrase(view: DocView, i: int, names: dict[str, Cluster]) -> _Description | None:
    """The role description ending with token ``i`` in a language whose roles are phrases, not compounds.

    Walking left from ``i``: role nouns, the words that join them (``Secretary of State``,
    ``ministre des Affaires étrangères``), demonyms (``Russian counterpart``, ``homologue russe``) and names
    of states or organisations (``US Secretary of State``) belong to the description, and a possessive
    (``his``, ``son``) closes it. It needs a role noun; the role is the span of role words, the affiliation
    the demonym or name in it.
    """
    lex, tables = view.lex, view.tables
    role_words: list[int] = []
    affiliation: str | None = None
    start = i + 1
    for j in range(i, max(-1, i - MAX_ROLE_WORDS), -1):
        token = view.doc[j]
        text = token.text
        if token.is_space or (view.is_mark(j) and text not in ("'", "’")):
            break
        if role_word(text, tables) is not None:
            role_words.append(j)
        elif view.lower(j) in lex.role_parts:
            pass  # joins role words (``of``, ``d'``, ``State``); a role noun must still come
        elif (demonym := demonym_word(text, tables)) is not None:
            affiliation = affiliation or tables.entry(demonym.key).id
        elif (entry := tables.lookup(text)) is not None and entry.type in ("GPE", "ORG"):
            affiliation = affiliation or entry.id
        elif fold(text) in names and is_capitalised(text):
            affiliation = affiliation or names[fold(text)].id
        elif view.lower(j) in lex.possessives:
            start = j
            break
        else:
            break
        start = j
    if not role_words:
        return None
    # the role: from the first to the last role noun, with the role words around them (``Secretary of State``)
    first, last = min(role_words), max(role_words)
    while last < i and view.lower(last + 1) in lex.role_parts and demonym_word(view.texts[last + 1], tables) is None:
        last += 1
    while last > first and view.lower(last) in lex.role_parts and role_word(view.texts[last], tables) is None \
            and not is_capitalised(view.texts[last]):
        last -= 1
    while start < first and view.lower(start) in lex.role_parts and view.lower(start) not in lex.possessives \
            and demonym_word(view.texts[start], tables) is None and tables.lookup(view.texts[start]) is None:
        start += 1
    role_text = view.doc[first : last + 1].text
    word = RoleWord(role=role_text, key=role_key(role_text), prefix=None, affiliation=None)
    return _Description(start, i + 1, word, affiliation)


def _role_candidate(view: DocView, description: _Description) -> Candidate:
    return view.candidate(description.start, description.end, "rule:role", view.texts[description.end - 1], ref=True)


def resolve_roles(view: DocView, clusters: list[Cluster], taken: set[int]) -> list[RoleLink]:
    """Link role descriptions to persons, adding ``rule:role`` mentions to the person clusters.

    An apposition (role noun directly before a person's name) always links. A bare description later in
    the text (``des US-Aussenministers``: definite article, same role and same affiliation, no name after
    it) becomes a mention of the person only when exactly one person of the article has that role;
    relational roles such as ``Kollege`` never do.

    Args:
        view: The Doc being resolved.
        clusters: All clusters (persons are changed in place).
        taken: Tokens inside names (never role descriptions).

    Returns:
        The role links in text order.
    """
    persons_at = {c.name_start: cl for cl in clusters if cl.person for c in cl.candidates if not c.ref}
    names = {fold(c.name): cl for cl in clusters if not cl.person for c in cl.candidates if not c.ref}
    links: list[RoleLink] = []
    appositions: list[tuple[int, _Description, Cluster]] = []
    for start, person in sorted(persons_at.items()):
        description = _describe(view, start - 1, names) if start > 0 and start - 1 not in taken else None
        if description is None:
            continue
        person.candidates.append(_role_candidate(view, description))
        appositions.append((start - 1, description, person))
    for _, description, person in appositions:
        links.append(_link(view, description, person, "apposition"))
    relational = {role_key(r) for r in view.lex.relational_roles}
    for i in range(len(view.doc)):
        if i in taken or i + 1 in persons_at or any(i == a[0] for a in appositions):
            continue
        description = _describe(view, i, names)
        if description is None or description.word.key in relational:
            continue
        article = description.start - 1
        if view.lower(article) not in view.lex.definite_articles:
            continue
        wanted = (description.word.key, description.affiliation_id)
        earlier = {
            id(person): (person, desc)
            for j, desc, person in appositions
            if j < i and (desc.word.key, desc.affiliation_id) == wanted
        }
        if len(earlier) != 1:
            continue
        person, first = next(iter(earlier.values()))
        person.candidates.append(_role_candidate(view, description))
        links.append(_link(view, description, person, "reference", role=first.word.role))
    return sorted(links, key=lambda link: (link.start, link.person_id))


def _link(
    view: DocView, description: _Description, person: Cluster, kind: Literal["apposition", "reference"],
    role: str | None = None,
) -> RoleLink:
    start_char, end_char = view.chars(description.start, description.end)
    return RoleLink(
        person_id=person.id,
        role=role or description.word.role,
        role_key=description.word.key,
        affiliation_id=description.affiliation_id,
        start=start_char,
        end=end_char,
        text=view.text[start_char:end_char],
        sentence=view.sentence[description.start],
        kind=kind,
    )
