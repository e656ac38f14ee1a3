"""Time expressions: finding, resolving against an anchor date, datelines (positive and negative cases)."""

from __future__ import annotations

from datetime import date

import pytest

from newsgraph.extraction import find_timexes, load_cues, resolve_timex
from newsgraph.extraction.timex import dateline_date, parse_iso_date

WORDS = load_cues().time
ANCHOR = date(2014, 10, 15)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "found", "value"),
    [
        ("Sie trafen sich am Dienstag in Paris.", "am Dienstag", "2014-10-14"),
        ("am Montag und Dienstag nahe Kobane", "am Montag und Dienstag", "2014-10-13/2014-10-14"),
        ("Es geschah am Mittwoch.", "am Mittwoch", "2014-10-15"),
        ("Sie kommen kommenden Montag.", "kommenden Montag", "2014-10-20"),
        ("Es geschah vergangenen Mittwoch.", "vergangenen Mittwoch", "2014-10-08"),
        ("Das war gestern Abend.", "gestern Abend", "2014-10-14"),
        ("Das war vor zwei Wochen.", "vor zwei Wochen", "2014-10-01"),
        ("Das war vor drei Monaten.", "vor drei Monaten", "2014-07"),
        ("in der vergangenen Woche", "in der vergangenen Woche", "2014-W41"),
        ("Er kam am 14. Oktober 2014 an.", "14. Oktober 2014", "2014-10-14"),
        ("Er kam am 3. März an.", "3. März", "2014-03-03"),
        ("Datum: 14.10.2014", "14.10.2014", "2014-10-14"),
        ("seit November", "seit November", "2013-11"),
        ("im Jahr 2013", "im Jahr 2013", "2013"),
    ],
)
def test_find_and_resolve(text: str, found: str, value: str) -> None:
    timexes = find_timexes(text, WORDS)
    assert [t.text for t in timexes] == [found]
    assert text[timexes[0].start : timexes[0].end] == found
    assert resolve_timex(timexes[0], WORDS, ANCHOR) == value


@pytest.mark.parametrize("text", ["Am Morgen kamen sie.", "Morgen ist auch ein Tag.", "Der Montagsmaler malt.",
                                  "Er zählte 2014 Stimmen."])
def test_not_time_expressions(text: str) -> None:
    assert find_timexes(text, WORDS) == []


def test_relative_needs_an_anchor_but_absolute_does_not() -> None:
    relative, absolute = find_timexes("am Dienstag und am 14. Oktober 2014", WORDS)
    assert resolve_timex(relative, WORDS, None) is None
    assert resolve_timex(absolute, WORDS, None) == "2014-10-14"


def test_future_clause_resolves_forwards() -> None:
    timex = find_timexes("am Freitag", WORDS)[0]
    assert resolve_timex(timex, WORDS, ANCHOR, future=True) == "2014-10-17"
    assert resolve_timex(timex, WORDS, ANCHOR) == "2014-10-10"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Paris, 15. Oktober 2014 (sda) - Die USA ...", date(2014, 10, 15)),
        ("15.10.2014 - Berlin (dpa) ...", date(2014, 10, 15)),
        ("Die USA griffen am 15. Oktober 2014 an.", None),  # a date in the first sentence is no dateline
        ("Berlin (dpa) - Die USA ...", None),  # a dateline without date
    ],
)
def test_dateline(text: str, expected: date | None) -> None:
    assert dateline_date(text, WORDS) == expected


def test_parse_iso_date() -> None:
    assert parse_iso_date("2014-10-15T08:00:00Z") == date(2014, 10, 15)
    assert parse_iso_date("15.10.2014") is None and parse_iso_date(None) is None
