"""examples/newsgraph.ipynb runs top to bottom offline and shows the HTML reprs."""

from __future__ import annotations

import pytest

from support import ROOT, requires_model

nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (pip install -e '.[test]')")
nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed (pip install -e '.[test]')")

NOTEBOOK = ROOT / "examples/newsgraph.ipynb"


@requires_model
@pytest.mark.model
def test_example_notebook_runs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    )
    client.execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    html = [output["data"]["text/html"] for output in outputs if "text/html" in output.get("data", {})]
    assert any("newsgraph-article" in page and "<mark" in page for page in html)  # results[0]
    assert any("newsgraph-corpus" in page and "top entities" in page for page in html)  # CorpusView
    printed = "".join(output.get("text", "") for output in outputs if output.output_type == "stream")
    assert "Kerry" in printed  # the top entities
