"""docs/tutorial.ipynb is committed executed and still runs top to bottom in a fresh kernel (nbclient)."""

from __future__ import annotations

import re

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

from necro_sbml.core.paths import CHECKOUT  # noqa: E402

NOTEBOOK = CHECKOUT / "docs" / "tutorial.ipynb"


def _text(cell) -> str:
    """All text a code cell printed or returned."""
    parts = []
    for out in cell.get("outputs", []):
        parts.append(out.get("text", ""))
        parts.append(out.get("data", {}).get("text/plain", ""))
    return "".join(parts)


def test_committed_tutorial_is_executed() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.get("outputs") for c in code), "run `python scripts/make_tutorial.py`"


def test_tutorial_runs_in_a_fresh_kernel() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3").execute()
    text = "\n".join(_text(c) for c in nb.cells if c.cell_type == "code")
    wild, knockout = map(float, re.search(r"wild type ([\d.]+), RIPK3 knockout ([\d.]+)", text).groups())
    # TSZ kills by necroptosis and needs RIPK3 (He 2009, Cell 137:1100)
    assert wild < 0.1 and knockout > 0.9
    assert "h dimensionless" in text and "'BV_TV': 'percent'" in text
