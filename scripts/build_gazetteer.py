"""Build the resolver's gazetteer and demonym tables (package data) from open sources and curated lists.

Inputs:
  * babel (CLDR German names of countries, de / de_CH / de_AT) and pycountry (the ISO 3166-1 list and its
    German official names): ``pip install babel pycountry`` (build-time only; the package does not need them);
  * the German Foreign Office list of state names (``laendernamen.list`` of the LER gazetteers, an "amtliches
    Werk", free to use), if ``--ler`` points at it;
  * curated lists under ``scripts/gazetteer/`` (QIDs, Swiss/German spellings, short forms, cities, regions,
    organisations, groups, demonyms).
Optionally ``--hipe`` points at HIPE-2022 TSV files: their name→QID pairs are used only to *check* the curated
QIDs (a report on stderr), nothing from them is copied.

Outputs (deterministic; rerun after editing a curated list and commit the result):
  * ``src/newsgraph/data/gazetteer.<version>.tsv``
  * ``src/newsgraph/data/demonyms.<version>.tsv``

Usage:
    python scripts/build_gazetteer.py [--version v2] [--ler PATH/laendernamen.list] [--hipe DIR]
"""

from __future__ import annotations

import argparse
import csv
import gettext
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pycountry
from babel import Locale

from newsgraph.resolve.normalize import fold, local_id

ROOT = Path(__file__).resolve().parents[1]
CURATED = ROOT / "scripts" / "gazetteer"
DATA = ROOT / "src" / "newsgraph" / "data"
SHARED = ROOT.parent / "shared" / "data" / "de"
DEFAULT_LER = SHARED / "gazetteers" / "ler" / "laendernamen.list"
DEFAULT_HIPE = SHARED / "ner" / "hipe2022"

KIND_PRIORITY = {"country": 0, "capital": 1, "city": 2, "region": 3, "area": 4, "org": 5, "party": 5, "body": 5,
                 "group": 6}
# Curated lists of organisations, parties, state bodies and groups, all in the columns of organisations.tsv;
# earlier files win alias clashes within one kind.
ORG_FILES = ("organisations.tsv", "parties.tsv", "bodies.tsv", "international.tsv", "media.tsv", "companies.tsv",
             "sport.tsv")
SKIP_CODES = {"AQ"}  # Antarctica is a place, not a polity: listed in places.tsv as LOC.
EXTRA_CODES = {"XK"}  # Kosovo: no ISO 3166-1 code, but a state in news usage.


@dataclass
class Row:
    """One gazetteer entry being assembled."""

    name: str
    type: str
    kind: str
    qid: str = ""
    capital_of: str = ""
    country: str = ""
    order: int = 0
    """Position in its file, for parties: an alias parties share goes to the first when the context is silent."""
    aliases: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return local_id(self.type, self.name)

    def add(self, *names: str) -> None:
        """Add aliases, each with its weak adjective inflection (``Vereinigten Arabischen Emiraten``)."""
        for name in names:
            name = " ".join(name.split())
            if not name or ", " in name:
                continue
            for alias in (name, *weak_inflections(name)):
                if alias not in self.aliases:
                    self.aliases.append(alias)


def weak_inflections(name: str) -> list[str]:
    """``Vereinigte Arabische Emirate`` → ``Vereinigten Arabischen Emirate``, ``... Emiraten``: the forms
    after ``der``/``den``/``des`` of a multi-word name whose leading words are adjectives ending in -e."""
    words = name.split()
    article = words[0] if words[0] in ("Die", "Der", "Das") else ""
    words = words[1:] if article else words
    # adjectives only as far as a word shows it: not articles (Le, La) nor words with a dot (FDP.Die)
    if len(words) < 2 or not all(w[:1].isupper() and w.endswith("e") and len(w) > 3 and "." not in w
                                 for w in words[:-1]):
        return []
    stem = " ".join(w + "n" for w in words[:-1])
    if article:  # "Die Grüne Alternative": the article is not inflected with the name; leave it out
        return []
    forms = [f"{stem} {words[-1]}"]
    if words[-1].endswith("e"):
        forms.append(f"{stem} {words[-1]}n")
    return forms


def read_tsv(path: Path, *, width: int = 7) -> Iterator[list[str]]:
    """Rows of a curated TSV (``#`` comments and blank lines skipped), padded to ``width`` columns."""
    with path.open(encoding="utf-8") as f:
        lines = [line for line in f if line.strip() and not line.startswith("#")]
    for row in csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
        yield [c.strip() for c in row] + [""] * (width - len(row))


def split_aliases(text: str) -> list[str]:
    return [a for a in text.split("|") if a]


def country_rows(ler: Path | None) -> dict[str, Row]:
    """One row per ISO country with its German names from babel, pycountry, the LER list and countries.tsv."""
    de, ch, at = (Locale.parse(code) for code in ("de", "de_CH", "de_AT"))
    t = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"])
    curated = {row[0]: row for row in read_tsv(CURATED / "countries.tsv")}
    rows: dict[str, Row] = {}
    codes = sorted({c.alpha_2 for c in pycountry.countries} - SKIP_CODES | EXTRA_CODES)
    for code in codes:
        _, qid, _source, canonical, extra = curated.get(code, [code, "", "", "", ""])[:5]
        babel_name = de.territories.get(code, "")
        row = Row(name=canonical or babel_name, type="GPE", kind="country", qid=qid)
        row.add(babel_name, ch.territories.get(code, ""), at.territories.get(code, ""))
        country = pycountry.countries.get(alpha_2=code)
        if country is not None:
            row.add(t.gettext(country.name))
            if hasattr(country, "official_name"):
                row.add(t.gettext(country.official_name))
        row.add(*split_aliases(extra))
        if not row.name:
            raise SystemExit(f"country {code} has no German name: add a canonical name to countries.tsv")
        rows[code] = row
    if ler is not None and ler.exists():
        add_ler_names(rows, ler)
    return rows


def add_ler_names(rows: dict[str, Row], ler: Path) -> None:
    """Add the Foreign Office's short and official names (they come in pairs) to the matching countries."""
    by_alias = {fold(a): code for code, row in rows.items() for a in [row.name, *row.aliases]}
    names = [line.strip() for line in ler.read_text(encoding="utf-8").splitlines() if line.strip()]
    unmatched = []
    for short, official in zip(names[::2], names[1::2]):
        code = by_alias.get(fold(short)) or by_alias.get(fold(official))
        if code is None:
            unmatched.append(short)
            continue
        rows[code].add(short, official)
    if unmatched:
        sys.stderr.write(f"LER names matched to no ISO country (skipped): {', '.join(unmatched)}\n")


def curated_rows(countries: dict[str, Row]) -> list[Row]:
    """Rows of places.tsv and the organisation lists (:data:`ORG_FILES`); ``capital_of`` and ``country``
    become the country's key."""
    rows = []
    for name, etype, kind, qid, _source, capital_of, aliases, country in read_tsv(CURATED / "places.tsv", width=8):
        row = Row(name=name, type=etype, kind=kind, qid=qid)
        if capital_of:
            row.capital_of = countries[capital_of].key
        if country:
            row.country = countries[country].key
        row.add(name, *split_aliases(aliases))  # the name too, for its weak forms (Deutschen Bank)
        rows.append(row)
    for filename in ORG_FILES:
        for name, etype, kind, qid, _source, aliases, country in read_tsv(CURATED / filename):
            if country and country not in countries:
                raise SystemExit(f"{filename}: {name!r} names the unknown country code {country!r}")
            row = Row(name=name, type=etype, kind=kind, qid=qid, country=countries[country].key if country else "",
                      order=len(rows) if kind == "party" else 0)
            row.add(name, *split_aliases(aliases))
            rows.append(row)
    return rows


def report_clashes(rows: list[Row]) -> None:
    """Tell which aliases name two entries (the first row, by priority, wins at run time; parties of
    different countries that share an alias are resolved by the article's context instead)."""
    owners: dict[str, list[str]] = defaultdict(list)
    parties: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        for alias in {fold(a) for a in [row.name, *row.aliases]}:
            owners[alias].append(row.key)
            if row.kind == "party":
                parties[alias].add(row.country)
    for alias, keys in sorted(owners.items()):
        if len(keys) > 1 and len(parties[alias]) < len(keys):
            sys.stderr.write(f"alias {alias!r} names {keys}: {keys[0]} wins\n")


def hipe_pairs(hipe: Path) -> dict[str, Counter[str]]:
    """Surface form → QID counts of the linked entity spans in HIPE TSV files."""
    pairs: dict[str, Counter[str]] = defaultdict(Counter)
    for path in sorted(hipe.glob("*.tsv")):
        tokens: list[str] = []
        qid = ""
        for line in path.read_text(encoding="utf-8").splitlines():
            cols = line.split("\t")
            if line.startswith(("#", "TOKEN")) or len(cols) < 8:
                continue
            tag = cols[1]
            if tag.startswith("I-") and tokens:
                tokens.append(cols[0])
                continue
            if tokens and qid.startswith("Q"):
                pairs[" ".join(tokens)][qid] += 1
            tokens, qid = ([cols[0]], cols[7]) if tag.startswith("B-") else ([], "")
    return pairs


def check_qids(rows: list[Row], pairs: dict[str, Counter[str]]) -> None:
    """Report, per entry with a QID, whether HIPE links its names to that QID, to another one, or not at all."""
    confirmed, conflicts, unseen = 0, [], []
    for row in rows:
        if not row.qid:
            continue
        seen: Counter[str] = Counter()
        for name in {row.name, *row.aliases}:
            seen.update(pairs.get(name, Counter()))
        if row.qid in seen:
            confirmed += 1
        elif seen:
            conflicts.append(f"{row.name} {row.qid} (HIPE: {dict(seen.most_common(3))})")
        else:
            unseen.append(f"{row.name} {row.qid}")
    sys.stderr.write(f"QIDs confirmed by HIPE: {confirmed}; not in HIPE: {len(unseen)}\n")
    for conflict in conflicts:
        sys.stderr.write(f"QID differs from HIPE, check by hand: {conflict}\n")


def write_gazetteer(rows: list[Row], path: Path, version: str) -> None:
    lines = [
        f"# newsgraph gazetteer {version}: generated by scripts/build_gazetteer.py, do not edit by hand.",
        "# Sources: CLDR via babel, ISO 3166-1 via pycountry, Auswärtiges Amt list of state names (amtliches Werk),",
        "# curated lists in scripts/gazetteer/. QIDs only where verified (see scripts/gazetteer/*.tsv).",
        "key\tqid\tname\ttype\tkind\tcapital_of\taliases\tcountry",
    ]
    for row in rows:
        aliases = "|".join(a for a in row.aliases if a != row.name)
        lines.append("\t".join([row.key, row.qid, row.name, row.type, row.kind, row.capital_of, aliases, row.country]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_demonyms(countries: dict[str, Row], rows: list[Row], path: Path, version: str) -> None:
    by_name = {row.name: row.key for row in rows}
    lines = [
        f"# newsgraph demonyms {version}: generated by scripts/build_gazetteer.py from scripts/gazetteer/demonyms.tsv.",
        "stem\tkey",
    ]
    for stem, target, *_ in read_tsv(CURATED / "demonyms.tsv"):
        key = countries[target].key if target in countries else by_name.get(target)
        if key is None:
            raise SystemExit(f"demonym {stem!r} points to {target!r}: neither a country code nor an entry name")
        lines.append(f"{stem}\t{key}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def build(version: str, ler: Path | None, hipe: Path | None) -> None:
    """Build both tables of ``version`` into the package data folder."""
    countries = country_rows(ler)
    rows = list(countries.values()) + curated_rows(countries)
    rows.sort(key=lambda r: (KIND_PRIORITY[r.kind], r.order, r.key))
    keys = Counter(row.key for row in rows)
    duplicates = [k for k, n in keys.items() if n > 1]
    if duplicates:
        raise SystemExit(f"two entries share a key: {duplicates}")
    report_clashes(rows)
    if hipe is not None and hipe.exists():
        check_qids(rows, hipe_pairs(hipe))
    write_gazetteer(rows, DATA / f"gazetteer.{version}.tsv", version)
    write_demonyms(countries, rows, DATA / f"demonyms.{version}.tsv", version)
    sys.stderr.write(f"wrote {len(rows)} entries to {DATA}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", default="v2", help="table version (file name suffix)")
    parser.add_argument("--ler", type=Path, default=DEFAULT_LER, help="laendernamen.list of the LER gazetteers")
    parser.add_argument("--hipe", type=Path, default=DEFAULT_HIPE, help="folder of HIPE-2022 TSV files (QID check)")
    args = parser.parse_args()
    build(args.version, args.ler, args.hipe)


if __name__ == "__main__":
    main()
