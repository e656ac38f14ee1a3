"""Tests for newsgraph.ingest.warc: WARC crawl files read as articles through the HTML path."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest

from newsgraph.errors import InputError
from newsgraph.ingest.read import read_articles
from newsgraph.records import Article

warcio = pytest.importorskip("warcio")
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

PAGE = """<!doctype html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>
<p>{body}</p><p>Die Regierung in Berlin wollte sich am Abend nicht weiter dazu äußern, hieß es.</p>
</article></body></html>"""
FIRST = ("Kerry trifft Lawrow", "US-Aussenminister John Kerry hat am Dienstag in Paris seinen russischen Kollegen "
                                "Sergej Lawrow getroffen. Beide sprachen über die Lage in Syrien.")
SECOND = ("Merkel in Paris", "Bundeskanzlerin Angela Merkel ist am Montag zu Gesprächen mit dem französischen "
                             "Präsidenten nach Paris gereist. Es ging um die Zukunft der Europäischen Union.")


def _response(writer: WARCWriter, url: str, body: bytes, content_type: str = "text/html; charset=utf-8",
              date: str = "2014-10-14T12:00:00Z") -> None:
    headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=headers,
                                       warc_headers_dict={"WARC-Date": date})
    writer.write_record(record)


def _page(title: str, body: str) -> bytes:
    return PAGE.format(title=title, body=body).encode("utf-8")


def _warc(path: Path, *, gzip: bool = True) -> Path:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        _response(writer, "https://example.org/kerry", _page(*FIRST))
        request = writer.create_warc_record("https://example.org/kerry", "request", payload=BytesIO(b"GET / HTTP/1.1\r\n\r\n"))
        writer.write_record(request)
        _response(writer, "https://example.org/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(200), content_type="image/png")
        _response(writer, "https://example.org/merkel", _page(*SECOND).decode("utf-8").encode("latin-1"),
                  content_type="text/html; charset=iso-8859-1", date="2014-10-13T08:30:00Z")
    return path


@pytest.mark.parametrize("name,gzip", [("crawl.warc.gz", True), ("crawl.warc", False)])
def test_html_responses_become_articles_with_url_and_date_from_the_headers(tmp_path: Path, name: str,
                                                                          gzip: bool) -> None:
    items = list(read_articles(_warc(tmp_path / name, gzip=gzip), on_error="collect"))

    assert all(isinstance(item, Article) for item in items), items
    first, second = items
    assert (first.url, first.date, first.title) == ("https://example.org/kerry", "2014-10-14T12:00:00Z", FIRST[0])
    assert first.text.startswith("US-Aussenminister John Kerry hat am Dienstag")
    assert (second.url, second.date) == ("https://example.org/merkel", "2014-10-13T08:30:00Z")
    assert "Europäischen" in second.text  # decoded with the charset of the HTTP header
    assert first.id != second.id and first.path == second.path == str(tmp_path / name)
    assert second.warnings == ["its WARC file had 3 records skipped (1 non-HTML response, 1 request, 1 warcinfo)"]


def test_a_folder_walk_picks_up_warc_files(tmp_path: Path) -> None:
    _warc(tmp_path / "a.warc.gz")
    (tmp_path / "b.txt").write_text("Titel\n\nEin Text über Berlin.", encoding="utf-8")
    items = list(read_articles(tmp_path, on_error="collect"))
    assert [item.url for item in items if isinstance(item, Article)] == [
        "https://example.org/kerry", "https://example.org/merkel", None]


def test_a_broken_record_is_an_error_record_and_the_others_are_kept(tmp_path: Path) -> None:
    good = _warc(tmp_path / "good.warc.gz").read_bytes()
    buffer = BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    _response(writer, "https://example.org/late", _page("Spät", SECOND[1]))
    # a damaged gzip member between the crawl's records and one more good record
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(good + b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4 + buffer.getvalue())

    items = list(read_articles(broken, on_error="collect"))
    errors = [item for item in items if isinstance(item, InputError)]
    articles = [item for item in items if isinstance(item, Article)]
    assert [article.url for article in articles] == [
        "https://example.org/kerry", "https://example.org/merkel", "https://example.org/late"]
    assert len(errors) == 1
    assert errors[0].path == str(broken)
    assert f"WARC record at byte {len(good)} is broken" in str(errors[0])


def test_a_warc_without_html_is_one_error_record(tmp_path: Path) -> None:
    path = tmp_path / "images.warc"
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=False)
        _response(writer, "https://example.org/a.png", b"\x89PNG" + bytes(64), content_type="image/png")
    (item,) = read_articles(path, on_error="collect")
    assert isinstance(item, InputError)
    assert "no HTML response in this WARC file: 1 record skipped (1 non-HTML response)" in str(item)
