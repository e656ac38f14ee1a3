"""Time expressions: find them in text (``am Dienstag``, ``vor zwei Wochen``, ``14. Oktober 2014``) and
resolve them to ISO 8601 against the article date.

Values: a day ``2014-10-14``; a span of days ``2014-10-13/2014-10-14``; a month ``2014-10``; an ISO week
``2014-W41``; a year ``2014``. Relative expressions resolve only when an anchor date is known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from newsgraph.extraction.lexicon import TimeWords

DATE_KEY = "newsgraph_date"  # doc.user_data key the pipeline sets to the article's ISO date
_AGENCIES = r"(?:dpa|sda|afp|ap|reuters|apa|kna|epd|ddp|dts|ats|sid|AFP|DPA|SDA|APA|AP)"


@dataclass(frozen=True)
class Timex:
    """A time expression found in the text.

    Attributes:
        text: As written (``am Montag und Dienstag``).
        start, end: Char offsets.
        kind: ``weekday``, ``relative_day``, ``offset``, ``week``, ``date``, ``month`` or ``year``.
    """

    text: str
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class _Patterns:
    weekday: re.Pattern[str]
    relative: re.Pattern[str]
    offset: re.Pattern[str]
    week: re.Pattern[str]
    date: re.Pattern[str]
    numeric: re.Pattern[str]
    month: re.Pattern[str]
    year: re.Pattern[str]


def _alt(words: list[str]) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_COMPILED: dict[int, tuple[TimeWords, _Patterns]] = {}


def _patterns(words: TimeWords) -> _Patterns:
    cached = _COMPILED.get(id(words))
    if cached is None or cached[0] is not words:
        cached = (words, _compile(words))
        _COMPILED[id(words)] = cached
    return cached[1]


def _compile(words: TimeWords) -> _Patterns:
    days = _alt(list(words.weekdays) + list(words.weekday_aliases))
    parts = _alt(list(words.day_parts))
    months = _alt(list(words.months) + list(words.month_aliases))
    mods = _alt(list(words.past_modifiers | words.future_modifiers))
    rel = _alt([w for w in words.relative_days])
    units = _alt(list(words.units))
    day = rf"(?:{days})(?:s?(?:{parts}))?"
    return _Patterns(
        weekday=re.compile(
            rf"\b(?:(?:am|vom|seit|bis|ab|an|jeden|diesen|{mods})\s+)?{day}"
            rf"(?:\s*(?:,|und|oder|bis|sowie)\s*(?:am\s+)?{day})*\b", re.IGNORECASE),
        relative=re.compile(rf"\b(?:{rel})(?:\s+(?:{parts}))?\b|(?<![Aa]m )\bmorgen\b", re.IGNORECASE),
        offset=re.compile(rf"\b(?:vor|in)\s+(?:gut\s+|knapp\s+|rund\s+|etwa\s+)?(\d+|\w+)\s+({units})\b", re.IGNORECASE),
        week=re.compile(rf"\b(?:(?:in\s+der|die|der)\s+)?({mods})\s+(Woche|Wochenende|Monat|Jahr(?:es)?)\b", re.IGNORECASE),
        date=re.compile(rf"\b(\d{{1,2}})\.\s*({months})(?:\s+(\d{{4}}))?\b", re.IGNORECASE),
        numeric=re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})\b|\b(\d{4})-(\d{2})-(\d{2})\b"),
        month=re.compile(rf"\b(?:(?:im|seit|bis|Anfang|Mitte|Ende|vom)\s+)({months})(?:\s+(\d{{4}}))?\b", re.IGNORECASE),
        year=re.compile(r"\b(?:im\s+Jahre?|seit|bis)\s+((?:19|20)\d{2})\b"),
    )


def find_timexes(text: str, words: TimeWords) -> list[Timex]:
    """All time expressions in ``text``, longest first where they overlap, in text order.

    Example:
        >>> from newsgraph.extraction.lexicon import load_cues
        >>> [t.text for t in find_timexes("Am Montag und Dienstag flogen sie 21 Angriffe.", load_cues().time)]
        ['Am Montag und Dienstag']
    """
    pats = _patterns(words)
    found: list[Timex] = []
    for kind, pattern in (("date", pats.date), ("date", pats.numeric), ("weekday", pats.weekday),
                          ("relative_day", pats.relative), ("offset", pats.offset), ("week", pats.week),
                          ("month", pats.month), ("year", pats.year)):
        for match in pattern.finditer(text):
            if kind == "relative_day" and match.group(0)[:1].isupper() and match.group(0).lower() == "morgen":
                continue
            found.append(Timex(match.group(0), match.start(), match.end(), kind))
    found.sort(key=lambda t: (t.start, -(t.end - t.start)))
    kept: list[Timex] = []
    for timex in found:
        if kept and timex.start < kept[-1].end:
            continue
        kept.append(timex)
    return kept


def _month_number(name: str, words: TimeWords) -> int:
    key = words.month_aliases.get(name.lower(), name.lower())
    return words.months.index(key) + 1


def _year(text: str | None, anchor: date | None) -> int | None:
    if text:
        value = int(text)
        return value + 2000 if value < 100 else value
    return anchor.year if anchor else None


def _weekday_dates(text: str, words: TimeWords, anchor: date, future: bool) -> list[date]:
    found = []
    for match in re.finditer(_alt(list(words.weekdays) + list(words.weekday_aliases)), text.lower()):
        name = words.weekday_aliases.get(match.group(0), match.group(0))
        target = words.weekdays.index(name)
        delta = (anchor.weekday() - target) % 7
        found.append(anchor + timedelta(days=(7 - delta) % 7) if future else anchor - timedelta(days=delta))
    return found


def _shift(anchor: date, amount: int, unit: str) -> str:
    if unit == "day":
        return (anchor + timedelta(days=amount)).isoformat()
    if unit == "week":
        return (anchor + timedelta(weeks=amount)).isoformat()
    if unit == "month":
        months = anchor.year * 12 + anchor.month - 1 + amount
        return f"{months // 12:04d}-{months % 12 + 1:02d}"
    return f"{anchor.year + amount:04d}"


def _resolve_relative(timex: Timex, words: TimeWords, anchor: date, future: bool) -> str | None:
    low = timex.text.lower()
    if timex.kind == "relative_day":
        first = low.split()[0]
        return (anchor + timedelta(days=words.relative_days.get(first, 1 if first == "morgen" else 0))).isoformat()
    if timex.kind == "offset":
        match = re.search(r"(vor|in)\s+(?:gut\s+|knapp\s+|rund\s+|etwa\s+)?(\d+|\w+)\s+(\w+)", low)
        if match is None:
            return None
        number = int(match.group(2)) if match.group(2).isdigit() else _NUMBER_WORDS.get(match.group(2))
        unit = words.units.get(match.group(3))
        if number is None or unit is None:
            return None
        return _shift(anchor, -number if match.group(1) == "vor" else number, unit)
    if timex.kind == "week":
        step = 1 if any(m in low for m in words.future_modifiers) else -1
        if "woche" in low:
            year, week, _ = (anchor + timedelta(weeks=step)).isocalendar()
            return f"{year:04d}-W{week:02d}"
        return _shift(anchor, step, "month" if "monat" in low else "year")
    dates = _weekday_dates(timex.text, words, anchor, future or any(m in low.split() for m in words.future_modifiers))
    if any(m in low.split() for m in words.past_modifiers) and dates and dates[0] == anchor:
        dates = [d - timedelta(days=7) for d in dates]
    if not dates:
        return None
    earliest, latest = min(dates), max(dates)
    return earliest.isoformat() if earliest == latest else f"{earliest.isoformat()}/{latest.isoformat()}"


# Counts in "vor zwei Wochen" (the dative forms are not in the lexicon's number words).
_NUMBER_WORDS = {"einem": 1, "einer": 1, "einen": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6,
                 "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12}


def resolve_timex(timex: Timex, words: TimeWords, anchor: date | None, *, future: bool = False) -> str | None:
    """The ISO 8601 value of a time expression, or None when it cannot be resolved.

    Args:
        timex: The expression.
        words: Time words of the lexicon.
        anchor: The article date; relative expressions need it.
        future: The clause speaks of the future (weekdays then resolve forwards).

    Example:
        >>> from newsgraph.extraction.lexicon import load_cues
        >>> words = load_cues().time
        >>> t = find_timexes("am Montag und Dienstag", words)[0]
        >>> resolve_timex(t, words, date(2014, 10, 15))
        '2014-10-13/2014-10-14'
    """
    pats = _patterns(words)
    if timex.kind == "date":
        match = pats.date.search(timex.text)
        if match:
            year = _year(match.group(3), anchor)
            month = _month_number(match.group(2), words)
            return date(year, month, int(match.group(1))).isoformat() if year else None
        match = pats.numeric.search(timex.text)
        if match is None:
            return None
        if match.group(4):
            return f"{match.group(4)}-{match.group(5)}-{match.group(6)}"
        year = _year(match.group(3), anchor)
        return date(year, int(match.group(2)), int(match.group(1))).isoformat() if year else None
    if timex.kind == "month":
        match = pats.month.search(timex.text)
        if match is None:
            return None
        month = _month_number(match.group(1), words)
        year = _year(match.group(2), anchor)
        if year is None:
            return None
        if not match.group(2) and anchor is not None and month > anchor.month and not future:
            year -= 1  # "seit November" in a March article is last November
        return f"{year:04d}-{month:02d}"
    if timex.kind == "year":
        match = pats.year.search(timex.text)
        return match.group(1) if match else None
    if anchor is None:
        return None
    try:
        return _resolve_relative(timex, words, anchor, future)
    except (ValueError, OverflowError):
        return None


def parse_iso_date(value: object) -> date | None:
    """A date from an ISO string (``2014-10-14`` or a timestamp starting with it), else None."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def dateline_date(text: str, words: TimeWords) -> date | None:
    """The date of a dateline at the start of an article (``Paris, 14. Oktober 2014 (sda) –``), if any.

    Only a complete date (with year) in the first line, before the first sentence, counts.
    """
    head = text[:160].split("\n", 1)[0]
    pats = _patterns(words)
    prefix = re.compile(rf"^\s*(?:[A-ZÄÖÜ][\w./\- ]{{0,40}}?(?:,|\s+\({_AGENCIES}\))\s*)?$")
    for pattern in (pats.date, pats.numeric):
        match = pattern.search(head)
        if match is None or not prefix.match(head[: match.start()]):
            continue
        timex = Timex(match.group(0), match.start(), match.end(), "date")
        value = resolve_timex(timex, words, None)
        if value is not None and len(value) == 10:
            return date.fromisoformat(value)
    return None
