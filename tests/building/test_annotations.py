"""Annotations of the committed models as curators and other tools read them: SBO terms, URIs, validation."""

from __future__ import annotations

from pathlib import Path

import libsbml
import pytest

from necro_sbml.building.annotate import read_table
from necro_sbml.building.validate import validate_sbml
from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.paths import model_names, sbml_path

# libsbml's SBO branch checks for each kind of element.
SBO_BRANCH = {
    "model": libsbml.SBO.isModellingFramework,
    "compartment": libsbml.SBO.isMaterialEntity,
    "species": libsbml.SBO.isMaterialEntity,
    "reaction": libsbml.SBO.isOccurringEntityRepresentation,
    "parameter": libsbml.SBO.isQuantitativeParameter,
}


def _doc(model: str) -> libsbml.SBMLDocument:
    """The committed compiled model."""
    return libsbml.readSBMLFromFile(str(sbml_path(model)))


def _elements(model: libsbml.Model) -> list[tuple[str, libsbml.SBase]]:
    """(kind, element) for the model itself and its compartments, species, reactions and parameters."""
    return [("model", model),
            *(("compartment", e) for e in model.getListOfCompartments()),
            *(("species", e) for e in model.getListOfSpecies()),
            *(("reaction", e) for e in model.getListOfReactions()),
            *(("parameter", e) for e in model.getListOfParameters())]


@pytest.mark.parametrize("model", model_names())
def test_no_libsbml_issue_of_any_category(model: str) -> None:
    """Errors, unit warnings and every other warning (SBO, modelling practice) count: there are none."""
    report = validate_sbml(sbml_path(model).read_bytes(), name=model)
    assert [i.format() for i in report.issues] == []


@pytest.mark.parametrize("model", model_names())
def test_every_sbo_term_is_known_to_libsbml_in_the_right_branch(model: str) -> None:
    doc = _doc(model)
    wrong = [(kind, e.getId(), e.getSBOTermID()) for kind, e in _elements(doc.getModel())
             if not e.isSetSBOTerm() or not SBO_BRANCH[kind](e.getSBOTerm())]
    assert wrong == []


@pytest.mark.parametrize("model", model_names())
def test_identifiers_org_uris_use_https(model: str) -> None:
    text = sbml_path(model).read_text(encoding="utf-8")
    assert "http://identifiers.org/" not in text and "https://identifiers.org/" in text


def test_table_rejects_plain_http_identifiers_org(tmp_path: Path) -> None:
    table = tmp_path / "annotations.tsv"
    table.write_text("model\tid\tname\tsbo\tqualifier\turis\tnote\n"
                     "toy\tA\tRIPK1\t\tbqbiol:is\thttp://identifiers.org/uniprot:Q13546\t\n", encoding="utf-8")
    with pytest.raises(NecroSbmlError, match="bad URI") as err:
        read_table(table)
    assert err.value.file == f"{table}:2" and "https://identifiers.org/uniprot:Q13546" in err.value.fix
