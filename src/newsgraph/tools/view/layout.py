"""Node positions for the view, computed once when the page is written: the same data gives the same picture.

Each connected part of the graph is laid out on its own with a force-directed (Fruchterman-Reingold) layout
that starts from positions derived from the node ids, then the parts are packed in rows, largest first. The
browser only draws the preset positions, so a page of a thousand articles opens in about a second instead
of running a force layout over thousands of nodes on every load.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence

import numpy as np

SPACING = 110.0
"""About the distance between neighbouring nodes, in the page's model pixels."""
_GAP = 90.0  # between packed parts
_CELL = (140.0, 70.0)  # a lone node's cell: its label is wider than the node
_ITERATIONS = 80


def _start(node_id: str) -> tuple[float, float]:
    digest = hashlib.blake2b(node_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest[:4], "big") / 2**32, int.from_bytes(digest[4:], "big") / 2**32


def spring_positions(ids: Sequence[str], edges: Iterable[tuple[int, int]], iterations: int = _ITERATIONS) -> np.ndarray:
    """Fruchterman-Reingold positions in the unit square for one connected part.

    Args:
        ids: Node ids, in a fixed order; they seed the start positions.
        edges: Index pairs into ``ids``.
        iterations: Cooling steps.

    Returns:
        An ``(n, 2)`` array in ``[0, 1]``.
    """
    n = len(ids)
    if n == 1:
        return np.array([[0.5, 0.5]])
    adjacency = np.zeros((n, n))
    for a, b in edges:
        if a != b:
            adjacency[a, b] = adjacency[b, a] = 1.0
    pos = np.array([_start(node_id) for node_id in ids])
    k = 1.0 / math.sqrt(n)
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        distance = np.maximum(np.sqrt((delta**2).sum(axis=-1)), 0.01)
        force = k * k / distance**2 - adjacency * distance / k
        displacement = np.einsum("ijk,ij->ik", delta, force)
        length = np.maximum(np.sqrt((displacement**2).sum(axis=-1)), 0.01)
        pos += displacement * (temperature / length)[:, None]
        temperature -= cooling
    pos -= pos.min(axis=0)
    return pos / max(float(pos.max()), 1e-9)


def _parts(ids: Sequence[str], edges: Sequence[tuple[str, str]]) -> list[list[str]]:
    """Connected parts (union-find), each sorted by id, largest first (then by first id)."""
    parent = {node_id: node_id for node_id in ids}

    def root(node_id: str) -> str:
        while parent[node_id] != node_id:
            parent[node_id] = parent[parent[node_id]]
            node_id = parent[node_id]
        return node_id

    for a, b in edges:
        if a in parent and b in parent:
            parent[root(a)] = root(b)
    groups: dict[str, list[str]] = {}
    for node_id in ids:
        groups.setdefault(root(node_id), []).append(node_id)
    return sorted((sorted(group) for group in groups.values()), key=lambda group: (-len(group), group[0]))


def layout(ids: Sequence[str], edges: Sequence[tuple[str, str]], aspect: float = 1.6) -> dict[str, tuple[float, float]]:
    """Positions (model pixels) of all nodes: each connected part laid out apart, the parts packed in rows.

    Args:
        ids: Every node id.
        edges: (source, target) id pairs; pairs naming unknown ids are ignored.
        aspect: Width over height the packing aims at (a browser window is wider than high).

    Returns:
        Node id → (x, y), rounded to 0.1.
    """
    parts = _parts(ids, edges)
    boxes: list[tuple[list[str], np.ndarray, float, float]] = []
    for part in parts:
        if len(part) == 1:
            boxes.append((part, np.array([[0.0, 0.0]]), *_CELL))
            continue
        index = {node_id: i for i, node_id in enumerate(part)}
        pairs = [(index[a], index[b]) for a, b in edges if a in index and b in index]
        side = SPACING * math.sqrt(len(part))
        boxes.append((part, spring_positions(part, pairs) * side, side, side))
    area = sum((w + _GAP) * (h + _GAP) for _, _, w, h in boxes)
    row_width = max(max((w for _, _, w, _ in boxes), default=0.0), math.sqrt(area * aspect))
    positions: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for part, points, width, height in boxes:
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height + _GAP, 0.0
        for node_id, (px, py) in zip(part, points):
            positions[node_id] = (round(x + float(px), 1), round(y + float(py), 1))
        x += width + _GAP
        row_height = max(row_height, height)
    return positions


__all__ = ["SPACING", "layout", "spring_positions"]
