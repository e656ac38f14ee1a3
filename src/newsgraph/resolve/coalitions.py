"""Coalitions named by what they fight: ``Bündnis gegen den IS``, ``internationale Koalition gegen den IS``,
``Anti-IS-Koalition`` — one ORG per target, plus bare ``internationale Militärkoalition`` where unambiguous."""

from __future__ import annotations

from dataclasses import dataclass

from newsgraph.resolve.candidates import Candidate, DocView
from newsgraph.resolve.cluster import Cluster
from newsgraph.resolve.normalize import fold, fold_lower, local_id
from newsgraph.resolve.words import ends_with_any, is_capitalised

_NOUNS = (("koalition", "Koalition", "Internationale"), ("allianz", "Allianz", "Internationale"),
          ("bündnis", "Bündnis", "Internationales"))


@dataclass
class _Phrase:
    start: int
    end: int
    noun: int
    international: bool
    target: Cluster | None = None
    target_text: str = ""
    article: str = ""


def _noun_forms(word: str) -> tuple[str, str]:
    lower = fold_lower(word)
    for stem, noun, adjective in _NOUNS:
        if stem in lower:
            return noun, adjective
    return word, "Internationale"


def _phrase(
    view: DocView, k: int, names_at: dict[int, tuple[Candidate, Cluster]], by_key: dict[str, Cluster]
) -> _Phrase | None:
    """The coalition phrase around the noun at ``k``: adjective, noun, ``(im Kampf) gegen (den) X``."""
    lex, doc = view.lex, view.doc
    if not is_capitalised(view.texts[k]):  # most tokens: no need to split them
        return None
    parts = view.texts[k].split("-")
    if not ends_with_any(parts[-1], lex.coalition_nouns_suffix, lex.noun_endings):
        return None
    international = k > 0 and view.lower(k - 1).startswith(lex.coalition_adjectives_prefix)
    phrase = _Phrase(k - 1 if international else k, k + 1, k, international)
    if len(parts) >= 3 and fold_lower(parts[0]) == "anti":
        target = "-".join(parts[1:-1])
        owner = next((cl for _, cl in names_at.values() if fold(cl.name) == fold(target)), None)
        entry = view.tables.lookup(target)
        owner = owner or (by_key.get(entry.key) if entry is not None else None)
        if owner is not None:
            phrase.target, phrase.target_text = owner, target
        return phrase
    m, direct = k + 1, True
    if view.lower(m) == "im" and view.lower(m + 1) == "kampf":
        m, direct = m + 2, False
    if view.lower(m) != "gegen":
        return phrase
    m += 1
    if view.lower(m) in lex.definite_articles:
        phrase.article = doc[m].text
        m += 1
    found = names_at.get(m)
    if found is not None:
        candidate, cluster = found
        phrase.target, phrase.target_text = cluster, doc[candidate.start : candidate.end].text
        if direct:
            phrase.end = candidate.end
    return phrase


def resolve_coalitions(view: DocView, clusters: list[Cluster], taken: set[int]) -> list[Cluster]:
    """New ORG clusters for coalitions against a named entity of the article.

    The name follows the text (``Internationale Koalition gegen den IS``); the id follows the target
    (``ng:org:koalition-gegen-q2429253``), so one coalition keeps one id across articles.

    A bare ``internationale (Militär)koalition`` joins the article's coalition only when there is
    exactly one; a bare ``Koalition`` (often a government coalition) never does.
    """
    names_at: dict[int, tuple[Candidate, Cluster]] = {}
    for cluster in clusters:
        for candidate in cluster.candidates:
            if not candidate.ref:
                names_at.setdefault(candidate.start, (candidate, cluster))
                names_at.setdefault(candidate.name_start, (candidate, cluster))
    by_key = {cluster.entry.key: cluster for cluster in clusters if cluster.entry is not None}
    anchored: dict[str, list[_Phrase]] = {}
    bare: list[_Phrase] = []
    for k in range(len(view.doc)):
        if k in taken:
            continue
        phrase = _phrase(view, k, names_at, by_key)
        if phrase is None:
            continue
        if phrase.target is not None:
            anchored.setdefault(phrase.target.id, []).append(phrase)
        elif phrase.international:
            bare.append(phrase)
    result = []
    for phrases in anchored.values():
        if len(anchored) == 1:
            phrases = sorted(phrases + bare, key=lambda p: p.start)
        result.append(_coalition(view, phrases))
    return result


def _coalition(view: DocView, phrases: list[_Phrase]) -> Cluster:
    first = next(p for p in phrases if p.target is not None)
    nouns = [_noun_forms(view.texts[p.noun]) for p in phrases]
    noun, adjective = next((n for n in nouns if n[0] == "Koalition"), nouns[0])
    target = " ".join(part for part in (first.article, first.target_text) if part)
    name = f"{noun} gegen {target}"
    if any(p.international for p in phrases):
        name = f"{adjective} {name}"
    candidates = [
        view.candidate(p.start, p.end, "rule:coalition", view.doc[p.start : p.end].text) for p in phrases
    ]
    # The id comes from the target, so the coalition merges across articles however it is phrased.
    target_id = first.target.id if first.target is not None else name
    return Cluster(candidates=candidates, name=name, type="ORG", id=local_id("ORG", f"koalition gegen {target_id}"))
