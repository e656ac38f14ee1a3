"""Look at results: one self-contained interactive HTML page of the graph, and notebook displays.

Three steps, one module each: :mod:`~newsgraph.tools.view.data` (what the page shows), :mod:`~newsgraph.tools.view.page`
(the HTML page; :mod:`~newsgraph.tools.view.write` writes it into an output folder) and
:mod:`~newsgraph.tools.view.notebook` (notebook displays; importing this package registers ``ArticleResult``'s).
"""

from __future__ import annotations

from newsgraph.tools.view.data import GROUPS, build_view_data, sentence_around
from newsgraph.tools.view.notebook import CorpusView, article_html
from newsgraph.tools.view.page import render_view, script_json, view_html, view_page
from newsgraph.tools.view.write import VIEW_FILE, write_view

__all__ = [
    "GROUPS",
    "VIEW_FILE",
    "CorpusView",
    "article_html",
    "build_view_data",
    "render_view",
    "script_json",
    "sentence_around",
    "view_html",
    "view_page",
    "write_view",
]
