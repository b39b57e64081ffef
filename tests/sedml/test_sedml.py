"""The committed SED-ML experiments: generated from the catalogue, valid, and following the package rules."""

from __future__ import annotations

import dataclasses
import html

import libsedml
import pytest

from necro_sbml.simulation import conditions
from necro_sbml.sedml import writer as sedml
from necro_sbml.sedml.catalogue import Scan, load_catalogue, read_toml, CATALOGUE
from necro_sbml.core.errors import NecroSbmlError

CATALOGUE_ENTRIES = load_catalogue()


def test_committed_sedml_is_regenerated_byte_identical() -> None:
    """`necro-sbml experiments` would not change any committed file, and no file lacks a catalogue entry."""
    assert sedml.stale() == []
    assert sedml.orphans() == []


def test_cell_experiments_cover_the_issue() -> None:
    ids = set(CATALOGUE_ENTRIES)
    required = {"tnf_alone", "tsz_pmlkl_timecourse", "tnf_smac_apoptosis", "zvad_switch", "ripk3_expression",
                "ko_ripk1_kinase_dead", "ko_ripk3", "ko_mlkl", "ko_caspase8", "ko_fadd", "ko_cyld", "ko_a20", "ko_tak1"}
    assert required <= ids
    scanned = {e.scan.parameter for e in CATALOGUE_ENTRIES.values() if e.scan is not None}
    assert scanned == {"Nec1_uM", "GSK2982772_uM", "RIPA56_uM", "GSK872_uM", "dabrafenib_uM", "NSA_uM"}


def test_treatments_equal_the_package_conditions() -> None:
    treatments = read_toml(CATALOGUE)["treatments"]["necroptosis"]
    for name in ("TNF", "TS", "TZ", "TSZ"):
        assert treatments[name] == getattr(conditions, name), name


@pytest.mark.parametrize("exp_id", sorted(CATALOGUE_ENTRIES))
def test_sedml_file_is_valid_and_follows_the_rules(exp_id: str) -> None:
    exp = CATALOGUE_ENTRIES[exp_id]
    doc = libsedml.readSedMLFromFile(str(exp.path))
    assert doc.getErrorLog().getNumFailsWithSeverity(libsedml.LIBSEDML_SEV_ERROR) == 0
    assert (doc.getLevel(), doc.getVersion()) == (1, 4)
    notes = html.unescape(doc.getNotesString())
    assert exp.description in notes and all(f"[{k}]" in notes for k in exp.source)
    for model in doc.getListOfModels():
        assert model.getSource() == f"../models/sbml/{exp.model.id}.xml"  # relative file source, never "#model"
        for change in model.getListOfChanges():
            assert change.getTypeCode() == libsedml.SEDML_CHANGE_ATTRIBUTE
    for sim in doc.getListOfSimulations():
        assert sim.getAlgorithm().getKisaoID() == "KISAO:0000019"
    symbols = {v.getSymbol() for dg in doc.getListOfDataGenerators() for v in dg.getListOfVariables() if v.isSetSymbol()}
    assert symbols == {"urn:sedml:symbol:time"}
    outputs = {o.getTypeCode() for o in doc.getListOfOutputs()}
    assert outputs == {libsedml.SEDML_OUTPUT_REPORT, libsedml.SEDML_OUTPUT_PLOT2D}
    assert doc.getNumOutputs() >= len(exp.conditions) + len(exp.outputs)


def test_dose_responses_are_log_repeated_tasks() -> None:
    doc = libsedml.readSedMLFromFile(str(CATALOGUE_ENTRIES["dose_nec1"].path))
    scans = [t for t in doc.getListOfTasks() if t.getTypeCode() == libsedml.SEDML_TASK_REPEATEDTASK]
    assert len(scans) == 1 and scans[0].getResetModel()
    rng = scans[0].getRange(scans[0].getRangeId())
    assert rng.getType() == "log" and rng.getNumberOfPoints() + 1 == 49
    assert scans[0].getTaskChange(0).getTarget().endswith("[@id='Nec1_uM']")


def test_scan_of_an_initial_assignment_input_is_refused() -> None:
    """RIPK3_expr sets initial amounts: a setValue scan would differ between simulators, so it must be levels."""
    exp = dataclasses.replace(CATALOGUE_ENTRIES["ripk3_expression"], scan=Scan("RIPK3_expr", "vector", values=(0.1, 1.0)))
    with pytest.raises(NecroSbmlError, match="initial assignments") as err:
        sedml.render(exp)
    assert err.value.id == "RIPK3_expr" and "conditions" in err.value.fix


def test_unknown_input_or_output_is_refused() -> None:
    exp = CATALOGUE_ENTRIES["tsz_necroptosis"]
    bad = dataclasses.replace(exp, conditions={"TSZ": {**exp.conditions["TSZ"], "Nec1_uMx": 1.0}})
    with pytest.raises(NecroSbmlError, match="not an input parameter") as err:
        sedml.render(bad)
    assert err.value.id == "Nec1_uMx" and str(exp.path) in str(err.value)
    with pytest.raises(NecroSbmlError, match="output not in"):
        sedml.render(dataclasses.replace(exp, outputs=("bone_mass",)))


def test_tissue_entries_need_only_catalogue_entries(tmp_path) -> None:
    """A tissue experiment is one more entry: the catalogue already knows the osteoporosis model (days)."""
    text = CATALOGUE.read_text(encoding="utf-8") + (
        '\n[[experiments]]\nid = "ovx"\nmodel = "osteoporosis"\ntitle = "OVX"\ndescription = "Ovariectomy."\n'
        'source = "He2009"\nuntil = 100.0\npoints = 101\noutputs = ["BV_TV"]\n'
        'conditions = { OVX = { estrogen_target = 0.1 } }\n')
    (tmp_path / "catalogue.toml").write_text(text, encoding="utf-8")
    exp = load_catalogue(tmp_path / "catalogue.toml")["ovx"]
    assert exp.model.time_unit == "day" and exp.model.source == "../models/sbml/osteoporosis.xml"
    doc = sedml.build_document(dataclasses.replace(exp, conditions={"OVX": {}}))
    assert doc.getModel("model_OVX").getSource() == "../models/sbml/osteoporosis.xml"


def test_catalogue_errors_name_the_entry(tmp_path) -> None:
    path = tmp_path / "catalogue.toml"
    path.write_text(CATALOGUE.read_text(encoding="utf-8").replace('with = ["TSZ"]', 'with = ["TSX"]', 1), encoding="utf-8")
    with pytest.raises(NecroSbmlError, match="unknown treatment") as err:
        load_catalogue(path)
    assert err.value.id == "TSX" and err.value.file == str(path)
