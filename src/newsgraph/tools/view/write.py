"""Write the view's page as a file of an output folder (``newsgraph view``, ``extract --html``)."""

from __future__ import annotations

import os
from pathlib import Path

from newsgraph.errors import ExportError
from newsgraph.graph.export import ARTICLES_FILE, VIEW_FILE, output_lock, read_results, recover, replace_output_file
from newsgraph.tools.view.page import view_page


def write_view(
    out_dir: Path, target: Path | None = None, *, max_entities: int = 300, max_evidence: int = 5
) -> Path:
    """Write the interactive graph page of an output folder.

    Written into the folder (the default target), the page joins the folder's set of files: it is
    switched in together with an updated manifest, under the folder's lock, and the next
    ``newsgraph extract`` without ``--html`` removes it as stale.

    Args:
        out_dir: A folder written by ``write_outputs`` (``articles.jsonl`` is read).
        target: The HTML file to write; default ``out_dir / "graph.html"``.
        max_entities: Entity nodes to show at most (the most mentioned).
        max_evidence: Evidence snippets per node at most.

    Returns:
        The path written.

    Raises:
        ExportError: ``out_dir`` has no readable ``articles.jsonl``, ``target`` cannot be written, or
            another process is writing ``out_dir``.

    Example:
        >>> write_view(Path("newsgraph-out"))  # doctest: +SKIP
        PosixPath('newsgraph-out/graph.html')
    """
    out_dir = Path(out_dir)
    recover(out_dir)
    articles = out_dir / ARTICLES_FILE
    if not articles.is_file():
        raise ExportError(f"{out_dir}: no {ARTICLES_FILE} here; give a folder written by `newsgraph extract`.")
    default = out_dir / VIEW_FILE
    target = Path(target) if target is not None else default
    if os.path.realpath(target) == os.path.realpath(default):
        with output_lock(out_dir):
            page = view_page(read_results(articles), out_dir, max_entities=max_entities, max_evidence=max_evidence)
            replace_output_file(out_dir, VIEW_FILE, page)
        return target
    page = view_page(read_results(articles), out_dir, max_entities=max_entities, max_evidence=max_evidence)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(page, encoding="utf-8", newline="\n")
        os.replace(tmp, target)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"{target}: cannot write: {e.strerror or e}. Choose a path you can write to.") from e
    return target


__all__ = ["VIEW_FILE", "write_view"]
