"""The view's page: one self-contained interactive HTML file of the view data (no network, inline scripts)."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from newsgraph.errors import ExportError
from newsgraph.records import ArticleResult
from newsgraph.tools.view.data import build_view_data


def _resource(*parts: str) -> str:
    return resources.files("newsgraph").joinpath("data", *parts).read_text(encoding="utf-8")


def script_json(data: Any) -> str:
    """``data`` as JSON that is safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e`` and ``\\u0026`` (so no ``</script>``
    or ``<!--`` can end or confuse the element); JSON.parse restores them.
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def _inline_script(code: str, name: str) -> str:
    if re.search(r"</script|<!--", code, re.IGNORECASE):
        raise ExportError(f"{name}: contains '</script' or '<!--' and cannot be inlined; re-vendor it.")
    return code


def _sha256(code: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii")


def render_view(data: dict[str, Any]) -> str:
    """The self-contained HTML page for ``build_view_data`` output.

    Everything is inline (vendored cytoscape.js, the page script and styles); data sits in a
    ``<script type="application/json">`` element and reaches the DOM only through
    ``textContent``. A Content-Security-Policy allows just the two inline scripts (by hash) and
    no network access.
    """
    library = _inline_script(_resource("vendor", "cytoscape.min.js"), "cytoscape.min.js")
    app = _inline_script(_resource("view", "view.js"), "view.js")
    style = _resource("view", "view.css")
    csp = (
        "default-src 'none'; img-src data: blob:; style-src 'unsafe-inline'; "
        f"script-src '{_sha256(library)}' '{_sha256(app)}'; base-uri 'none'; form-action 'none'"
    )
    title = html.escape(str(data.get("title") or "newsgraph"))
    return "".join([
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{html.escape(csp)}\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        "<meta name=\"generator\" content=\"newsgraph view\">\n",
        f"<title>{title}</title>\n<style>\n{style}</style>\n</head>\n<body>\n",
        "<header>\n<h1 id=\"title\"></h1><span id=\"stats\"></span>\n",
        "<input id=\"search\" type=\"search\" placeholder=\"Search names…\" autocomplete=\"off\" aria-label=\"Search names\">",
        "<span id=\"matches\"></span>\n<div id=\"filters\" aria-label=\"Types\"></div>\n</header>\n",
        "<main>\n<div id=\"graph\" aria-label=\"Graph\"></div>\n",
        "<aside id=\"panel\" aria-live=\"polite\"><p class=\"hint\">Click a node or an edge to see its evidence.</p></aside>\n",
        "</main>\n",
        f"<script type=\"application/json\" id=\"newsgraph-data\">{script_json(data)}</script>\n",
        f"<script>{library}</script>\n",
        f"<script>{app}</script>\n",
        "</body>\n</html>\n",
    ])


def view_html(
    results: Iterable[ArticleResult], *, max_entities: int = 300, max_evidence: int = 5, title: str = "newsgraph"
) -> str:
    """One self-contained interactive HTML page of the results' graph (see ``build_view_data``)."""
    return render_view(build_view_data(results, max_entities=max_entities, max_evidence=max_evidence, title=title))


def view_page(results: Iterable[ArticleResult], out_dir: Path, *, max_entities: int = 300,
              max_evidence: int = 5) -> str:
    """The page ``write_view`` writes for the results of the output folder ``out_dir`` (its title names it)."""
    return view_html(results, max_entities=max_entities, max_evidence=max_evidence,
                     title=f"newsgraph: {Path(out_dir).resolve().name}")


__all__ = ["render_view", "script_json", "view_html", "view_page"]
