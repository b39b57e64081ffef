"""Build pipeline: determinism, committed SBML, validation, annotation, interface, round trip."""

from __future__ import annotations

import shutil
from pathlib import Path

import antimony
import libsbml
import numpy as np
import pytest

from conftest import DATA, TOY_ANNOTATIONS, TOY_METADATA, build_fixture
from necro_sbml.simulation import simulate
from necro_sbml.building.annotate import read_table
from necro_sbml.building.build import build_all, build_model, build_sbml, check_up_to_date
from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.interface import INTERFACE
from necro_sbml.core.paths import antimony_path, model_names, sbml_path
from necro_sbml.building.validate import validate_sbml

MODELS = model_names()


def read_model(path: Path) -> libsbml.Model:
    """The libsbml Model of an SBML file (document kept alive on the model)."""
    doc = libsbml.readSBMLFromFile(str(path))
    model = doc.getModel()
    model._doc = doc
    return model


def test_cell_model_present() -> None:
    assert "necroptosis" in MODELS


def test_toy_build_is_deterministic() -> None:
    assert build_fixture("toy") == build_fixture("toy")


@pytest.mark.parametrize("name", MODELS)
def test_model_build_is_deterministic(name: str) -> None:
    path = antimony_path(name)
    assert build_sbml(path) == build_sbml(path)


@pytest.mark.parametrize("name", MODELS)
def test_committed_sbml_up_to_date(name: str) -> None:
    assert check_up_to_date(name), f"{sbml_path(name)} is stale: run `necro-sbml build`"


@pytest.mark.parametrize("name", MODELS)
def test_committed_sbml_validates(name: str) -> None:
    report = validate_sbml(sbml_path(name))
    assert report.errors == [] and report.unit_warnings == [], report.format()


@pytest.mark.parametrize("name", MODELS)
def test_every_element_has_sbo_and_species_cvterms(name: str) -> None:
    model = read_model(sbml_path(name))
    assert model.isSetSBOTerm()
    elements = [*model.getListOfCompartments(), *model.getListOfSpecies(), *model.getListOfReactions(), *model.getListOfParameters()]
    assert [e.getId() for e in elements if not e.isSetSBOTerm()] == []
    assert [s.getId() for s in model.getListOfSpecies() if s.getNumCVTerms() == 0] == []


@pytest.mark.parametrize("name", MODELS)
def test_interface_ids_present_with_defaults(name: str) -> None:
    model = read_model(sbml_path(name))
    assert name in INTERFACE, f"no interface listed for model {name}"
    for entry in INTERFACE[name]:
        element = model.getElementBySId(entry.id)
        assert element is not None, entry.id
        assert element.isSetName(), entry.id
        if entry.kind == "input":
            assert isinstance(element, libsbml.Parameter) and element.getConstant(), entry.id
            assert element.getValue() == entry.default, entry.id
        else:
            # outputs are species or parameters defined by rules (shared/model-interface.md)
            assert isinstance(element, libsbml.Species) or model.getAssignmentRule(entry.id) is not None or model.getRateRule(entry.id) is not None, entry.id
        if entry.unit == "dimensionless":
            assert element.getUnits() == "dimensionless", entry.id


def roundtrip_sbml(sbml_file: Path) -> str:
    """SBML -> Antimony -> SBML through libantimony."""
    antimony.clearPreviousLoads()
    assert antimony.loadSBMLString(sbml_file.read_text()) >= 0, antimony.getLastError()
    return antimony.getSBMLString(antimony.getMainModuleName())


@pytest.mark.parametrize("name", MODELS)
def test_antimony_roundtrip_simulates_the_same(name: str, tmp_path: Path) -> None:
    original = sbml_path(name)
    again = tmp_path / f"{name}.xml"
    again.write_text(roundtrip_sbml(original))
    inputs = {"TNF_ngml": 100.0, "Smac_uM": 1.0, "zVAD_uM": 20.0} if name == "necroptosis" else {}
    a = simulate.timecourse(original, inputs, until=24.0, points=25)
    b = simulate.timecourse(again, inputs, until=24.0, points=25)
    assert sorted(a.columns) == sorted(b.columns)
    np.testing.assert_allclose(a.to_numpy(), b[a.columns].to_numpy(), rtol=1e-6, atol=1e-9)


def test_default_sbo_rules_and_table_on_toy(toy_sbml: Path) -> None:
    model = read_model(toy_sbml)
    sbo = {e.getId(): e.getSBOTermID() for e in [*model.getListOfSpecies(), *model.getListOfParameters(), *model.getListOfReactions(), *model.getListOfCompartments()]}
    assert sbo["A"] == "SBO:0000252" and sbo["C"] == "SBO:0000297"  # default vs table
    assert sbo["Drug_uM"] == "SBO:0000196" and sbo["k_bind"] == "SBO:0000009"
    assert sbo["Kd_drug"] == "SBO:0000282" and sbo["C_frac"] == "SBO:0000002" and sbo["A_expr"] == "SBO:0000002"
    assert sbo["R_bind"] == "SBO:0000176" and sbo["cell"] == "SBO:0000290"
    assert model.getSBOTermID() == "SBO:0000062"


def test_toy_annotations_and_history(toy_sbml: Path) -> None:
    model = read_model(toy_sbml)
    complex_c = model.getSpecies("C")
    assert complex_c.getName() == "RIPK1:RIPK3"
    term = complex_c.getCVTerm(0)
    assert term.getBiologicalQualifierType() == libsbml.BQB_HAS_PART
    assert [term.getResourceURI(i) for i in range(term.getNumResources())] == [
        "https://identifiers.org/uniprot:Q13546", "https://identifiers.org/uniprot:Q9Y572"]
    assert model.getMetaId() == "meta_toy"
    history = model.getModelHistory()
    assert history.getCreatedDate().getDateAsString() == "2026-11-27T00:00:00Z"
    assert history.getCreator(0).getFamilyName() == "Fixture"
    assert "binds B" in model.getNotesString()


def test_unit_inconsistency_fails_validation() -> None:
    with pytest.raises(NecroSbmlError, match="unit warnings"):
        build_fixture("bad_units")


def test_row_for_unknown_id_names_line_and_id(tmp_path: Path) -> None:
    table = tmp_path / "annotations.tsv"
    table.write_text(TOY_ANNOTATIONS.read_text() + "toy\tRIPK9\tRIPK9\t\t\t\t\n")
    line = len(table.read_text().splitlines())
    with pytest.raises(NecroSbmlError) as info:
        build_sbml(DATA / "toy.ant", table, TOY_METADATA)
    assert f"annotations.tsv:{line}" in str(info.value) and "'RIPK9'" in str(info.value)


def test_bad_qualifier_is_rejected(tmp_path: Path) -> None:
    table = tmp_path / "annotations.tsv"
    table.write_text(TOY_ANNOTATIONS.read_text() + "toy\tA\t\t\tbqbiol:iss\thttps://identifiers.org/uniprot:Q13546\t\n")
    with pytest.raises(NecroSbmlError, match="unknown qualifier 'bqbiol:iss'"):
        read_table(table)


def copy_toy_repo(tmp_path: Path) -> tuple[Path, Path]:
    """A models/ directory holding the toy model, its table and metadata."""
    models = tmp_path / "models"
    models.mkdir()
    for src in (DATA / "toy.ant", TOY_ANNOTATIONS, TOY_METADATA):
        shutil.copy(src, models / src.name)
    return models, models / "sbml"


def test_check_up_to_date_detects_stale_file(tmp_path: Path) -> None:
    models, sbml_dir = copy_toy_repo(tmp_path)
    assert not check_up_to_date("toy", models, sbml_dir)  # not built yet
    out = build_model("toy", models, sbml_dir)
    assert check_up_to_date("toy", models, sbml_dir)
    out.write_bytes(out.read_bytes().replace(b"Toy binding model", b"Toy model"))
    assert not check_up_to_date("toy", models, sbml_dir)


def test_star_row_matching_no_model_is_an_error(tmp_path: Path) -> None:
    models, sbml_dir = copy_toy_repo(tmp_path)
    with (models / "annotations.tsv").open("a") as handle:
        handle.write("*\tnowhere\t\t\t\t\t\n")
    with pytest.raises(NecroSbmlError, match="'nowhere'"):
        build_all(None, models, sbml_dir)
    assert not sbml_dir.exists()
