"""Compare two extraction outputs: added, removed and changed entities, relations and events."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsgraph.tools.canonical import canonical_results
from newsgraph.errors import ConfigError, Errors, ExportError
from newsgraph.graph.export import ARTICLES_FILE, ENTITIES_FILE, read_entities, read_results, recover
from newsgraph.records import ArticleResult

TOLERANCES: tuple[str, ...] = ("mention-counts", "names", "types", "relations", "events", "offsets")
"""What ``ignore`` may name: entity mention counts, names or types; all relations; all events;
the char offsets of relation evidence and event triggers (compare them by content only)."""


@dataclass(frozen=True, order=True)
class EntityRow:
    """The compared fields of one corpus-level entity."""

    id: str
    name: str
    type: str
    mention_count: int


@dataclass(frozen=True)
class EntityChange:
    """An entity whose id is on both sides but whose compared fields differ."""

    id: str
    name: str
    changes: tuple[tuple[str, Any, Any], ...]
    """``(field, old value, new value)`` for every field that differs."""


@dataclass(frozen=True, order=True)
class RelationRow:
    """One relation as stated in one article (offsets are -1 when ignored)."""

    article: str
    source: str
    type: str
    target: str
    modality: str
    start: int
    end: int


@dataclass(frozen=True, order=True)
class EventRow:
    """One event in one article, reduced to type, modality, trigger and arguments."""

    article: str
    type: str
    modality: str
    trigger: str
    start: int
    arguments: tuple[tuple[str, str], ...]
    """``(role, entity id or literal text)``, sorted."""


@dataclass(frozen=True)
class DiffRow:
    """One line of a readable diff: ``change`` is ``+`` (added), ``-`` (removed) or ``~`` (changed)."""

    section: str
    change: str
    item: str
    detail: str


@dataclass
class Facts:
    """What a diff compares on one side; ``articles``/``relations``/``events`` are None when not available."""

    entities: dict[str, EntityRow]
    relations: Counter[RelationRow] | None
    events: Counter[EventRow] | None
    label: str = ""
    articles: set[str] | None = None
    texts: dict[str, str] | None = None
    """Article id → a hash of its text (read from ``articles.jsonl``; None for golden snapshots)."""


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class OutputDiff:
    """The differences between an old and a new output, after the tolerances in ``ignore``."""

    old: str
    new: str
    ignore: frozenset[str] = frozenset()
    entities_added: list[EntityRow] = field(default_factory=list)
    entities_removed: list[EntityRow] = field(default_factory=list)
    entities_changed: list[EntityChange] = field(default_factory=list)
    relations_added: list[RelationRow] = field(default_factory=list)
    relations_removed: list[RelationRow] = field(default_factory=list)
    events_added: list[EventRow] = field(default_factory=list)
    events_removed: list[EventRow] = field(default_factory=list)
    articles_added: list[str] = field(default_factory=list)
    articles_removed: list[str] = field(default_factory=list)
    articles_renamed: dict[str, str] = field(default_factory=dict)
    """Old article id → new id for an article whose text changed (ids carry a hash of the text);
    its relations and events are compared under the old id."""
    notes: list[str] = field(default_factory=list)
    """Why something was not compared (e.g. one side has no ``articles.jsonl``)."""
    names: dict[str, str] = field(default_factory=dict)
    """Entity id → name on either side (new side wins), to make rows readable."""

    @property
    def differs(self) -> bool:
        """True when anything differs beyond the tolerances."""
        return any(self.counts().values())

    def counts(self) -> dict[str, int]:
        """Number of differences per kind, e.g. ``{"entities_added": 2, ...}`` (all kinds, zeros kept)."""
        return {
            "articles_added": len(self.articles_added),
            "articles_removed": len(self.articles_removed),
            "entities_added": len(self.entities_added),
            "entities_removed": len(self.entities_removed),
            "entities_changed": len(self.entities_changed),
            "relations_added": len(self.relations_added),
            "relations_removed": len(self.relations_removed),
            "events_added": len(self.events_added),
            "events_removed": len(self.events_removed),
        }

    def _name(self, entity_id: str) -> str:
        name = self.names.get(entity_id)
        return f"{name} ({entity_id})" if name and name != entity_id else entity_id

    def _relation_item(self, row: RelationRow) -> tuple[str, str]:
        where = f"{row.article}" + (f" @{row.start}-{row.end}" if row.start >= 0 else "")
        item = f"{self._name(row.source)} -{row.type}-> {self._name(row.target)}"
        return item, f"{row.modality}; {where}"

    def _event_item(self, row: EventRow) -> tuple[str, str]:
        arguments = ", ".join(f"{role}={_short(self._name(value))}" for role, value in row.arguments)
        where = f"{row.article}" + (f" @{row.start}" if row.start >= 0 else "")
        return f"{row.type} «{row.trigger}»", f"{row.modality}; {arguments or 'no arguments'}; {where}"

    def rows(self) -> list[DiffRow]:
        """Every difference as a readable row: articles, entities, relations, then events."""
        rows: list[DiffRow] = []
        for sign, articles in (("-", self.articles_removed), ("+", self.articles_added)):
            rows += [DiffRow("article", sign, article, "") for article in articles]
        for sign, entities in (("-", self.entities_removed), ("+", self.entities_added)):
            rows += [
                DiffRow("entity", sign, f"{e.name} ({e.id})", f"{e.type}, {e.mention_count} mention{'' if e.mention_count == 1 else 's'}")
                for e in entities
            ]
        for change in self.entities_changed:
            detail = "; ".join(f"{name}: {old!r} → {new!r}" for name, old, new in change.changes)
            rows.append(DiffRow("entity", "~", f"{change.name} ({change.id})", detail))
        for sign, relations in (("-", self.relations_removed), ("+", self.relations_added)):
            rows += [DiffRow("relation", sign, *self._relation_item(r)) for r in relations]
        for sign, events in (("-", self.events_removed), ("+", self.events_added)):
            rows += [DiffRow("event", sign, *self._event_item(e)) for e in events]
        return rows

    def summary(self) -> str:
        """One line such as ``entities +2 -1 ~3; relations +0 -1; events +0 -0`` (articles when they differ)."""
        c = self.counts()
        parts = [f"entities +{c['entities_added']} -{c['entities_removed']} ~{c['entities_changed']}"]
        if c["articles_added"] or c["articles_removed"]:
            parts.insert(0, f"articles +{c['articles_added']} -{c['articles_removed']}")
        if "relations" not in self.ignore:
            parts.append(f"relations +{c['relations_added']} -{c['relations_removed']}")
        if "events" not in self.ignore:
            parts.append(f"events +{c['events_added']} -{c['events_removed']}")
        return "; ".join(parts)

    def to_text(self, *, max_rows: int | None = None) -> str:
        """A plain-text report: summary line, notes, then one line per difference.

        Args:
            max_rows: Show at most this many rows (the rest are counted); None shows all.
        """
        lines = [f"{self.old} → {self.new}: {self.summary()}"]
        if self.ignore:
            lines.append(f"ignored: {', '.join(sorted(self.ignore))}")
        lines += [f"note: {note}" for note in self.notes]
        rows = self.rows()
        shown = rows if max_rows is None else rows[:max_rows]
        lines += [f"{row.change} {row.section:<8} {row.item}  [{row.detail}]" for row in shown]
        if len(shown) < len(rows):
            lines.append(f"… and {len(rows) - len(shown)} more")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (what ``newsgraph diff --json`` prints)."""
        def entity(row: EntityRow) -> dict[str, Any]:
            return dataclasses.asdict(row)

        def relation(row: RelationRow) -> dict[str, Any]:
            return dataclasses.asdict(row)

        def event(row: EventRow) -> dict[str, Any]:
            data = dataclasses.asdict(row)
            data["arguments"] = [list(argument) for argument in row.arguments]
            return data

        return {
            "old": self.old,
            "new": self.new,
            "differs": self.differs,
            "ignore": sorted(self.ignore),
            "counts": self.counts(),
            "notes": list(self.notes),
            "articles": {
                "added": list(self.articles_added),
                "removed": list(self.articles_removed),
                "renamed": dict(self.articles_renamed),
            },
            "entities": {
                "added": [entity(e) for e in self.entities_added],
                "removed": [entity(e) for e in self.entities_removed],
                "changed": [
                    {"id": c.id, "name": c.name, "changes": {f: {"old": o, "new": n} for f, o, n in c.changes}}
                    for c in self.entities_changed
                ],
            },
            "relations": {
                "added": [relation(r) for r in self.relations_added],
                "removed": [relation(r) for r in self.relations_removed],
            },
            "events": {
                "added": [event(e) for e in self.events_added],
                "removed": [event(e) for e in self.events_removed],
            },
        }


def check_ignore(ignore: Iterable[str]) -> frozenset[str]:
    """Validate tolerance names; commas split a value (``"names,types"``).

    Raises:
        ConfigError: A name is not one of ``TOLERANCES``.
    """
    names = frozenset(part.strip().lower() for value in ignore for part in value.split(",") if part.strip())
    unknown = sorted(names - set(TOLERANCES))
    if unknown:
        raise ConfigError(Errors.E008.format(unknown=", ".join(map(repr, unknown)), known=", ".join(TOLERANCES)))
    return names


def _rows_from_canonical(canonical: Sequence[Mapping[str, Any]]) -> tuple[Counter[RelationRow], Counter[EventRow]]:
    relations: Counter[RelationRow] = Counter()
    events: Counter[EventRow] = Counter()
    for article in canonical:
        article_id = str(article["article"])
        for source, rtype, target, modality, start, end in article.get("relations", []):
            relations[RelationRow(article_id, source, rtype, target, modality, int(start), int(end))] += 1
        for etype, modality, trigger, start, arguments in article.get("events", []):
            args = tuple(sorted((str(role), str(value)) for role, value in arguments))
            events[EventRow(article_id, etype, modality, trigger, int(start), args)] += 1
    return relations, events


def facts_from_canonical(canonical: Sequence[Mapping[str, Any]], *, label: str = "") -> Facts:
    """Facts from ``canonical_results`` data (the golden snapshot format).

    Entities are merged over articles by id: the name and type of the article with the most
    mentions of it (ties: first article), the mention count summed.
    """
    best: dict[str, tuple[int, str, str]] = {}
    totals: Counter[str] = Counter()
    for article in canonical:
        for entity in article.get("entities", []):
            count = len(entity.get("mentions", []))
            totals[entity["id"]] += count
            if entity["id"] not in best or count > best[entity["id"]][0]:
                best[entity["id"]] = (count, entity["name"], entity["type"])
    entities = {
        entity_id: EntityRow(entity_id, name, etype, totals[entity_id])
        for entity_id, (_, name, etype) in sorted(best.items())
    }
    relations, events = _rows_from_canonical(canonical)
    return Facts(entities, relations, events, label=label, articles={str(a["article"]) for a in canonical})


def read_facts(path: Path) -> Facts:
    """Facts of an output folder (``entities.jsonl`` and ``articles.jsonl``, both required: every run
    writes both) or of a single ``entities.jsonl`` file (entities only).

    Raises:
        ExportError: The path does not exist, the folder lacks ``entities.jsonl`` or ``articles.jsonl``
            (or one of them is not a file), or a file cannot be read or is not a valid newsgraph output.
    """
    path = Path(path)
    if path.is_dir():
        recover(path)  # finish a switch a killed run left, so both files are of one run
        entities_path, articles_path = path / ENTITIES_FILE, path / ARTICLES_FILE
        for required in (entities_path, articles_path):
            if not required.is_file():
                state = f"{required.name} is not a file" if required.exists() else f"no {required.name} here"
                raise ExportError(Errors.E409.format(path=path, state=state, entities=ENTITIES_FILE))
    elif path.is_file():
        entities_path, articles_path = path, None
    else:
        raise ExportError(Errors.E410.format(path=path, entities=ENTITIES_FILE))
    entities = {
        e.id: EntityRow(e.id, e.name, e.type, e.mention_count) for e in read_entities(entities_path)
    }
    if articles_path is None:
        return Facts(entities, None, None, label=str(path))
    texts: dict[str, str] = {}

    def hashing(results: Iterable[ArticleResult]) -> Iterator[ArticleResult]:
        for result in results:
            texts[result.article.id] = hashlib.sha256(result.article.text.encode("utf-8", "surrogatepass")).hexdigest()
            yield result

    canonical = canonical_results(hashing(read_results(articles_path)))
    relations, events = _rows_from_canonical(canonical)
    return Facts(entities, relations, events, label=str(path), articles={str(a["article"]) for a in canonical},
                 texts=texts)


def _without_offsets(rows: Counter[Any], articles: set[str] | None = None) -> Counter[Any]:
    """Rows with char offsets set to -1 (only those of ``articles`` when given)."""
    stripped: Counter[Any] = Counter()
    for row, n in rows.items():
        if articles is None or row.article in articles:
            offsets = {"start": -1, "end": -1} if isinstance(row, RelationRow) else {"start": -1}
            row = dataclasses.replace(row, **offsets)
        stripped[row] += n
    return stripped


_HASHED_ID = re.compile(r"(?P<stem>.+)-[0-9a-f]{12}")


def pair_articles(old: set[str], new: set[str]) -> dict[str, str]:
    """Old id → new id for articles whose generated id (``<stem>-<hash>``) changed with their text.

    Only ids on one side alone are paired, and only where the stem is unique on both sides.
    """
    def stems(ids: set[str]) -> dict[str, str]:
        found: dict[str, list[str]] = {}
        for article_id in ids:
            if match := _HASHED_ID.fullmatch(article_id):
                found.setdefault(match["stem"], []).append(article_id)
        return {stem: ids[0] for stem, ids in found.items() if len(ids) == 1}

    old_stems, new_stems = stems(old - new), stems(new - old)
    return {old_stems[stem]: new_stems[stem] for stem in sorted(old_stems.keys() & new_stems.keys())}


def _what_changed(old: Facts, new: Facts, old_id: str, new_id: str) -> str:
    """Why a paired article's id changed, as far as the two sides tell."""
    if old.texts is None or new.texts is None or old_id not in old.texts or new_id not in new.texts:
        return "changed its text or its file's path"
    if old.texts[old_id] == new.texts[new_id]:
        return "changed its id, not its text (its file was moved or renamed)"
    return "changed its text"


def _rename(rows: Counter[Any], renamed: dict[str, str]) -> Counter[Any]:
    back = {new: old for old, new in renamed.items()}
    result: Counter[Any] = Counter()
    for row, n in rows.items():
        result[dataclasses.replace(row, article=back.get(row.article, row.article))] += n
    return result


def _multiset_diff(old: Counter[Any], new: Counter[Any]) -> tuple[list[Any], list[Any]]:
    added, removed = new - old, old - new
    return sorted(added.elements()), sorted(removed.elements())


def diff_facts(old: Facts, new: Facts, *, ignore: Iterable[str] = ()) -> OutputDiff:
    """Compare two Facts; see ``diff_outputs``."""
    tolerances = check_ignore(ignore)
    result = OutputDiff(old=old.label or "old", new=new.label or "new", ignore=tolerances)
    result.names = {**{i: e.name for i, e in old.entities.items()}, **{i: e.name for i, e in new.entities.items()}}

    result.entities_added = [new.entities[i] for i in sorted(new.entities.keys() - old.entities.keys())]
    result.entities_removed = [old.entities[i] for i in sorted(old.entities.keys() - new.entities.keys())]
    compared = [("name", "names"), ("type", "types"), ("mention_count", "mention-counts")]
    for entity_id in sorted(old.entities.keys() & new.entities.keys()):
        before, after = old.entities[entity_id], new.entities[entity_id]
        changes = tuple(
            (name, getattr(before, name), getattr(after, name))
            for name, tolerance in compared
            if tolerance not in tolerances and getattr(before, name) != getattr(after, name)
        )
        if changes:
            result.entities_changed.append(EntityChange(entity_id, after.name, changes))

    if old.articles is not None and new.articles is not None:
        result.articles_renamed = pair_articles(old.articles, new.articles)
        result.articles_removed = sorted(old.articles - new.articles - result.articles_renamed.keys())
        result.articles_added = sorted(new.articles - old.articles - set(result.articles_renamed.values()))
        result.notes += [f"article {a} {_what_changed(old, new, a, b)} (now {b}); compared by its name, without "
                         "char offsets" for a, b in result.articles_renamed.items()]

    for kind in ("relations", "events"):
        if kind in tolerances:
            continue
        old_rows, new_rows = getattr(old, kind), getattr(new, kind)
        if old_rows is None or new_rows is None:
            missing = " and ".join(f.label or side for f, side in ((old, "old"), (new, "new")) if getattr(f, kind) is None)
            result.notes.append(f"{kind} not compared: no {ARTICLES_FILE} for {missing}")
            continue
        new_rows = _rename(new_rows, result.articles_renamed)
        if "offsets" in tolerances:
            old_rows, new_rows = _without_offsets(old_rows), _without_offsets(new_rows)
        elif result.articles_renamed:
            # offsets into two different texts cannot be compared; match that article's rows by content
            changed = set(result.articles_renamed)
            old_rows, new_rows = _without_offsets(old_rows, changed), _without_offsets(new_rows, changed)
        added, removed = _multiset_diff(old_rows, new_rows)
        setattr(result, f"{kind}_added", added)
        setattr(result, f"{kind}_removed", removed)
    return result


def diff_outputs(old: Path, new: Path, *, ignore: Iterable[str] = ()) -> OutputDiff:
    """Compare two newsgraph outputs: entities by id, relations and events per article.

    Each side is an output folder (its ``entities.jsonl`` and ``articles.jsonl``, both required) or a
    single ``entities.jsonl`` file (then relations and events are not compared). Entities are
    matched by id and compared on name, type and mention count; relations and events are
    compared as multisets of their canonical form (article, ends, type, modality, offsets).

    Args:
        old: The baseline output folder or ``entities.jsonl``.
        new: The output to check against it.
        ignore: Tolerances, any of ``TOLERANCES`` (``"mention-counts"``, ``"names"``, ``"types"``,
            ``"relations"``, ``"events"``, ``"offsets"``); a value may hold several, comma-separated.

    Returns:
        The differences; ``.differs`` is True when anything differs beyond the tolerances.

    Raises:
        ConfigError: An unknown tolerance name.
        ExportError: A path is missing, unreadable, or not a (complete) newsgraph output.

    Example:
        >>> diff = diff_outputs(Path("golden-out"), Path("newsgraph-out"), ignore={"mention-counts"})  # doctest: +SKIP
        >>> diff.differs, diff.summary()  # doctest: +SKIP
        (True, 'entities +1 -0 ~0; relations +0 -0; events +0 -0')
    """
    tolerances = check_ignore(ignore)
    return diff_facts(read_facts(Path(old)), read_facts(Path(new)), ignore=tolerances)


def diff_canonical(
    old: Sequence[Mapping[str, Any]],
    new: Sequence[Mapping[str, Any]],
    *,
    ignore: Iterable[str] = (),
    labels: tuple[str, str] = ("old", "new"),
) -> OutputDiff:
    """Compare two ``canonical_results`` lists (e.g. a golden snapshot and the current output).

    Args:
        old: The expected canonical data.
        new: The current canonical data.
        ignore: Tolerances, as for ``diff_outputs``.
        labels: Names for the two sides in reports.
    """
    return diff_facts(
        facts_from_canonical(old, label=labels[0]), facts_from_canonical(new, label=labels[1]), ignore=ignore
    )


__all__ = [
    "TOLERANCES",
    "DiffRow",
    "EntityChange",
    "EntityRow",
    "EventRow",
    "Facts",
    "OutputDiff",
    "RelationRow",
    "check_ignore",
    "diff_canonical",
    "diff_facts",
    "diff_outputs",
    "facts_from_canonical",
    "pair_articles",
    "read_facts",
]
