/* newsgraph view: draws the graph with cytoscape.js and fills the side panel.
   Data comes from the <script type="application/json" id="newsgraph-data"> element and reaches
   the DOM only through textContent, never as HTML. window.__newsgraph is a small hook for tests. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("newsgraph-data").textContent);
  var api = { ready: false };
  window.__newsgraph = api;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  var colors = {};
  var groupLabels = {};
  data.groups.forEach(function (g) { colors[g.key] = g.color; groupLabels[g.key] = g.label; });
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });

  // Header: title, counts, one checkbox per node group.
  document.getElementById("title").textContent = data.title;
  var s = data.stats;
  function count(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  var stats = [count(s.articles, "article"), count(s.entities, "entity").replace(/entitys$/, "entities"),
    count(s.relations, "relation"), count(s.events, "event")].join(" · ");
  if (s.failed) stats += " · " + s.failed + " failed";
  if (s.entities_shown < s.entities) stats += " (showing the " + s.entities_shown + " most mentioned)";
  document.getElementById("stats").textContent = stats;

  var hidden = {};
  var filters = document.getElementById("filters");
  data.groups.forEach(function (g) {
    var label = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.dataset.group = g.key;
    box.addEventListener("change", function () {
      hidden[g.key] = !box.checked;
      applyVisibility();
    });
    var swatch = el("span", "swatch" + (g.key === "event" ? " event" : ""));
    swatch.style.background = g.color;
    label.appendChild(box);
    label.appendChild(swatch);
    label.appendChild(document.createTextNode(g.label + " (" + g.count + ")"));
    filters.appendChild(label);
  });

  // Positions come with the data (computed when the page was written), so every load draws the same picture.
  var container = document.getElementById("graph");
  var elements = [];
  data.nodes.forEach(function (n) {
    elements.push({
      group: "nodes",
      data: { id: n.id, label: n.label, kind: n.kind, group: n.group, color: colors[n.group] || "#999", size: n.size },
      position: { x: n.x, y: n.y }
    });
  });
  data.edges.forEach(function (e) {
    elements.push({ group: "edges", data: { id: e.id, source: e.source, target: e.target, label: e.label, kind: e.kind } });
  });
  if (!data.nodes.length) container.appendChild(el("div", "empty", "Nothing to show: no entities or events."));

  var large = elements.length > 1500;
  var cy = cytoscape({
    container: container,
    elements: elements,
    layout: { name: "preset" },
    // a big graph pans and zooms as a bitmap and redraws when the gesture ends
    textureOnViewport: large,
    hideEdgesOnViewport: large,
    wheelSensitivity: 0.25,
    minZoom: 0.05,
    maxZoom: 4,
    style: [
      { selector: "node", style: {
        "background-color": "data(color)", "width": "data(size)", "height": "data(size)",
        "label": "data(label)", "font-size": 14, "color": "#222", "text-valign": "bottom", "text-margin-y": 3,
        "text-outline-color": "#fff", "text-outline-width": 2, "text-wrap": "ellipsis", "text-max-width": 160,
        "border-width": 1, "border-color": "rgba(0,0,0,0.3)", "min-zoomed-font-size": 7 } },
      { selector: "node[kind = 'event']", style: { "shape": "diamond", "font-style": "italic" } },
      { selector: "node[kind = 'article']", style: {
        "shape": "round-rectangle", "font-size": 12, "color": "#555", "text-max-width": 200 } },
      { selector: "node.hub", style: { "font-weight": "bold", "min-zoomed-font-size": 0, "z-index": 10 } },
      { selector: "edge", style: {
        "width": 1.6, "line-color": "#8a8a8a", "target-arrow-color": "#8a8a8a", "target-arrow-shape": "triangle",
        "arrow-scale": 0.9, "curve-style": "bezier", "label": "data(label)", "font-size": 11, "color": "#444",
        "text-rotation": "autorotate", "text-background-color": "#fff", "text-background-opacity": 0.85,
        "text-background-padding": 1, "min-zoomed-font-size": 8 } },
      { selector: "edge[kind = 'mention'], edge[kind = 'in']", style: {
        "width": 0.8, "line-color": "#d5d9de", "target-arrow-shape": "none", "label": "", "curve-style": "haystack" } },
      { selector: "edge[kind = 'role']", style: {
        "line-style": "dashed", "line-color": "#c8a920", "target-arrow-color": "#c8a920", "width": 1.2,
        "font-size": 9, "color": "#8a7410" } },
      { selector: ".faded", style: { "opacity": 0.12 } },
      { selector: ".hidden", style: { "display": "none" } },
      { selector: ".match", style: { "border-width": 4, "border-color": "#1a5fb4" } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#000" } },
      { selector: "edge:selected", style: { "width": 3, "line-color": "#000", "target-arrow-color": "#000" } }
    ]
  });

  function applyVisibility() {
    cy.batch(function () {
      cy.nodes().forEach(function (node) {
        if (hidden[node.data("group")]) node.addClass("hidden"); else node.removeClass("hidden");
      });
    });
  }

  // Search: highlight matching names and aliases, fade the rest; Enter selects the first match.
  var search = document.getElementById("search");
  var matchesInfo = document.getElementById("matches");
  function matching(query) {
    query = query.trim().toLowerCase();
    if (!query) return null;
    return cy.nodes().filter(function (node) {
      var n = byId[node.id()];
      var names = [n.label, n.id].concat(n.aliases || []);
      return names.some(function (name) { return String(name).toLowerCase().indexOf(query) >= 0; });
    });
  }
  search.addEventListener("input", function () {
    var found = matching(search.value);
    cy.batch(function () {
      cy.elements().removeClass("faded match");
      if (found) {
        cy.elements().addClass("faded");
        found.removeClass("faded").addClass("match");
        found.connectedEdges().removeClass("faded");
      }
    });
    matchesInfo.textContent = found ? found.length + (found.length === 1 ? " match" : " matches") : "";
  });
  search.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    var found = matching(search.value);
    if (found && found.length) {
      select(found[0].id());
      cy.animate({ center: { eles: found[0] }, duration: 200 });
    }
  });

  // Side panel.
  var panel = document.getElementById("panel");
  function articleTitle(id) {
    var a = data.articles[id];
    return a ? a.title + (a.date ? " (" + a.date + ")" : "") : id;
  }
  function nodeName(id) { return byId[id] ? byId[id].label : id; }
  function snippetItem(snippet) {
    var li = el("li");
    li.appendChild(el("span", "source", articleTitle(snippet.article)));
    var p = el("p", "snippet");
    p.appendChild(document.createTextNode(snippet.before));
    p.appendChild(el("mark", null, snippet.text));
    p.appendChild(document.createTextNode(snippet.after));
    li.appendChild(p);
    return li;
  }
  function nodeLink(id) {
    var button = el("button", "link", nodeName(id));
    button.type = "button";
    button.addEventListener("click", function () { select(id); });
    return button;
  }
  function fields(pairs) {
    var dl = el("dl");
    pairs.forEach(function (pair) {
      if (pair[1] === undefined || pair[1] === null || pair[1] === "") return;
      dl.appendChild(el("dt", null, pair[0]));
      var dd = el("dd");
      if (pair[1] instanceof Node) dd.appendChild(pair[1]); else dd.textContent = String(pair[1]);
      dl.appendChild(dd);
    });
    return dl;
  }
  function tag(group) {
    var t = el("span", "tag", group === "event" ? "event" : group);
    t.style.background = colors[group] || "#999";
    t.title = groupLabels[group] || group;
    return t;
  }
  function edgeList(node) {
    var ul = el("ul");
    node.connectedEdges().forEach(function (edge) {
      var e = edge.data();
      var li = el("li");
      var outgoing = e.source === node.id();
      li.appendChild(document.createTextNode(outgoing ? "→ " + e.label + " → " : "← " + e.label + " ← "));
      li.appendChild(nodeLink(outgoing ? e.target : e.source));
      ul.appendChild(li);
    });
    return ul;
  }

  function showNode(id) {
    var n = byId[id];
    var node = cy.getElementById(id);
    panel.replaceChildren();
    var h = el("h2");
    h.appendChild(tag(n.group));
    h.appendChild(document.createTextNode(n.label));
    panel.appendChild(h);
    if (n.kind === "entity") {
      var meta = el("div", "meta", n.id + " · " + n.mentions + " mention" + (n.mentions === 1 ? "" : "s") +
        " in " + n.articles + " article" + (n.articles === 1 ? "" : "s"));
      if (n.wikidata) {
        var link = el("a", null, "Wikidata");
        link.href = "https://www.wikidata.org/wiki/" + encodeURIComponent(n.id);
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        meta.appendChild(document.createTextNode(" · "));
        meta.appendChild(link);
      }
      panel.appendChild(meta);
      if (n.aliases && n.aliases.length) panel.appendChild(el("div", "meta", "also: " + n.aliases.join(", ")));
    } else if (n.kind === "article") {
      var a = data.articles[n.article] || {};
      panel.appendChild(fields([["title", a.title], ["date", a.date], ["url", a.url], ["id", n.article]]));
    } else {
      var literals = n.literals ? n.literals.split(" | ").join(", ") : "";
      panel.appendChild(fields([["type", n.type], ["trigger", n.trigger], ["modality", n.modality],
        ["time", [n.time, n.date].filter(Boolean).join(" → ")], ["quote", n.quote], ["other", literals],
        ["article", articleTitle(n.article)]]));
    }
    if (node.connectedEdges().length) {
      panel.appendChild(el("h3", null, n.kind === "event" ? "Arguments" : n.kind === "article" ? "Names in it" : "Relations"));
      panel.appendChild(edgeList(node));
    }
    if (n.kind === "article") return;
    panel.appendChild(el("h3", null, "Evidence"));
    if (n.evidence.length) {
      var ul = el("ul", "evidence");
      n.evidence.forEach(function (snippet) { ul.appendChild(snippetItem(snippet)); });
      panel.appendChild(ul);
    } else {
      panel.appendChild(el("p", "hint", "No evidence sentences recorded."));
    }
    if (n.more) panel.appendChild(el("p", "more", "… and " + n.more + " more mentions (see articles.jsonl)"));
  }

  function showEdge(id) {
    var edge = cy.getElementById(id);
    var e = data.edges.filter(function (x) { return x.id === id; })[0];
    panel.replaceChildren();
    var h = el("h2");
    h.appendChild(nodeLink(e.source));
    h.appendChild(document.createTextNode(" — " + e.label + " → "));
    h.appendChild(nodeLink(e.target));
    panel.appendChild(h);
    if (e.kind === "relation") {
      panel.appendChild(fields([["relation", e.type], ["modality", e.modality], ["article", articleTitle(e.article)]]));
      panel.appendChild(el("h3", null, "Evidence"));
      panel.appendChild(el("p", "snippet", e.evidence));
    } else if (e.kind === "role") {
      panel.appendChild(fields([["role", e.label], ["as written", e.text]]));
    }
    edge.select();
  }

  function select(id) {
    cy.elements().unselect();
    var item = cy.getElementById(id);
    if (!item.length) return false;
    item.select();
    if (item.isNode()) showNode(id); else showEdge(id);
    return true;
  }

  cy.on("tap", "node", function (event) { select(event.target.id()); });
  cy.on("tap", "edge", function (event) { select(event.target.id()); });
  cy.on("tap", function (event) {
    if (event.target === cy) {
      cy.elements().unselect();
      panel.replaceChildren(el("p", "hint", "Click a node or an edge to see its evidence."));
    }
  });

  // Test hook: counts of rendered (visible) elements, page coordinates of a node, selection.
  // (computed display, not ele.visible(): cytoscape caches that until the next frame is drawn)
  function shown(ele) {
    if (ele.style("display") === "none") return false;
    return ele.isNode() || (shown(ele.source()) && shown(ele.target()));
  }
  api.nodeCount = function () { return cy.nodes().filter(shown).length; };
  api.edgeCount = function () { return cy.edges().filter(shown).length; };
  api.nodeIds = function () { return cy.nodes().map(function (n) { return n.id(); }); };
  api.select = select;
  api.nodePagePosition = function (id) {
    var node = cy.getElementById(id);
    if (!node.length) return null;
    var box = container.getBoundingClientRect();
    var p = node.renderedPosition();
    return { x: box.left + p.x, y: box.top + p.y };
  };
  api.panelText = function () { return panel.textContent; };
  api.isHub = function (id) { return cy.getElementById(id).hasClass("hub"); };
  api.labelPixels = function (id) {  // the label's font size on screen
    var node = cy.getElementById(id);
    return node.length ? parseFloat(node.style("font-size")) * cy.zoom() : null;
  };
  api.positions = function () {
    var out = {};
    cy.nodes().forEach(function (n) { out[n.id()] = [Math.round(n.position("x")), Math.round(n.position("y"))]; });
    return out;
  };

  // Labels stay readable at any zoom: the most important nodes (the largest, at most 25) keep a label of at
  // least 13 screen pixels, every other label is hidden while it would be drawn smaller than 7 pixels
  // (min-zoomed-font-size) instead of turning into grey noise, and edge labels appear once zoomed in.
  var hubs = cy.nodes().sort(function (a, b) {
    return (b.data("size") - a.data("size")) || (a.id() < b.id() ? -1 : 1);
  }).slice(0, 25);
  hubs.addClass("hub");
  function scaleHubLabels() {
    var size = Math.max(14, 13 / cy.zoom());
    cy.style().selector("node.hub").style({ "font-size": size, "text-max-width": 12 * size }).update();
  }
  cy.on("zoom", scaleHubLabels);
  cy.fit(undefined, 30);
  scaleHubLabels();
  // ready once a frame has been drawn (clicks hit what is shown)
  requestAnimationFrame(function () {
    requestAnimationFrame(function () {
      api.ready = true;
      document.body.setAttribute("data-ready", "1");
    });
  });
})();
