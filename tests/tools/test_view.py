"""Tests for newsgraph.tools.view: page data, escaping, self-containment, ``newsgraph view``, notebook reprs."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest
from support import make_results
from typer.testing import CliRunner

from newsgraph.cli import app
from newsgraph.errors import ExportError
from newsgraph.graph.export import write_outputs
from newsgraph.records import Article, ArticleResult, Entity, Event, EventArgument, Mention, Relation, Span
from newsgraph.tools.view import (
    CorpusView,
    article_html,
    build_view_data,
    render_view,
    script_json,
    sentence_around,
    view_html,
    write_view,
)

runner = CliRunner()

XSS_TITLE = "<script>alert(1)</script><script>window.__xss=1</script>"
XSS_TEXT = ('Die Gruppe <Evil&Co> droht Berlin. Sie schreibt <img src=x onerror="window.__xss=2"> dazu. '
            "</script><script>window.__xss=3</script> Ende.")
EVIL = "<Evil&Co>"


def _span(text: str, source: str, sentence: int = 0) -> Span:
    start = source.index(text)
    return Span(text=text, start=start, end=start + len(text), sentence=sentence)


def _mention(text: str, source: str, label: str, entity_id: str) -> Mention:
    start = source.index(text)
    return Mention(text=text, start=start, end=start + len(text), sentence=0, label=label, entity_id=entity_id)


def synthetic_corpus(articles: int) -> list[ArticleResult]:
    """``articles`` short stories over a shared cast (some names recur across stories, most are local)."""
    results = []
    for n in range(articles):
        names = [(f"Person {n}", "PER"), (f"Firma {n % 97}", "ORG"), (f"Stadt {n % 31}", "GPE"), (f"Gruppe {n}", "ORG")]
        text = " ".join(f"{name} spricht." for name, _ in names)
        mentions = [_mention(name, text, label, f"L-{name.replace(' ', '-')}") for name, label in names]
        entities = [Entity(id=m.entity_id or "", name=m.text, type=label, mentions=[m], mention_count=1,  # type: ignore[arg-type]
                           articles=[f"s{n}"]) for m, (_, label) in zip(mentions, names)]
        relations = [Relation(source=entities[0].id, target=entities[1].id, type="member_of",
                              evidence=_span(f"{names[0][0]} spricht.", text))]
        events = [Event(id=f"s{n}#e1", type="statement", trigger=_span("spricht", text),
                        arguments=[EventArgument(role="speaker", entity_id=entities[0].id, text=names[0][0])])]
        results.append(ArticleResult(article=Article(id=f"s{n}", text=text, title=f"Geschichte {n}", lang="de"),
                                     mentions=mentions, entities=entities, relations=relations, events=events))
    return results


def test_view_layout_holds_stories_together_and_is_deterministic() -> None:
    data = build_view_data(synthetic_corpus(40))
    again = build_view_data(synthetic_corpus(40))
    assert [(n["id"], n["x"], n["y"]) for n in data["nodes"]] == [(n["id"], n["x"], n["y"]) for n in again["nodes"]]
    linked = {edge["source"] for edge in data["edges"]} | {edge["target"] for edge in data["edges"]}
    assert [node["id"] for node in data["nodes"] if node["id"] not in linked] == []  # no loose dots
    nodes = {node["id"]: node for node in data["nodes"]}
    assert nodes["article:s0"]["kind"] == "article" and nodes["article:s0"]["label"] == "Geschichte 0"
    # "Gruppe 1" is only in story 1: it sits near story 1's article, far from story 2's (another part of the page)
    def distance(a: str, b: str) -> float:
        return float(((nodes[a]["x"] - nodes[b]["x"]) ** 2 + (nodes[a]["y"] - nodes[b]["y"]) ** 2) ** 0.5)
    assert distance("L-Gruppe-1", "article:s1") < distance("L-Gruppe-1", "article:s2")
    assert len({(node["x"], node["y"]) for node in data["nodes"]}) == len(data["nodes"])  # no two on one spot


def xss_result() -> ArticleResult:
    """An article whose title, text and entity name try to inject markup and script."""
    evil = [_mention(EVIL, XSS_TEXT, "ORG", "L-evil")]
    berlin = [_mention("Berlin", XSS_TEXT, "GPE", "Q64")]
    return ArticleResult(
        article=Article(id="x1", text=XSS_TEXT, title=XSS_TITLE, lang="de"),
        mentions=evil + berlin,
        entities=[
            Entity(id="L-evil", name=EVIL, type="ORG", mentions=evil, mention_count=1, articles=["x1"]),
            Entity(id="Q64", name="Berlin", type="GPE", mentions=berlin, mention_count=1, articles=["x1"]),
        ],
        relations=[Relation(source="L-evil", target="Q64", type="threatens", evidence=_span("Die Gruppe", XSS_TEXT))],
        events=[
            Event(
                id="x1#e1", type="threat", trigger=_span("droht", XSS_TEXT),
                arguments=[EventArgument(role="agent", entity_id="L-evil", text=EVIL),
                           EventArgument(role="target", entity_id="Q64", text="Berlin")],
                quote="<b>quote</b>",
            )
        ],
    )


def view_results() -> list[ArticleResult]:
    """Hand-built results for the page: two news articles, a failed one and the XSS article."""
    return [*make_results(), xss_result()]


# --- data -------------------------------------------------------------------------------------


def test_sentence_around() -> None:
    text = "Erster Satz. Die USA und Deutschland verhandeln heute. Dritter Satz."
    start = text.index("USA")
    assert sentence_around(text, start, start + 3) == ("Die ", "USA", " und Deutschland verhandeln heute.")
    long = "x" * 300 + " USA " + "y" * 300
    before, span, after = sentence_around(long, 301, 304, width=20)
    assert before.startswith("…") and after.endswith("…") and span == "USA"
    assert len(before) <= 21 and len(after) <= 21


def test_view_data_nodes_edges_and_evidence() -> None:
    data = build_view_data(view_results())
    nodes = {node["id"]: node for node in data["nodes"]}
    assert {"Q30", "Q183", "Q6279", "Q64", "L-evil"} <= nodes.keys()
    assert nodes["Q30"]["group"] == "GPE" and nodes["Q6279"]["group"] == "PER"
    assert nodes["Q30"]["size"] > nodes["Q183"]["size"]  # 3 mentions vs 1
    events = [node for node in data["nodes"] if node["kind"] == "event"]
    assert {event["type"] for event in events} == {"threat"} and len(events) == 2
    relation_labels = sorted(edge["label"] for edge in data["edges"] if edge["kind"] == "relation")
    assert relation_labels == ["negotiates_with", "speaks_for (reported)", "threatens"]
    roles = sorted((edge["source"], edge["label"], edge["target"]) for edge in data["edges"] if edge["kind"] == "role")
    assert ("event:x1#e1", "agent", "L-evil") in roles and ("event:a1#e1", "agent", "Q30") in roles
    first = nodes["Q30"]["evidence"][0]
    assert (first["before"], first["text"], first["after"]) == ("Die ", "USA", " und Deutschland verhandeln.")
    assert {group["key"] for group in data["groups"]} == {"GPE", "PER", "ORG", "event", "article"}
    assert data["stats"]["articles"] == 4 and data["stats"]["failed"] == 1
    assert data["articles"]["a1"]["title"] == "Zollstreit"


def test_view_data_caps() -> None:
    data = build_view_data(view_results(), max_entities=2, max_evidence=1)
    entities = [node for node in data["nodes"] if node["kind"] == "entity"]
    assert [node["id"] for node in entities] == ["L-evil", "Q30"]  # the most mentioned, then by name
    assert entities and all(len(node["evidence"]) <= 1 for node in entities)
    usa = next(node for node in entities if node["id"] == "Q30")
    assert usa["more"] == 2
    shown = {node["id"] for node in data["nodes"]}
    assert all(edge["source"] in shown and edge["target"] in shown for edge in data["edges"])
    assert data["stats"]["entities_shown"] == 2 and data["stats"]["entities"] == 5


def test_script_json_escapes_markup() -> None:
    data = {"title": XSS_TITLE, "text": "a & b > c\u2028"}
    text = script_json(data)
    assert not re.search(r"[<>&\u2028]", text)
    assert json.loads(text) == data


# --- page -------------------------------------------------------------------------------------


def _scripts(page: str) -> list[tuple[str, str]]:
    return re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.DOTALL)


def test_page_escapes_article_text_and_names() -> None:
    page = view_html(view_results())
    for raw in (XSS_TITLE, "<script>alert(1)</script>", "<img src=x", EVIL, "<b>quote</b>"):
        assert raw not in page
    scripts = _scripts(page)
    assert [attrs.strip() for attrs, _ in scripts] == ['type="application/json" id="newsgraph-data"', "", ""]
    data = json.loads(scripts[0][1])
    assert data["articles"]["x1"]["title"] == XSS_TITLE
    assert any(node["label"] == EVIL for node in data["nodes"])
    # the page script only ever writes data with textContent
    app_js = scripts[2][1]
    assert "innerHTML" not in app_js and "insertAdjacentHTML" not in app_js and "document.write" not in app_js


def test_page_is_self_contained() -> None:
    page = view_html(view_results())
    assert not re.search(r"<(script|img|iframe)[^>]*\ssrc=", page, flags=re.IGNORECASE)
    assert "<link" not in page and "@import" not in page
    assert not re.search(r"url\(\s*['\"]?https?:", page)
    # a Content-Security-Policy lets only the two inline scripts run (by hash), and no network access
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp and "default-src &#x27;none&#x27;" in csp.group(1)
    for _, code in _scripts(page)[1:]:
        digest = base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode()
        assert f"sha256-{digest}" in csp.group(1)
    assert len(page.encode("utf-8")) < 600_000


def test_empty_page_renders() -> None:
    page = render_view(build_view_data([]))
    assert json.loads(_scripts(page)[0][1])["nodes"] == []


def test_write_view_and_cli(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs(view_results(), out)
    assert write_view(out) == out / "graph.html"
    assert "newsgraph-data" in (out / "graph.html").read_text(encoding="utf-8")
    result = runner.invoke(app, ["view", str(out), "-o", str(tmp_path / "g.html"), "--max-evidence", "1"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "g.html").stat().st_size > 100_000
    with pytest.raises(ExportError, match="no articles.jsonl"):
        write_view(tmp_path)
    assert runner.invoke(app, ["view", str(tmp_path / "missing")]).exit_code == 2


def test_extract_html(use_stand_in: Path, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("John Kerry traf Angela Merkel in Berlin.", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(article), "--lang", "de", "-o", str(tmp_path / "out"), "-q", "--html"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "graph.html").read_text(encoding="utf-8")
    labels = {node["label"] for node in json.loads(_scripts(page)[0][1])["nodes"]}
    assert {"John Kerry", "Angela Merkel", "Berlin"} <= labels


# --- notebook reprs ---------------------------------------------------------------------------


def test_article_html_highlights_and_escapes() -> None:
    html = xss_result()._repr_html_()
    assert html == article_html(xss_result())
    assert "<script" not in html and "<img" not in html and "<b>quote" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert re.search(r'<mark style="[^"]*#4e79a7[^"]*" title="ORG · &lt;Evil&amp;Co&gt; \(L-evil\)">&lt;Evil&amp;Co&gt;</mark>', html)
    assert ">Berlin</mark>" in html
    assert "<td style" in html and ">threatens<" in html and ">threat<" in html and "agent=&lt;Evil&amp;Co&gt;" in html


def test_article_html_error_and_empty_tables() -> None:
    failed = make_results()[2]
    html = article_html(failed)
    assert "error: broken.txt: empty text" in html and "no relations" in html and "no events" in html


def test_corpus_view_repr_html(tmp_path: Path) -> None:
    view = CorpusView(view_results(), top=2)
    html = view._repr_html_()
    assert "4 articles (1 failed)" in html and "5 entities" in html
    assert ">USA<" in html and html.count("<tr>") >= 3
    assert "negotiates_with" in html and "threat" in html
    assert "&lt;Evil&amp;Co&gt;" in html and "<Evil" not in html
    assert len(view) == 4 and view[0].article.id == "a1"
    assert view.entities()[0].id == "Q30"
    assert view.graph().number_of_nodes() > 0
    assert view.write_html(tmp_path / "v.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_an_article_result_draws_itself_without_importing_the_view_first() -> None:
    """A notebook that only imports newsgraph still gets the HTML display (the records look the display up by name)."""
    import subprocess
    import sys

    code = ("from newsgraph.records import Article, ArticleResult; import sys; "
            "html = ArticleResult(article=Article(id='a', text='Merkel in Paris.'))._repr_html_(); "
            "sys.exit(0 if html and 'Merkel in Paris.' in html else 1)")
    assert subprocess.run([sys.executable, "-c", code], timeout=120).returncode == 0
