"""The resolver's offline tables: gazetteer (names → ids, types), demonyms and word lists from package data."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any

from newsgraph.errors import ConfigError
from newsgraph.records import EntityType
from newsgraph.resolve.normalize import fold, fold_lower, inflection_variants

TABLES_VERSION = "v2"
GAZETTEER_FILE = "gazetteer.{version}.tsv"
DEMONYMS_FILE = "demonyms.{version}.tsv"
LEXICON_FILE = "lexicon.{version}.json"
# Other languages than German: names of the gazetteer's entries in that language, demonyms and word lists.
LABELS_FILE = "labels.{version}.tsv"
MULTI_DEMONYMS_FILE = "demonyms.multi.{version}.tsv"
LANG_LEXICON_FILE = "lexicon.{lang}.{version}.json"
BASE_LANG = "de"
"""The gazetteer's own language: its names and aliases are German; other languages add labels over it."""
TABLE_LANGS = ("de", "en", "fr", "it")
"""Languages with resolver word lists (``lexicon.<lang>.v2.json``) and labels."""

# Kinds whose names may be matched in an inflected form (Russlands, Syriens, Innenministeriums); the names of
# organisations and parties may not.
INFLECTABLE_KINDS = frozenset({"country", "capital", "city", "region", "area", "body"})
PARTY_KIND = "party"
"""A political party of one country; an alias parties of several countries share is resolved by context."""
BODY_KIND = "body"
"""An institution every state has (Innenministerium, Polizei): one entity per state, see resolve.states."""


@dataclass(frozen=True)
class GazEntry:
    """One real-world thing the offline gazetteer knows.

    Attributes:
        key: Local id (``ng:gpe:russland``); stable even where a QID is known.
        qid: Wikidata QID, or None where none is verified.
        name: Canonical name (German).
        type: Entity type (GPE, LOC, ORG, NORP, MISC).
        kind: country, capital, city, region, area, org, party, body or group.
        capital_of: Key of the country this place is the capital of, if any.
        country: Key of the country a party, organisation, region or city belongs to, if known.
    """

    key: str
    qid: str | None
    name: str
    type: EntityType
    kind: str
    capital_of: str | None = None
    country: str | None = None

    @property
    def id(self) -> str:
        """The entity id to export: the QID where known, else the local key."""
        return self.qid or self.key


def _words(values: Iterable[str]) -> frozenset[str]:
    return frozenset(fold_lower(v) for v in values)


@dataclass(frozen=True)
class Lexicon:
    """Word lists that drive the rules (all entries folded and lowercase); see ``lexicon.v2.json``."""

    definite_articles: frozenset[str] = frozenset()
    indefinite_articles: frozenset[str] = frozenset()
    genitive_articles: frozenset[str] = frozenset()
    possessives: frozenset[str] = frozenset()
    state_nouns_suffix: frozenset[str] = frozenset()
    group_nouns_suffix: frozenset[str] = frozenset()
    role_nouns_suffix: frozenset[str] = frozenset()
    relational_roles: frozenset[str] = frozenset()
    directional_prefixes: tuple[str, ...] = ()
    gpe_cues_suffix: frozenset[str] = frozenset()
    facility_cues_suffix: frozenset[str] = frozenset()
    loc_name_suffixes: frozenset[str] = frozenset()
    government_nouns: frozenset[str] = frozenset()
    capital_subject_verbs: frozenset[str] = frozenset()
    capital_aux_verbs: frozenset[str] = frozenset()
    capital_participles: frozenset[str] = frozenset()
    coalition_nouns_suffix: frozenset[str] = frozenset()
    coalition_adjectives_prefix: tuple[str, ...] = ()
    org_descriptors_suffix: frozenset[str] = frozenset()
    person_titles: frozenset[str] = frozenset()
    name_particles: frozenset[str] = frozenset()
    quote_marks: frozenset[str] = frozenset()
    noun_endings: tuple[str, ...] = ()
    """Inflection endings a noun may carry over a ``*_suffix`` entry, in the order the forms are tried."""
    score_list_labels: frozenset[str] = frozenset()
    """Labels of a sport report's scorer list (``Tore: Müller (12.), Alaba (55.)``): its entries are persons."""
    role_parts: frozenset[str] = frozenset()
    """Words that may stand inside a multi-word role (``Secretary of State``, ``ministre des Affaires étrangères``)."""
    nouns_capitalised: bool = True
    """German: common nouns are capitalised, so a role or state noun must be."""
    demonyms_capitalised: bool = False
    """English: adjectives of nationality are capitalised (``the Russian government``)."""
    adjectives_follow_noun: bool = False
    """French and Italian: ``le gouvernement russe``, ``il suo omologo russo``."""

    @property
    def determiners(self) -> frozenset[str]:
        """Definite and indefinite articles."""
        return self.definite_articles | self.indefinite_articles

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Lexicon:
        """Build from the JSON object of a lexicon file (unknown keys other than metadata are an error)."""
        values: dict[str, Any] = {}
        for name, spec in cls.__dataclass_fields__.items():
            if name not in data:
                continue
            items = data[name]
            if name == "noun_endings":
                values[name] = tuple(fold_lower(v) for v in items)
            elif spec.type in ("tuple[str, ...]",):
                # Longest first, so "nordost" is tried before "nord".
                values[name] = tuple(sorted({fold_lower(v) for v in items}, key=lambda w: (-len(w), w)))
            elif name == "quote_marks":
                values[name] = frozenset(items)
            elif spec.type == "bool":
                values[name] = bool(items)
            else:
                values[name] = _words(items)
        unknown = set(data) - set(cls.__dataclass_fields__) - {"version", "about", "lang"}
        if unknown:
            raise ConfigError(f"lexicon has unknown lists {sorted(unknown)}; remove them or add them to Lexicon")
        return cls(**values)


@dataclass(frozen=True)
class AliasTables:
    """Everything the resolver looks up, loaded once and shared (immutable).

    Attributes:
        version: Version of the table files (``v2``).
        entries: Gazetteer entries by key.
        aliases: ``fold(alias)`` → key; case-sensitive, so ``IS`` never matches ``is``.
        demonyms: Folded lowercase adjective stem (``russisch``) → key.
        lexicon: Word lists for the rules.
        shared: ``fold(alias)`` → the keys of every party with that alias, when parties of different
            countries share it (``Grüne``: Austria's, Germany's, Switzerland's), first party first.
    """

    version: str
    entries: Mapping[str, GazEntry]
    aliases: Mapping[str, str]
    demonyms: Mapping[str, str]
    lexicon: Lexicon
    max_alias_tokens: int = 6
    shared: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    _upper_aliases: Mapping[str, str] = field(default_factory=dict, repr=False)

    @cached_property
    def multiword_heads(self) -> frozenset[str]:
        """First words of the multi-word aliases: a span whose first word is not one of them cannot match."""
        return frozenset(alias.split(" ", 1)[0] for table in (self.aliases, self._upper_aliases)
                         for alias in table if " " in alias)

    def lookup(self, text: str) -> GazEntry | None:
        """The entry whose alias is exactly ``text`` (modulo ß/ss and hyphen variants), or None."""
        key = self.aliases.get(fold(text))
        if key is None and len(text) > 4 and text.isupper():
            key = self._upper_aliases.get(fold(text))
        return self.entries[key] if key is not None else None

    def lookup_inflected(self, text: str) -> tuple[GazEntry, str] | None:
        """Like :meth:`lookup`, also trying base forms of an inflected last word (Russlands → Russland).

        Inflected forms are accepted only for places and groups, never for organisation names.

        Returns:
            The entry and the base form that matched, or None.
        """
        entry = self.lookup(text)
        if entry is not None:
            return entry, text
        head, _, last = text.rpartition(" ")
        for variant in inflection_variants(last):
            candidate = f"{head} {variant}" if head else variant
            entry = self.lookup(candidate)
            if entry is not None and (entry.kind in INFLECTABLE_KINDS or entry.type == "NORP"):
                return entry, candidate
        return None

    def entry(self, key: str) -> GazEntry:
        """The entry for ``key``.

        Raises:
            ConfigError: the tables do not know the key (a demonym or capital points nowhere).
        """
        try:
            return self.entries[key]
        except KeyError as e:
            raise ConfigError(
                f"gazetteer {self.version} has no entry {key!r}; rebuild it with scripts/build_gazetteer.py"
            ) from e


def _read_text(filename: str) -> str:
    try:
        return resources.files("newsgraph").joinpath("data", filename).read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise ConfigError(
            f"resolver table {filename} is missing from the newsgraph package data; "
            "regenerate it with `python scripts/build_gazetteer.py` or choose an existing version"
        ) from e


def _tsv_rows(text: str) -> Iterable[list[str]]:
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    yield from csv.reader(lines[1:], delimiter="\t", quoting=csv.QUOTE_NONE)


def parse_gazetteer(text: str) -> tuple[dict[str, GazEntry], dict[str, str]]:
    """Parse a gazetteer TSV (``key qid name type kind capital_of aliases country``) into entries and an
    alias map.

    Earlier rows win alias clashes (the build script orders rows by priority and reports clashes).
    """
    entries: dict[str, GazEntry] = {}
    aliases: dict[str, str] = {}
    for row in _tsv_rows(text):
        key, qid, name, etype, kind, capital_of, alias_field, country = (row + [""] * 8)[:8]
        entries[key] = GazEntry(
            key=key, qid=qid or None, name=name, type=etype,  # type: ignore[arg-type]
            kind=kind, capital_of=capital_of or None, country=country or None,
        )
        for alias in [name, *alias_field.split("|")]:
            if alias:
                aliases.setdefault(fold(alias), key)
    return entries, aliases


def shared_party_aliases(gazetteer: str) -> dict[str, tuple[str, ...]]:
    """``fold(alias) → party keys`` for the aliases that parties of different countries share (``Grüne``).

    The alias map gives such an alias to the first party (by gazetteer order); the resolver picks among
    all of them by the article's context (see :mod:`newsgraph.resolve.states`).

    Args:
        gazetteer: Contents of a gazetteer TSV.
    """
    owners: dict[str, list[str]] = {}
    for row in _tsv_rows(gazetteer):
        key, _qid, name, _type, kind, _capital, alias_field = (row + [""] * 7)[:7]
        if kind != PARTY_KIND:
            continue
        for alias in dict.fromkeys(fold(a) for a in [name, *alias_field.split("|")] if a):
            owners.setdefault(alias, []).append(key)
    return {alias: tuple(keys) for alias, keys in owners.items() if len(keys) > 1}


def parse_demonyms(text: str) -> dict[str, str]:
    """Parse a demonym TSV (``stem key``)."""
    return {fold_lower(row[0]): row[1] for row in _tsv_rows(text) if len(row) >= 2}


def build_alias_tables(gazetteer: str, demonyms: str, lexicon: Mapping[str, Any], *, version: str) -> AliasTables:
    """Assemble tables from file contents (use :func:`load_alias_tables` for the shipped ones)."""
    entries, aliases = parse_gazetteer(gazetteer)
    demonym_map = parse_demonyms(demonyms)
    missing = sorted({k for k in demonym_map.values() if k not in entries})
    if missing:
        raise ConfigError(f"demonyms {version} point to unknown gazetteer keys {missing}; rebuild the tables")
    upper: dict[str, str] = {}
    for alias, key in aliases.items():
        upper.setdefault(alias.upper(), key)
    max_tokens = max((alias.count(" ") + 1 for alias in aliases), default=1)
    return AliasTables(
        version=version,
        entries=entries,
        aliases=aliases,
        demonyms=demonym_map,
        lexicon=Lexicon.from_dict(lexicon),
        max_alias_tokens=max_tokens,
        shared=shared_party_aliases(gazetteer),
        _upper_aliases=upper,
    )


def localise(tables: AliasTables, labels: str, demonyms: str, *, lang: str) -> AliasTables:
    """The tables for another language: the same entries and ids, named in ``lang``.

    Each entry with a label in ``lang`` is renamed to it; the language's names and aliases are looked up
    first, the German ones after them (place names such as ``Tampa`` are the same in most languages), so
    ``Russia``, ``Russie`` and ``Russland`` all resolve to Q159.

    Args:
        tables: The German tables (their lexicon is replaced by the caller).
        labels: Contents of ``labels.<version>.tsv`` (``key lang name aliases``).
        demonyms: Contents of ``demonyms.multi.<version>.tsv`` (``lang form key``).
        lang: ISO 639-1 code.
    """
    entries = dict(tables.entries)
    aliases: dict[str, str] = {}
    for key, row_lang, name, alias_field in ((row + [""] * 4)[:4] for row in _tsv_rows(labels)):
        if row_lang != lang or key not in entries:
            continue
        entries[key] = replace(entries[key], name=name)
        for alias in [name, *alias_field.split("|")]:
            if alias:
                aliases.setdefault(fold(alias), key)
    for alias, key in tables.aliases.items():
        aliases.setdefault(alias, key)
    demonym_map = {fold_lower(row[1]): row[2] for row in _tsv_rows(demonyms) if len(row) >= 3 and row[0] == lang}
    upper: dict[str, str] = {}
    for alias, key in aliases.items():
        upper.setdefault(alias.upper(), key)
    return replace(
        tables, entries=entries, aliases=aliases, demonyms=demonym_map, _upper_aliases=upper,
        max_alias_tokens=max((alias.count(" ") + 1 for alias in aliases), default=1),
    )


def _read_json(filename: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(_read_text(filename))
    except json.JSONDecodeError as e:
        raise ConfigError(f"{filename} is not valid JSON: {e}") from e
    return data


def load_alias_tables(version: str = TABLES_VERSION, lang: str = BASE_LANG) -> AliasTables:
    """Load (once per process) the gazetteer, demonym and lexicon files of ``version`` from package data.

    Args:
        version: Table version.
        lang: Language of the texts: ``de`` reads the German tables; ``en``, ``fr`` and ``it`` the same
            entries with the language's labels (``labels.<version>.tsv``), demonyms and word lists
            (``lexicon.<lang>.<version>.json``).

    Raises:
        ConfigError: a file of that version or language is missing or inconsistent.

    Example:
        >>> tables = load_alias_tables()
        >>> tables.lookup("Grossbritannien").qid
        'Q145'
        >>> load_alias_tables(lang="fr").lookup("Russie").id
        'Q159'
    """
    return _load_alias_tables(version, lang)


@lru_cache(maxsize=8)
def _load_alias_tables(version: str, lang: str) -> AliasTables:
    gazetteer = _read_text(GAZETTEER_FILE.format(version=version))
    demonyms = _read_text(DEMONYMS_FILE.format(version=version))
    german = build_alias_tables(gazetteer, demonyms, _read_lexicon(version, lang), version=version)
    if lang == BASE_LANG:
        return german
    return localise(german, _read_text(LABELS_FILE.format(version=version)),
                    _read_text(MULTI_DEMONYMS_FILE.format(version=version)), lang=lang)


def _read_lexicon(version: str, lang: str) -> dict[str, Any]:
    if lang == BASE_LANG:
        return _read_json(LEXICON_FILE.format(version=version))
    try:
        return _read_json(LANG_LEXICON_FILE.format(lang=lang, version=version))
    except ConfigError as e:
        raise ConfigError(f"the resolver has no word lists for language {lang!r} ({e}); add "
                          f"{LANG_LEXICON_FILE.format(lang=lang, version=version)} and its labels") from e


def table_lang(lang: str) -> str:
    """``lang`` when the resolver has word lists for it, else German (the base tables)."""
    return lang if lang in TABLE_LANGS else BASE_LANG


@lru_cache(maxsize=2)
def relational_roles(version: str = TABLES_VERSION) -> frozenset[str]:
    """The relational roles of every language (``Kollege``, ``counterpart``, ``homologue``, ``omologo``)."""
    # only the word lists are read: building every language's tables for them parsed the gazetteer four times
    return frozenset().union(*(Lexicon.from_dict(_read_lexicon(version, lang)).relational_roles
                               for lang in TABLE_LANGS))
