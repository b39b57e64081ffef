"""The model report: sources from the Antimony comments, every species/reaction/parameter listed, diagram drawn."""

from __future__ import annotations

from pathlib import Path

import libsbml
import pytest

from necro_sbml.analyses.model_report import antimony_sources, default_models, model_sources, write_report
from necro_sbml.core.paths import CHECKOUT, sbml_path

DOCS = CHECKOUT / "docs" / "models"


def test_sources_from_line_comments_and_comment_blocks(tmp_path: Path) -> None:
    ant = tmp_path / "m.ant"
    ant.write_text(
        "model m()\n"
        "  // Abundances from mass spectrometry [Smith2020].\n"
        "  A0 = 10 item;  B0 = 20 item\n"
        "  k1 = 0.5 per_hour;  // fitted [Jones2019; calibrated]\n"
        "\n"
        "  k2 = 2 per_hour;  // guess [assumption]\n"
        "  k3 := k1*2\n"
        "  R: A => B; k1*A\n"
        "end\n")
    sources = antimony_sources(ant)
    assert sources["A0"].keys == ("Smith2020",) and sources["B0"].kind == "cited"
    assert sources["k1"].kind == "calibrated" and "Jones2019" in sources["k1"].keys
    assert sources["k2"].kind == "assumption"
    assert "k3" not in sources and "A" not in sources  # assignment rules and reactions are not definitions


def test_tissue_ids_find_their_submodel_sources() -> None:
    sources = model_sources("osteoporosis")
    assert sources["ocy__TNFR1_0"].keys == ("Ildefonso2023",)  # from necroptosis.ant, through `ocy: necroptosis()`
    assert any(k.startswith("bone__") for k in sources)


def test_report_lists_every_element_and_links_sources(tmp_path: Path) -> None:
    md, html, png = write_report("necroptosis", tmp_path)
    text = md.read_text(encoding="utf-8")
    model = libsbml.readSBMLFromFile(str(sbml_path("necroptosis"))).getModel()
    for element in (*model.getListOfSpecies(), *model.getListOfReactions(), *model.getListOfParameters()):
        assert f"| `{element.getId()}` |" in text, element.getId()
    assert "![necroptosis reaction network](necroptosis_diagram.png)" in text
    assert "| `TNFR1_0` | " in text and "| cited | Ildefonso2023 |" in text
    page = html.read_text(encoding="utf-8")
    assert 'href="https://doi.org/10.1371/journal.pbio.0060299"' in page and '<img src="necroptosis_diagram.png"' in page
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("model", default_models())
def test_committed_report_exists_and_is_complete(model: str) -> None:
    md, html = DOCS / f"{model}.md", DOCS / f"{model}.html"
    assert md.is_file() and html.is_file() and (DOCS / f"{model}_diagram.png").is_file(), "run `necro-sbml report --output docs/models`"
    text = md.read_text(encoding="utf-8")
    doc = libsbml.readSBMLFromFile(str(sbml_path(model)))
    missing = [p.getId() for p in doc.getModel().getListOfParameters() if f"| `{p.getId()}` |" not in text]
    assert not missing, f"docs/models/{model}.md is stale (run `necro-sbml report --output docs/models`): {missing[:5]}"


def test_report_command_keeps_every_model(tmp_path: Path) -> None:
    """One `report` run writes every model's files into the directory (none replaced by the next model's)."""
    from necro_sbml.cli import main

    assert main(["report", "--output", str(tmp_path / "models")]) == 0
    for model in default_models():
        assert (tmp_path / "models" / f"{model}.md").is_file(), model
