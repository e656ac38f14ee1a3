"""The graph page in real headless Chromium: nodes render, a click shows evidence, filters and
search work, and text that looks like markup stays text (no injected script runs).

Drives Debian's ``chromium`` over the DevTools protocol (``websocket-client``); skips where either
is missing. ``.ci/run`` installs Chromium.
"""

from __future__ import annotations

import itertools
import json
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_view import EVIL, XSS_TITLE, synthetic_corpus, view_results

from newsgraph.graph.export import write_outputs
from newsgraph.tools.view import write_view

CHROMIUM = next((path for name in ("chromium", "chromium-browser") if (path := shutil.which(name))), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
websocket = pytest.importorskip("websocket", reason="websocket-client is not installed (pip install -e '.[test]')")

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1280,800", "--remote-debugging-port=0",
]
TIMEOUT = 30.0


class Page:
    """One Chromium tab driven over the DevTools protocol (just what these tests need)."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        message_id = next(self.ids)
        self.ws.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == message_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def eval(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = TIMEOUT) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.eval(expression)
            if value:
                return value
            time.sleep(0.1)
        raise TimeoutError(f"waited {timeout:.0f}s for {expression}")

    def click(self, x: float, y: float) -> None:
        self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def errors(self) -> list[str]:
        found = [json.dumps(e["params"]["exceptionDetails"]) for e in self.events if e.get("method") == "Runtime.exceptionThrown"]
        found += [e["params"]["entry"]["text"] for e in self.events
                  if e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"]
        return found


@pytest.fixture()
def page(tmp_path: Path) -> Iterator[Page]:
    """A headless Chromium tab on about:blank; the browser is stopped afterwards."""
    profile = tmp_path / "profile"
    process = subprocess.Popen(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + TIMEOUT
        while not (port_file.exists() and port_file.read_text().strip()):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Chromium did not start (exit code {process.poll()})")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via an http_proxy
        with direct.open(f"http://127.0.0.1:{port}/json/list", timeout=TIMEOUT) as response:
            targets = json.load(response)
        url = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
        # our own socket: websocket-client would otherwise follow an http_proxy setting even for 127.0.0.1
        sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        ws = websocket.create_connection(url, timeout=TIMEOUT, suppress_origin=True, socket=sock)
        try:
            tab = Page(ws)
            tab.send("Runtime.enable")
            tab.send("Log.enable")
            tab.send("Page.enable")
            yield tab
        finally:
            ws.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture()
def graph_page(page: Page, tmp_path: Path) -> Page:
    """The page of the hand-built results (two news articles, a failed one, the XSS article), loaded."""
    out = tmp_path / "out"
    write_outputs(view_results(), out)
    html = write_view(out)
    page.send("Page.navigate", url=html.as_uri())
    page.wait_for("window.__newsgraph && window.__newsgraph.ready === true")
    return page


def test_nodes_render(graph_page: Page) -> None:
    # 5 entities (USA, Deutschland, Biden, Berlin, <Evil&Co>) + 2 events + 3 articles; 3 relations + 3 role
    # edges + 6 article-mentions-entity edges + 2 event-reported-in-article edges
    assert graph_page.eval("window.__newsgraph.nodeCount()") == 10
    assert graph_page.eval("window.__newsgraph.edgeCount()") == 14
    assert graph_page.eval("document.querySelectorAll('#graph canvas').length") >= 1
    box = graph_page.eval("JSON.stringify(document.getElementById('graph').getBoundingClientRect())")
    assert json.loads(box)["width"] > 400
    assert graph_page.errors() == []


def test_click_on_a_node_shows_its_evidence(graph_page: Page) -> None:
    position = graph_page.eval("window.__newsgraph.nodePagePosition('Q30')")
    graph_page.click(position["x"], position["y"])
    text = graph_page.wait_for("document.querySelector('#panel mark') && document.getElementById('panel').textContent")
    assert "USA" in text and "Q30" in text and "3 mentions in 2 articles" in text
    assert "Die USA und Deutschland verhandeln." in text  # the evidence sentence
    assert "Zollstreit" in text  # the article it is from
    assert graph_page.eval("document.querySelector('#panel mark').textContent") in {"USA", "Vereinigten Staaten"}
    assert "negotiates_with" in text  # its relations


def test_type_filter_and_search(graph_page: Page) -> None:
    graph_page.eval("document.querySelector('#filters input[data-group=\"GPE\"]').click()")
    assert graph_page.eval("window.__newsgraph.nodeCount()") == 7  # USA, Deutschland, Berlin hidden
    graph_page.eval("document.querySelector('#filters input[data-group=\"GPE\"]').click()")
    assert graph_page.eval("window.__newsgraph.nodeCount()") == 10
    graph_page.eval("var s = document.getElementById('search'); s.value = 'vereinigte';"
                    "s.dispatchEvent(new Event('input'))")
    assert graph_page.eval("document.getElementById('matches').textContent") == "1 match"  # an alias of USA


def test_markup_in_articles_stays_text(graph_page: Page) -> None:
    assert graph_page.eval("typeof window.__xss") == "undefined"
    assert graph_page.eval("document.querySelectorAll('img').length") == 0
    assert graph_page.eval("document.querySelectorAll('script').length") == 3
    position = graph_page.eval("window.__newsgraph.nodePagePosition('L-evil')")
    graph_page.click(position["x"], position["y"])
    text = graph_page.wait_for("document.querySelector('#panel mark') && document.getElementById('panel').textContent")
    assert EVIL in text and XSS_TITLE in text  # shown literally
    assert graph_page.eval("document.querySelector('#panel mark').textContent") == EVIL
    assert graph_page.eval("document.querySelectorAll('#panel *').length") < 60
    assert graph_page.eval("document.querySelectorAll('#panel img, #panel script, #panel b').length") == 0
    assert graph_page.eval("typeof window.__xss") == "undefined"
    assert graph_page.errors() == []


def test_a_thousand_articles_open_quickly_the_same_way_every_time(page: Page, tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs(synthetic_corpus(1000), out)
    html = write_view(out)
    loads = []
    for _ in range(2):
        started = time.monotonic()
        page.send("Page.navigate", url=html.as_uri())
        page.wait_for("window.__newsgraph && window.__newsgraph.ready === true")
        loads.append((time.monotonic() - started, page.eval("JSON.stringify(window.__newsgraph.positions())")))
        page.wait_for("document.readyState === 'complete'")
    print("load seconds:", [round(seconds, 2) for seconds, _ in loads])
    assert all(seconds < 8 for seconds, _ in loads), [seconds for seconds, _ in loads]  # ~1 s here
    assert loads[0][1] == loads[1][1]  # the same layout on every load
    kinds = json.loads(page.eval("JSON.stringify(JSON.parse(document.getElementById('newsgraph-data').textContent)"
                                 ".nodes.map(function (n) { return n.kind; }))"))
    assert kinds.count("entity") == 300 and kinds.count("article") == 300  # the caps
    assert page.eval("window.__newsgraph.nodeCount()") == len(kinds)
    hubs = [node for node in page.eval("window.__newsgraph.nodeIds()") if page.eval(f"window.__newsgraph.isHub('{node}')")]
    assert 0 < len(hubs) <= 25
    assert all(page.eval(f"window.__newsgraph.labelPixels('{node}')") >= 13 for node in hubs)  # readable when opened
    position = page.eval(f"window.__newsgraph.nodePagePosition('{hubs[0]}')")
    started = time.monotonic()
    page.click(position["x"], position["y"])
    page.wait_for("document.querySelector('#panel h2') !== null", timeout=5)
    assert time.monotonic() - started < 3  # it responds
    assert page.errors() == []
