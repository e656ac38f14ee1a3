"""The loader: formats, titles, folders, globs, stdin, encodings, ids and bad inputs."""

from __future__ import annotations

import io
import json
import os
import sys
import unicodedata
from pathlib import Path

import pytest

from newsgraph.errors import ConfigError, InputError, InputPathError
from newsgraph.ingest.read import SkippedFolder, article_from_text, check_sources, output_folder_reason, read_articles
from newsgraph.records import Article, ArticleResult

SEED = Path(__file__).parents[2] / "seeds" / "000_8bf24d917596bb10.txt"
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
def test_jsonl_is_streamed_with_the_records_of_the_whole_file_reader(tmp_path: Path, content: bytes,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from newsgraph.ingest.read import _parse

    monkeypatch.chdir(tmp_path)  # a path relative to the folder it is read from: the ids need no renaming
    path = write(tmp_path, "feed.jsonl", content).relative_to(tmp_path)

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
    monkeypatch.setattr("newsgraph.ingest.read.open", deny, raising=False)
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


# --- isolation: one bad input never costs the others (issue 18) -----------------------------------------


def _boom_on(marker: str, error: Exception):  # type: ignore[no-untyped-def]
    """A stand-in for a reader helper that fails on text holding ``marker`` and passes everything else."""
    def wrap(real):  # type: ignore[no-untyped-def]
        def fake(value, *args, **kwargs):  # type: ignore[no-untyped-def]
            if isinstance(value, str) and marker in value:
                raise error
            return real(value, *args, **kwargs)
        return fake
    return wrap


def test_html_reader_that_cannot_import_its_extractor_fails_that_file_only(
    tmp_path: Path, without_html_cleaner: None
) -> None:
    write(tmp_path, "a.txt", "Erster Text.")
    write(tmp_path, "b.html", PAGE)
    write(tmp_path, "c.htm", PAGE)
    write(tmp_path, "d.txt", "Letzter Text.")
    items = errors(tmp_path)
    assert [type(i).__name__ for i in items] == ["Article", "InputError", "InputError", "Article"]
    assert items[1].path == str(tmp_path / "b.html")  # type: ignore[union-attr]
    assert items[1].reason == (  # type: ignore[union-attr]
        "unexpected error while reading: ImportError: "
        "lxml.html.clean module is now a separate project lxml_html_clean.")


@pytest.mark.parametrize(
    ("name", "content", "helper", "line"),
    [
        ("b.txt", "Text mit BOOM.", "_split_title", None),
        ("b.jsonl", '{"text": "Eins."}\n{"text": "Zwei.", "title": "BOOM"}\n{"text": "Drei."}\n', "_clean_inline", 2),
        ("b.json", '[{"text": "Eins."}, {"text": "Zwei.", "title": "BOOM"}, {"text": "Drei."}]', "_clean_inline", 2),
        ("b.json", '{"text": "BOOM"}', "_clean_text", None),
    ],
    ids=["text-file", "jsonl-line", "json-list-item", "json-object"],
)
def test_an_unexpected_exception_in_a_reader_is_an_error_for_that_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, content: str, helper: str, line: int | None
) -> None:
    import newsgraph.ingest.read as ingest

    monkeypatch.setattr(ingest, helper, _boom_on("BOOM", RuntimeError("reader bug"))(getattr(ingest, helper)))
    write(tmp_path, "a.txt", "Erster Text.")
    write(tmp_path, name, content)
    write(tmp_path, "c.txt", "Letzter Text.")
    items = errors(tmp_path)
    failed = [i for i in items if isinstance(i, InputError)]
    assert len(failed) == 1 and failed[0].path == str(tmp_path / name) and failed[0].line == line
    assert failed[0].reason.endswith("RuntimeError: reader bug") and "unexpected error" in failed[0].reason
    texts = [i.text for i in items if isinstance(i, Article)]
    assert texts[0] == "Erster Text." and texts[-1] == "Letzter Text."
    assert len(items) == (5 if line else 3)  # the other items of the same file are read too


def test_a_reader_failing_mid_file_names_the_last_line_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import newsgraph.ingest.read as ingest

    real = ingest._jsonl_record

    def fail_on_third(line: str, path: str, number: int, *args: object) -> object:
        if number == 3:
            raise MemoryError("no memory left")
        return real(line, path, number, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest, "_jsonl_record", fail_on_third)
    feed = write(tmp_path, "feed.jsonl", "".join(json.dumps({"text": f"Nummer {n}."}) + "\n" for n in range(5)))
    later = write(tmp_path, "later.txt", "Danach.")
    items = errors(feed, later)
    assert [type(i).__name__ for i in items] == ["Article", "Article", "InputError", "Article"]
    reason = items[2].reason  # type: ignore[union-attr]
    assert reason == "unexpected error while reading after line 2: MemoryError: no memory left"


def test_interrupts_are_not_swallowed_by_the_readers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import newsgraph.ingest.read as ingest

    monkeypatch.setattr(ingest, "_split_title", _boom_on("BOOM", KeyboardInterrupt())(ingest._split_title))
    write(tmp_path, "a.txt", "BOOM.")
    with pytest.raises(KeyboardInterrupt):
        errors(tmp_path)


# --- size messages say the real cause -------------------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_is_not_called_a_file_over_the_limit() -> None:
    error = only_error("/dev/zero", max_bytes=1000)
    assert error.reason == ("is not a regular file (a device or pipe) and gives more than the 1.0 KB limit; "
                            "name a file, or raise the limit with --max-bytes")


# --- output folders are never read as input ---------------------------------------------------------------


RECORD = json.dumps({"schema_version": "1.0", "article": {"id": "a", "text": "x"}, "entities": []})


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Articles beside this run's output, an earlier run's output and a corpus folder that only looks like one."""
    root = tmp_path / "corpus"
    write(root, "a.txt", "Ein Artikel.")
    for name in ("articles.jsonl", "entities.jsonl", "graph.json"):  # this run's output folder (written before)
        write(root, f"newsgraph-out/{name}", RECORD)
    write(root, "run1/articles.jsonl", RECORD + "\n")  # an earlier run: records side by side
    write(root, "run1/entities.jsonl", '{"id": "Q1"}\n')
    write(root, "run2/newsgraph-cache.sqlite", b"SQLite format 3\x00")
    write(root, "run2/articles.jsonl", "")
    write(root, "run3/newsgraph-manifest.json", "{}")
    write(root, "run3/graph.json", "{}")
    write(root, "mine/articles.jsonl", '{"text": "Kein Ergebnis, ein Artikel."}\n')  # a corpus, not an output
    write(root, "mine/entities.jsonl", '{"text": "Noch ein Artikel."}\n')
    return root


def test_walks_skip_the_output_folder_and_other_output_folders(corpus: Path) -> None:
    skipped: list[SkippedFolder] = []
    found = articles(corpus, exclude=[corpus / "newsgraph-out"], skipped=skipped)
    assert [Path(a.path).relative_to(corpus).as_posix() for a in found] == [  # type: ignore[arg-type]
        "a.txt", "mine/articles.jsonl", "mine/entities.jsonl"]
    assert {Path(s.path).name: s.reason for s in skipped} == {
        "newsgraph-out": "the output folder of this run",
        "run1": "a newsgraph output folder (it holds articles.jsonl and entities.jsonl)",
        "run2": "a newsgraph output folder (it holds newsgraph-cache.sqlite)",
        "run3": "a newsgraph output folder (it holds newsgraph-manifest.json)",
    }
    again = articles(f"{corpus}/**/*.jsonl", corpus, exclude=[corpus / "newsgraph-out"], skipped=skipped)
    assert len(again) == 3 and len(skipped) == 4  # globs skip them too; each folder is reported once
    assert str(skipped[0]).endswith("newsgraph-out: skipped, the output folder of this run (not read as input)")


def test_output_folder_reason(corpus: Path) -> None:
    assert output_folder_reason(corpus / "run2") == "a newsgraph output folder (it holds newsgraph-cache.sqlite)"
    assert output_folder_reason(corpus / "mine") is None
    assert output_folder_reason(corpus) is None


def test_check_sources_names_every_unusable_path(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(corpus)
    out = Path("newsgraph-out")
    write(corpus, "newsgraph-out/mine.txt", "Ein Artikel, der im Ausgabeordner liegt.")
    check_sources([Path("."), Path("a.txt"), Path("*.txt"), Path("mine"), Path("run1/articles.jsonl"), "-",
                   Path("newsgraph-out/mine.txt")], out=out)
    check_sources([Path("a.txt")], out=Path("."))  # a file of the user's in the output folder, named on its own
    with pytest.raises(InputPathError) as caught:
        check_sources([Path("a.txt"), Path("seedz/"), Path("news/*.jsonl"), Path("newsgraph-out"),
                       Path("newsgraph-out/articles.jsonl"), Path("run2"), Path("run1/*.jsonl"),
                       Path("newsgraph-out/*.txt")], out=out)
    assert caught.value.problems == [
        ("seedz", "no such file or folder"),
        ("news/*.jsonl", "pattern matched no files"),
        ("newsgraph-out", "is the output folder of this run (newsgraph-out); newsgraph never reads its own output "
                          "as articles: name the articles' files or folder, or write the output to another folder"),
        ("newsgraph-out/articles.jsonl", "is a file newsgraph writes in the output folder of this run "
                                         "(newsgraph-out); newsgraph never reads its own output as articles: name "
                                         "the articles' files or folder, or write the output to another folder"),
        ("run2", "is a newsgraph output folder (it holds newsgraph-cache.sqlite); its files are results, not articles"),
        ("run1/*.jsonl", "pattern matched no files outside newsgraph output folders"),
        ("newsgraph-out/*.txt", "searches the output folder of this run (newsgraph-out); newsgraph never reads its "
                                "own output as articles: name the articles' files or folder, or write the output "
                                "to another folder"),
    ]
    assert str(caught.value).startswith("seedz: no such file or folder; news/*.jsonl: pattern matched no files; ")
    assert str(caught.value).endswith("Check the spelling: inputs are files, folders, glob patterns, or - for stdin. "
                                      "Nothing was read or written.")


def test_article_ids_stay_when_the_corpus_folder_moves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "first" / "corpus", tmp_path / "elsewhere" / "copy"
    for folder in (first / "sub", second / "sub"):
        folder.mkdir(parents=True)
        (folder / "a.txt").write_text("Angela Merkel traf Emmanuel Macron.", encoding="utf-8")
        (folder.parent / "b.jsonl").write_text('{"text": "Olaf Scholz sprach."}\n', encoding="utf-8")
    ids = [article.id for article in read_articles([first])]
    assert [article.id for article in read_articles([second])] == ids
    monkeypatch.chdir(tmp_path / "first")
    assert [article.id for article in read_articles(["corpus"])] == ids  # named from another folder
    assert [article.id for article in read_articles(["corpus/**/*.txt", "corpus/*.jsonl"])] == ids[1:] + ids[:1]
    assert [article.id for article in read_articles([first / "sub" / "a.txt"])] != ids[1:]  # path 'a.txt', not 'sub/a.txt'
    # the records keep the path as read: only the ids are named from the source folder
    assert {a.path for a in read_articles([first])}.isdisjoint({a.path for a in read_articles([second])})
