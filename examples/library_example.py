"""Use newsgraph as a library: extract from a text and the seed folder, build and save the graph.

Run from the repository root: ``python examples/library_example.py``; it writes ``example-out/example.graphml``
(not into ``newsgraph-out/``, whose files belong to one ``newsgraph extract`` run).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import networkx as nx

import newsgraph

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    text = "Bundeskanzlerin Angela Merkel traf am Montag in Paris den französischen Präsidenten Emmanuel Macron."
    results = list(newsgraph.extract([text, ROOT / "seeds"], lang="de"))
    for result in results:
        title = result.article.title or result.article.path or result.article.id
        print(f"\n{title}: {len(result.entities)} entities, error={result.error}")
        for entity in result.entities:
            mentions = ", ".join(sorted({m.text for m in entity.mentions}))
            print(f"  {entity.type:<5} {entity.name:<30} {entity.id:<24} [{mentions}]")

    graph = newsgraph.build_graph(results)
    kinds = Counter(kind for _, kind in graph.nodes(data="kind"))
    print(f"\ngraph: {graph.number_of_nodes()} nodes {dict(kinds)}, {graph.number_of_edges()} edges")
    most = sorted(((d.get("mention_count", 0), d["name"]) for _, d in graph.nodes(data=True) if d["kind"] == "entity"), reverse=True)
    print("most mentioned:", ", ".join(f"{name} ({n})" for n, name in most[:5]))
    out = Path("example-out") / "example.graphml"
    out.parent.mkdir(exist_ok=True)
    nx.write_graphml(graph, out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
