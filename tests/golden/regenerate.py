"""Regenerate the golden snapshots — only on purpose, after checking the change:

    .venv/bin/python tests/golden/regenerate.py              (or: make golden)
    .venv/bin/python tests/golden/regenerate.py --into DIR   (write elsewhere, e.g. to review a change)

One snapshot per input, in canonical form (``newsgraph.tools.canonical``; sorted, no model name):
``seeds.json`` for the seed folder and ``data/<name>.json`` for every ``tests/data/*.txt`` article.
Each input is extracted on its own, so adding an article never changes another snapshot.
"""

from __future__ import annotations

import argparse
import contextlib
import json
from pathlib import Path

import newsgraph
from newsgraph.tools.canonical import canonical_results

ROOT = Path(__file__).resolve().parents[2]
GOLDEN_DIR = Path(__file__).parent
GOLDEN = GOLDEN_DIR / "seeds.json"
DATA = ROOT / "tests/data"
# The settings the snapshots are made with: German's default pipeline (the encoder pass), what users get.
MODE: dict[str, object] = {}


def inputs() -> dict[str, Path]:
    """Snapshot name (path below the golden folder) → input file or folder, in a stable order."""
    found = {"seeds.json": ROOT / "seeds"}
    for text in sorted(DATA.glob("*.txt")):
        found[f"data/{text.stem}.json"] = text
    return found


def canonical(source: Path) -> list[dict[str, object]]:
    """The canonical results of ``newsgraph extract SOURCE --lang de`` (with :data:`MODE`) with the shipped model.

    Runs from the repository root on the relative path, because article ids hash the path as
    given: the snapshot must not depend on where the checkout lives."""
    with contextlib.chdir(ROOT):
        return canonical_results(newsgraph.extract([source.relative_to(ROOT)], lang="de", **MODE))


def dumps(data: object) -> str:
    """Snapshot text: canonical data as sorted, indented JSON with a final newline."""
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def snapshot(source: Path | None = None) -> str:
    """The snapshot text of one input (default: the seed folder)."""
    return dumps(canonical(source if source is not None else ROOT / "seeds"))


def regenerate(into: Path = GOLDEN_DIR) -> list[Path]:
    """Write every snapshot below ``into``; snapshots of removed articles are deleted."""
    written = []
    for name, source in inputs().items():
        path = into / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(snapshot(source), encoding="utf-8", newline="\n")
        written.append(path)
    for stale in sorted(set((into / "data").glob("*.json")) - set(written)):
        stale.unlink()
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--into", type=Path, default=GOLDEN_DIR, help="folder to write to (default: tests/golden)")
    for written_path in regenerate(parser.parse_args().into):
        print(f"wrote {written_path}")
