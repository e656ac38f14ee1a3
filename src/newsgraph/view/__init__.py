"""Look at results: one self-contained interactive HTML page of the graph, and notebook displays.

Three steps, one module each: :mod:`~newsgraph.view.data` (what the page shows), :mod:`~newsgraph.view.page`
(the HTML page; :mod:`~newsgraph.view.write` writes it into an output folder) and
:mod:`~newsgraph.view.notebook` (notebook displays; importing this package registers ``ArticleResult``'s).
"""

from __future__ import annotations

from newsgraph.view.data import GROUPS, build_view_data, sentence_around
from newsgraph.view.notebook import CorpusView, article_html
from newsgraph.view.page import render_view, script_json, view_html, view_page
from newsgraph.view.write import VIEW_FILE, write_view

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
