"""The loader: formats, titles, folders, globs, stdin, encodings, ids and bad inputs."""

from __future__ import annotations

import io
import json
import os
import sys
import unicodedata
from pathlib import Path

import pytest

from newsgraph.errors import ConfigError, InputError
from newsgraph.ingest import article_from_text, read_articles
from newsgraph.records import Article, ArticleResult

SEED = Path(__file__).parents[1] / "seeds" / "000_8bf24d917596bb10.txt"
BODY = "Die Regierung hat am Dienstag entschieden.\n\nDer zweite Absatz folgt hier."


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def articles(*sources: str | Path, **options: object) -> list[Article]:
    items = list(read_articles(list(sources), **options))  # type: ignore[arg-type]
    assert all(isinstance(i, Article) for i in items), items
    return items  # type: ignore[return-value]


def errors(*sources: str | Path, **options: object) -> list[Article | InputError]:
    return list(read_articles(list(sources), on_error="collect", **options))  # type: ignore[arg-type]


def only_error(source: str | Path, **options: object) -> InputError:
    items = errors(source, **options)
    assert len(items) == 1 and isinstance(items[0], InputError), items
    return items[0]


# --- plain text and titles ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "title", "text"),
    [
        ("Regierung einigt sich\n\n" + BODY, "Regierung einigt sich", BODY),
        ("Regierung einigt sich\n" + BODY, "Regierung einigt sich", BODY),
        ("# Regierung einigt sich\n\n" + BODY, "Regierung einigt sich", BODY),
        ("## Regierung einigt sich ##\n" + BODY, "Regierung einigt sich", BODY),
        ("Regierung einigt sich\n=====\n\n" + BODY, "Regierung einigt sich", BODY),
        ("Wer zahlt die Rechnung?\n\n" + BODY, "Wer zahlt die Rechnung?", BODY),
        (BODY, None, BODY),  # first line is a sentence with a final period
        ("Er sagte: «Wir kommen.»\n\n" + BODY, None, "Er sagte: «Wir kommen.»\n\n" + BODY),
        ("Die Regierung hat am\ndienstag entschieden.", None, "Die Regierung hat am\ndienstag entschieden."),
        ("Nur eine Zeile ohne Punkt", None, "Nur eine Zeile ohne Punkt"),
        ("W" * 201 + "\n\n" + BODY, None, "W" * 201 + "\n\n" + BODY),
    ],
    ids=["blank-line", "direct", "md-h1", "md-h2", "setext", "question", "sentence", "quote", "wrapped",
         "single-line", "too-long"],
)
def test_title_detection(tmp_path: Path, content: str, title: str | None, text: str) -> None:
    (article,) = articles(write(tmp_path, "a.txt", content))
    assert (article.title, article.text) == (title, text)


def test_seed_article_has_no_title_and_keeps_all_text() -> None:
    (article,) = articles(SEED)
    assert article.title is None
    assert article.text == SEED.read_text(encoding="utf-8").strip()
    assert article.text.count("\n") == 8 and "\nBesorgter Obama\n" in article.text


def test_paragraphs_and_line_endings_normalised(tmp_path: Path) -> None:
    path = write(tmp_path, "a.md", b"Erster Absatz.  \r\n\r\n\r\n\r\nZweiter Absatz.\rDritte Zeile.\r\n")
    (article,) = articles(path)
    assert article.text == "Erster Absatz.\n\nZweiter Absatz.\nDritte Zeile."
    assert (article.path, article.line, article.warnings) == (str(path), None, [])


# --- JSON and JSON lines -----------------------------------------------------------------------------


def test_jsonl_fields_and_extra_fields_ignored(tmp_path: Path) -> None:
    rows = [
        {"text": "Erster Text.", "title": "T1", "date": "2014-10-14", "url": "https://x.invalid/1",
         "source": "SDA", "lang": "de", "id": "a1", "tags": ["x"], "score": 3},
        {"body": "Zweiter Text."},
    ]
    path = write(tmp_path, "feed.jsonl", "\n".join(json.dumps(r) for r in rows[:1]) + "\n\n" + json.dumps(rows[1]))
    first, second = articles(path)
    assert (first.id, first.text, first.title, first.date, first.url, first.source, first.lang, first.line) == (
        "a1", "Erster Text.", "T1", "2014-10-14", "https://x.invalid/1", "SDA", "de", 1)
    assert (second.text, second.line, second.title) == ("Zweiter Text.", 3, None)
    assert second.id.startswith("feed#3-")


@pytest.mark.parametrize("payload", [{"text": "Ein Text."}, [{"text": "Ein Text."}, {"body": "Noch einer."}]])
def test_json_object_or_list(tmp_path: Path, payload: object) -> None:
    items = articles(write(tmp_path, "a.json", json.dumps(payload)))
    assert items[0].text == "Ein Text."
    assert [a.line for a in items] == ([None] if isinstance(payload, dict) else [1, 2])


def test_lang_argument_overrides_metadata(tmp_path: Path) -> None:
    path = write(tmp_path, "a.jsonl", '{"text": "Ein Text.", "lang": "fr"}\n{"text": "Zwei."}')
    assert [a.lang for a in articles(path)] == ["fr", None]
    assert [a.lang for a in articles(path, lang="de")] == ["de", "de"]


def test_malformed_jsonl_line_is_reported_and_others_are_read(tmp_path: Path) -> None:
    path = write(tmp_path, "a.jsonl", '{"text": "Eins."}\n{"text": oops}\n{"title": "no text"}\n{"text": "Vier."}')
    items = errors(path)
    assert [type(i).__name__ for i in items] == ["Article", "InputError", "InputError", "Article"]
    bad, no_text = items[1], items[2]
    assert isinstance(bad, InputError) and bad.line == 2 and bad.path == str(path)
    assert bad.reason.startswith("invalid JSON:") and f"{path}:2: invalid JSON" in str(bad)
    assert isinstance(no_text, InputError) and no_text.line == 3 and "'text' or 'body'" in no_text.reason
    with pytest.raises(InputError, match=":2: invalid JSON"):
        list(read_articles(path))


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        ('{"title": "x"}', None, "'text' or 'body'"),
        ('[{"text": "ok"}, {"text": ""}]', 2, "item 2: no article text"),
        ('[{"text": "ok"}, "just a string"]', 2, "item 2: expected a JSON object"),
        ('{"text": "ok", "title": 5}', None, "field 'title' must be a string"),
        ("42", None, "expected a JSON object or a list"),
        ('{\n"text": "ok",\n}', 3, "invalid JSON:"),
        ("[" * 100_000 + "]" * 100_000, None, "nested too deeply"),
    ],
)
def test_bad_json(tmp_path: Path, content: str, line: int | None, reason: str) -> None:
    error = [i for i in errors(write(tmp_path, "a.json", content)) if isinstance(i, InputError)][0]
    assert error.line == line and reason in error.reason


# --- HTML ----------------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>Kerry und Lawrow einigen sich | Beispielzeitung</title>
<meta property="article:published_time" content="2014-10-14T18:00:00+02:00"></head>
<body>
<nav><ul><li><a href="/">Startseite</a></li><li><a href="/abo">Jetzt abonnieren</a></li></ul></nav>
<article><h1>Kerry und Lawrow einigen sich</h1>
<p>Die USA und Russland wollen im Kampf gegen die Terrormiliz Islamischer Staat enger zusammenarbeiten.
US-Aussenminister John Kerry und sein Kollege Sergej Lawrow verständigten sich am Dienstag darauf.</p>
<p>Beide Länder seien sich ungeachtet der Differenzen ihrer Verantwortung bewusst, sagte Kerry in Paris.
Er machte keine Angaben dazu, ob Russland dem Bündnis beitrete.</p>
<p>Die Regierung in Moskau vermutet hinter den Luftangriffen in Syrien ein versteckte Motiv.
Assad ist ein Verbündeter Russlands.</p>
</article>
<footer><p>© 2014 Beispielzeitung AG. Alle Rechte vorbehalten. Impressum</p></footer>
</body></html>"""


def test_html_main_text_without_boilerplate(tmp_path: Path) -> None:
    (article,) = articles(write(tmp_path, "page.html", PAGE))
    assert article.title == "Kerry und Lawrow einigen sich"
    assert article.date == "2014-10-14"
    assert article.text.startswith("Die USA und Russland")  # the headline is in title, not repeated
    assert "Verbündeter Russlands" in article.text and "verständigten" in article.text
    assert "Startseite" not in article.text and "abonnieren" not in article.text
    assert "Rechte vorbehalten" not in article.text


def test_html_without_text(tmp_path: Path) -> None:
    error = only_error(write(tmp_path, "empty.htm", "<html><head><title>x</title></head><body></body></html>"))
    assert error.reason == "no article text found in HTML"


# --- folders, globs, stdin -------------------------------------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for name in ["b.txt", "a/z.md", "a.txt", "a/b/c.jsonl", "c.html", "notes.csv", ".hidden.txt",
                 ".git/x.txt", "A.TXT"]:
        content = PAGE if name.endswith(".html") else '{"text": "J."}' if name.endswith("l") else f"{name}."
        write(tmp_path, name, content)
    return tmp_path


def test_folder_recursion_order_is_sorted_and_skips_hidden(tree: Path) -> None:
    paths = [Path(a.path).relative_to(tree).as_posix() for a in articles(tree)]  # type: ignore[arg-type]
    assert paths == ["A.TXT", "a/b/c.jsonl", "a/z.md", "a.txt", "b.txt", "c.html"]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [("*.txt", ["a.txt", "b.txt"]), ("**/*.md", ["a/z.md"]), ("a/**", ["a/b/c.jsonl", "a/z.md"]),
     ("*.csv", ["notes.csv"])],
)
def test_globs(tree: Path, pattern: str, expected: list[str]) -> None:
    found = [Path(a.path).relative_to(tree).as_posix() for a in articles(f"{tree}/{pattern}")]  # type: ignore[arg-type]
    assert found == expected


def test_file_reached_twice_is_read_once(tree: Path) -> None:
    assert len(articles(tree / "a.txt", f"{tree}/*.txt")) == 2


@pytest.mark.parametrize(
    ("data", "texts", "title"),
    [
        (b"Schlagzeile\n\nEin Text aus stdin.", ["Ein Text aus stdin."], "Schlagzeile"),
        (b'  {"text": "Eins."}\n{"text": "Zwei."}\n', ["Eins.", "Zwei."], None),
        (b'{"text": "Ein\\nObjekt."}', ["Ein\nObjekt."], None),
        (b'[{"text": "Liste."}]', ["Liste."], None),
    ],
    ids=["text", "jsonl", "json-object", "json-list"],
)
def test_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes, texts: list[str], title: str | None) -> None:
    monkeypatch.setattr(sys, "stdin", type("Stdin", (), {"buffer": io.BytesIO(data)})())
    items = articles("-")
    assert [a.text for a in items] == texts and items[0].title == title
    assert items[0].path == "-" and items[0].id.startswith("stdin")


# --- encodings ---------------------------------------------------------------------------------------------

UMLAUTS = "Grüsse aus Zürich – «Test»\n\nStraße, Œuvre, naïve."


@pytest.mark.parametrize(
    ("encoded", "warnings"),
    [
        (UMLAUTS.encode("utf-8"), []),
        (b"\xef\xbb\xbf" + UMLAUTS.encode("utf-8"), []),
        (UMLAUTS.encode("utf-16"), []),  # with a BOM, in the machine's byte order
        (b"\xff\xfe" + UMLAUTS.encode("utf-16-le"), []),
        (b"\xfe\xff" + UMLAUTS.encode("utf-16-be"), []),
        (UMLAUTS.encode("cp1252"), ["not valid UTF-8; decoded as cp1252"]),
    ],
    ids=["utf8", "utf8-bom", "utf16", "utf16-le", "utf16-be", "cp1252"],
)
def test_encodings(tmp_path: Path, encoded: bytes, warnings: list[str]) -> None:
    (article,) = articles(write(tmp_path, "a.txt", encoded))
    assert (article.title, article.text, article.warnings) == (
        "Grüsse aus Zürich – «Test»", "Straße, Œuvre, naïve.", warnings)


def test_nfd_input_comes_out_nfc(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Zürich und Genève.")
    assert nfd != "Zürich und Genève."
    (article,) = articles(write(tmp_path, "a.txt", nfd))
    jsonl = articles(write(tmp_path, "a.jsonl", json.dumps({"text": nfd, "title": nfd})))[0]
    assert article.text == jsonl.text == jsonl.title == "Zürich und Genève."


# --- ids -----------------------------------------------------------------------------------------------------


def test_ids_stable_and_content_dependent(tmp_path: Path) -> None:
    path = write(tmp_path, "Bericht Nr. 1.txt", BODY)
    first, again = articles(path)[0].id, articles(path)[0].id
    assert first == again and first.startswith("bericht-nr-1-") and len(first) == len("bericht-nr-1-") + 12
    path.write_text(BODY + " Geändert.", encoding="utf-8")
    assert articles(path)[0].id != first


def test_duplicate_ids_get_suffixes(tmp_path: Path) -> None:
    path = write(tmp_path, "a.jsonl", "\n".join(json.dumps({"text": f"T{i}.", "id": "x"}) for i in range(3)))
    items = articles(path, write(tmp_path, "b.jsonl", '{"text": "T.", "id": "x-2"}'))
    assert [a.id for a in items] == ["x", "x-2", "x-3", "x-2-2"]
    assert items[0].warnings == [] and items[1].warnings == ["duplicate id 'x'; renamed to 'x-2'"]


def test_article_from_text() -> None:
    article = article_from_text(" Ein Text\r\nmit Zeilen. ", title="T", lang="de")
    assert (article.text, article.title, article.lang, article.path) == ("Ein Text\nmit Zeilen.", "T", "de", None)
    assert article.id == article_from_text("Ein Text\nmit Zeilen.").id and article.id.startswith("text-")
    assert article_from_text("x", id="mine").id == "mine"
    with pytest.raises(InputError, match="empty"):
        article_from_text("  \n ")


# --- bad inputs ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "file is empty"),
        (b"  \n\t\r\n ", "file is empty"),
        (b"\xef\xbb\xbf \n", "file is empty"),
        (b"PK\x03\x04\x00\x00\x08\x00binary", "looks like a binary file"),
        (b"\xff\xfe" + b"abc", "invalid UTF-16"),
    ],
    ids=["empty", "whitespace", "bom-only", "binary", "odd-utf16"],
)
def test_bad_file_content(tmp_path: Path, content: bytes, reason: str) -> None:
    assert only_error(write(tmp_path, "a.txt", content)).reason.startswith(reason)


def test_random_bytes_without_nul_are_binary_not_cp1252(tmp_path: Path) -> None:
    # bytes 0x01-0xff in a fixed scramble: no NUL, not UTF-8, so only the control characters give them away
    noise = bytes((i * 97 + 13) % 255 + 1 for i in range(600))
    assert b"\x00" not in noise
    assert only_error(write(tmp_path, "noise.txt", noise)).reason.startswith("looks like a binary file")


def test_stray_control_characters_become_spaces_with_a_warning(tmp_path: Path) -> None:
    text = "Angela Merkel\x0b besuchte Paris.\x1a Danach flog sie nach Rom."
    [article] = articles(write(tmp_path, "a.txt", text.encode("cp1252")))
    assert article.text == text.replace("\x0b", " ").replace("\x1a", " ")
    assert article.warnings == ["2 control characters in the text replaced by spaces"]


def test_escaped_controls_and_lone_surrogates_in_json_are_replaced(tmp_path: Path) -> None:
    line = json.dumps({"title": "A\u0001B", "text": "Merkel besuchte Paris. \ud800 Danach Rom."})
    [article] = articles(write(tmp_path, "a.jsonl", line + "\n"))
    assert (article.title, article.text) == ("A B", "Merkel besuchte Paris.   Danach Rom.")
    assert article.model_dump_json()  # encodable: no surrogate is left


def test_undecodable_file_name_gives_an_encodable_error_record(tmp_path: Path) -> None:
    name = Path(os.fsdecode(b"bad\xfe.txt"))
    write(tmp_path, str(name), b"x\x00y")
    error = only_error(tmp_path)
    result = ArticleResult(article=Article(id="e", text="", path=error.path), error=str(error))
    assert "looks like a binary file" in result.model_dump_json()


def test_oversized_file(tmp_path: Path) -> None:
    error = only_error(write(tmp_path, "big.txt", "x" * 2000), max_bytes=1500)
    assert error.reason == "file is 2.0 KB, over the 1.5 KB limit; raise it with --max-bytes"
    assert articles(tmp_path / "big.txt", max_bytes=2000)[0].text == "x" * 2000


JSONL_BYTES = {
    "mixed-lines": b'{"text": "Eins."}\n{"text": oops}\n\n{"title": "x"}\r\n{"text": "Vier \\u00e4"}\r{"text": "F\xc3\xbcnf"}',
    "cp1252": '{"text": "Zürich"}\n{"text": "Genève"}\n'.encode("cp1252"),
    "utf8-bom": b'\xef\xbb\xbf{"text": "A"}\n{"text": "B"}',
    "bad-utf8-after-bom": b'\xef\xbb\xbf{"text": "A\xff"}\n',
    "utf16": '{"text": "Zürich"}\n{"text": "B"}\n'.encode("utf-16"),
    "whitespace": b" \n\r\n\t",
    "binary": b'{"text": "\x00"}',
    "lone-cr-at-end": b'{"text": "A"}\r',
}


@pytest.mark.parametrize("content", JSONL_BYTES.values(), ids=JSONL_BYTES.keys())
def test_jsonl_is_streamed_with_the_records_of_the_whole_file_reader(tmp_path: Path, content: bytes) -> None:
    from newsgraph.ingest import _parse

    path = write(tmp_path, "feed.jsonl", content)

    def canonical(items: object) -> list[str]:
        return [str(i) if isinstance(i, InputError) else i.model_dump_json() for i in items]  # type: ignore[attr-defined]

    streamed = canonical(read_articles(path, on_error="collect"))
    assert streamed and streamed == canonical(_parse(content, str(path), "jsonl", None))


def test_a_jsonl_line_nested_too_deeply_is_an_error_on_that_line(tmp_path: Path) -> None:
    content = '{"text": "erste Zeile"}\n' + "[" * 100_000 + "]" * 100_000 + '\n{"text": "dritte"}\n'
    items = errors(write(tmp_path, "a.jsonl", content))
    assert [type(item).__name__ for item in items] == ["Article", "InputError", "Article"]
    assert items[1].line == 2 and "nested too deeply" in items[1].reason  # type: ignore[union-attr]


def test_max_bytes_limits_each_jsonl_line_not_the_file(tmp_path: Path) -> None:
    lines = [json.dumps({"text": f"Artikel {n}."}) for n in range(40)]
    lines[7] = json.dumps({"text": "x" * 300})
    path = write(tmp_path, "feed.jsonl", "\n".join(lines))
    items = errors(path, max_bytes=100)  # the file is over 1 KB: every line is read all the same
    assert len(items) == 40
    assert isinstance(items[7], InputError) and items[7].line == 8 and "over the 100 bytes limit" in items[7].reason
    assert [i.text for i in items if isinstance(i, Article)][-1] == "Artikel 39."


def test_oversized_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", type("Stdin", (), {"buffer": io.BytesIO(b"x" * 50)})())
    assert "larger than the 10 bytes limit" in only_error("-", max_bytes=10).reason


def test_unreadable_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "dir.txt").mkdir()
    (tmp_path / "link.txt").symlink_to(tmp_path / "gone.txt")
    assert only_error(tmp_path / "missing.txt").reason == "no such file or directory"
    assert only_error(f"{tmp_path}/*.md").reason == "pattern matched no files"
    assert "broken symbolic link" in only_error(tmp_path / "link.txt").reason
    assert only_error(tmp_path / "dir.txt").reason.startswith("folder has no .txt")
    assert only_error(f"{tmp_path}/*.txt").path == str(tmp_path / "link.txt")  # the glob skips the folder

    real_open = open

    def deny(file: object, *args: object, **kwargs: object) -> object:
        if str(file).endswith("secret.txt"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    write(tmp_path, "secret.txt", "Geheim.")
    monkeypatch.setattr("newsgraph.ingest.open", deny, raising=False)
    assert only_error(tmp_path / "secret.txt").reason == "permission denied"


def test_raise_versus_collect(tmp_path: Path) -> None:
    good = write(tmp_path, "good.txt", "Ein Text.")
    sources = [good, tmp_path / "missing.txt", good.with_name("more.txt")]
    write(tmp_path, "more.txt", "Noch einer.")
    stream = read_articles(sources)
    assert isinstance(next(stream), Article)
    with pytest.raises(InputError, match="missing.txt: no such file"):
        next(stream)
    assert [type(i).__name__ for i in errors(*sources)] == ["Article", "InputError", "Article"]


@pytest.mark.parametrize("options", [{"on_error": "skip"}, {"max_bytes": 0}])
def test_bad_options(tmp_path: Path, options: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        read_articles(tmp_path, **options)  # type: ignore[arg-type]  # raised at the call, not on iteration
