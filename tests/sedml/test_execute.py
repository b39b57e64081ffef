"""The SED-ML executor: agreement with the package's simulator, SED-ML features, and its errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import libsedml
import numpy as np
import pandas as pd
import pytest

from necro_sbml.simulation import simulate
from necro_sbml.cli import main
from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.sedml.execute import execute, report_frame
from necro_sbml.core.paths import EXPERIMENTS_DIR, sbml_path
from necro_sbml.sedml.writer import CVODE, parameter_xpath, value_xpath
from necro_sbml.sedml.suite import run_to_directory

TSZ = {"TNF_ngml": 100.0, "Smac_uM": 1.0, "zVAD_uM": 20.0}


def test_time_course_matches_the_package_simulator(suite_results: dict) -> None:
    """The SED-ML run of TSZ equals necro_sbml.simulation.simulate.timecourse under the same inputs."""
    report = suite_results["tsz_necroptosis"].reports["TSZ"]
    df = simulate.timecourse("necroptosis", TSZ, until=24.0, points=241, selections=["necroptotic_frac", "pMLKL_frac"])
    assert np.allclose(report["time"][:, 0], df.index)
    assert np.allclose(report["necroptotic_frac"][:, 0], df["necroptotic_frac"], rtol=1e-6, atol=1e-9)


def test_scan_matches_the_package_dose_response(suite_results: dict) -> None:
    report = suite_results["dose_nsa"].reports["TSZ_scan"]
    doses = report["NSA_uM"][-1]
    scan = simulate.dose_response("necroptosis", TSZ, "NSA_uM", doses, until=24.0, output="necroptotic_frac")
    assert np.allclose(report["necroptotic_frac"][-1], scan["necroptotic_frac"], rtol=1e-6, atol=1e-9)


def _document(tmp_path: Path) -> libsedml.SedDocument:
    """A small SED-ML document on the cell model with a TSZ model and a 24 h time course."""
    shutil.copy(sbml_path("necroptosis"), tmp_path / "necroptosis.xml")
    doc = libsedml.SedDocument(1, 4)
    doc.getSedNamespaces().getNamespaces().add("http://www.sbml.org/sbml/level3/version2/core", "sbml")
    model = doc.createModel()
    model.setId("m")
    model.setLanguage("urn:sedml:language:sbml.level-3.version-2")
    model.setSource("necroptosis.xml")
    for id_, value in TSZ.items():
        change = model.createChangeAttribute()
        change.setTarget(value_xpath(id_))
        change.setNewValue(str(value))
    sim = doc.createUniformTimeCourse()
    sim.setId("sim")
    sim.setInitialTime(0)
    sim.setOutputStartTime(0)
    sim.setOutputEndTime(24)
    sim.setNumberOfSteps(2)
    sim.createAlgorithm().setKisaoID(CVODE)
    task = doc.createTask()
    task.setId("t")
    task.setModelReference("m")
    task.setSimulationReference("sim")
    return doc


def _generator(doc: libsedml.SedDocument, dg_id: str, task: str, target: str, formula: str = "") -> None:
    dg = doc.createDataGenerator()
    dg.setId(dg_id)
    var = dg.createVariable()
    var.setId(f"v_{dg_id}")
    var.setTaskReference(task)
    var.setTarget(parameter_xpath(target))
    dg.setMath(libsedml.parseL3Formula(formula.replace("V", f"v_{dg_id}") if formula else f"v_{dg_id}"))


def _write(doc: libsedml.SedDocument, path: Path) -> Path:
    path.write_text(libsedml.writeSedMLToString(doc), encoding="utf-8")
    return path


def test_nested_repeated_tasks_vector_and_linear_ranges(tmp_path: Path) -> None:
    """Outer vector range over Nec-1, inner linear range over NSA: every combination equals a direct simulation."""
    doc = _document(tmp_path)
    inner = doc.createRepeatedTask()
    inner.setId("inner")
    inner.setRangeId("r_nsa")
    inner.setResetModel(True)
    rng = inner.createUniformRange()
    rng.setId("r_nsa"); rng.setStart(0.0); rng.setEnd(0.4); rng.setNumberOfPoints(2); rng.setType("linear")
    change = inner.createTaskChange()
    change.setModelReference("m"); change.setRange("r_nsa"); change.setTarget(parameter_xpath("NSA_uM"))
    change.setMath(libsedml.parseL3Formula("r_nsa"))
    sub = inner.createSubTask()
    sub.setTask("t"); sub.setOrder(1)
    outer = doc.createRepeatedTask()
    outer.setId("outer")
    outer.setRangeId("r_nec1")
    outer.setResetModel(True)
    vrange = outer.createVectorRange()
    vrange.setId("r_nec1")
    for v in (0.0, 0.3):
        vrange.addValue(v)
    change = outer.createTaskChange()
    change.setModelReference("m"); change.setRange("r_nec1"); change.setTarget(parameter_xpath("Nec1_uM"))
    change.setMath(libsedml.parseL3Formula("2 * r_nec1 / 2"))
    sub = outer.createSubTask()
    sub.setTask("inner"); sub.setOrder(1)
    _generator(doc, "death", "outer", "necroptotic_frac", "100 * V")
    _generator(doc, "nec1", "outer", "Nec1_uM")
    result = execute(_write(doc, tmp_path / "nested.sedml"))
    death, nec1 = result.generators["death"], result.generators["nec1"]
    assert death.shape == (3, 6)
    expected = [final(TSZ | {"Nec1_uM": a, "NSA_uM": b}) for a in (0.0, 0.3) for b in (0.0, 0.2, 0.4)]
    assert np.allclose(death[-1], 100 * np.asarray(expected), rtol=1e-6, atol=1e-8)
    assert np.allclose(nec1[-1], [0, 0, 0, 0.3, 0.3, 0.3])


def final(inputs: dict[str, float]) -> float:
    return float(simulate.timecourse("necroptosis", inputs, until=24.0, points=3, selections=["necroptotic_frac"]).iloc[-1, 0])


def test_steady_state_simulation(tmp_path: Path, toy_sbml: Path) -> None:
    """steadyState on the toy model: the complex C is degraded away, and the executor returns one point."""
    doc = _document(tmp_path)
    shutil.copy(toy_sbml, tmp_path / "toy.xml")
    doc.getModel("m").setSource("toy.xml")
    doc.getModel("m").getListOfChanges().clear()
    doc.removeTask("t")
    steady = doc.createSteadyState()
    steady.setId("ss")
    steady.createAlgorithm().setKisaoID("KISAO:0000407")
    task = doc.createTask()
    task.setId("t_ss"); task.setModelReference("m"); task.setSimulationReference("ss")
    _generator(doc, "c", "t_ss", "C_frac")
    result = execute(_write(doc, tmp_path / "steady.sedml"))
    assert result.generators["c"].shape == (1, 1) and abs(result.generators["c"][0, 0]) < 1e-6


def test_report_frame_stacks_iterations() -> None:
    frame = report_frame({"x": np.array([[1.0, 2.0], [3.0, 4.0]]), "y": np.array([[5.0, 6.0], [7.0, 8.0]])})
    assert frame["x"].tolist() == [1.0, 3.0, 2.0, 4.0] and list(frame.columns) == ["x", "y"]


# ------------------------------------------------------------------------------- errors


def test_target_not_in_model_names_file_id_and_fix(tmp_path: Path) -> None:
    doc = _document(tmp_path)
    doc.getModel("m").getChange(0).setTarget(value_xpath("TNF_ngmlx"))
    path = _write(doc, tmp_path / "bad_target.sedml")
    with pytest.raises(NecroSbmlError) as err:
        execute(path)
    assert err.value.file == str(path) and err.value.id == "TNF_ngmlx" and "TNF_ngml" in err.value.fix


def test_variable_not_in_model(tmp_path: Path) -> None:
    doc = _document(tmp_path)
    _generator(doc, "bone", "t", "BV_TV")
    path = _write(doc, tmp_path / "bad_variable.sedml")
    with pytest.raises(NecroSbmlError, match="not in model") as err:
        execute(path)
    assert err.value.id == "BV_TV" and err.value.file == str(path)


@pytest.mark.parametrize("feature", ["computeChange", "oneStep", "functionalRange", "plot3D", "algorithm"])
def test_unsupported_feature_stops_with_element_and_fix(tmp_path: Path, feature: str) -> None:
    doc = _document(tmp_path)
    _generator(doc, "death", "t", "necroptotic_frac")
    if feature == "computeChange":
        change = doc.getModel("m").createComputeChange()
        change.setTarget(value_xpath("Nec1_uM")); change.setMath(libsedml.parseL3Formula("1"))
    elif feature == "oneStep":
        sim = doc.createOneStep(); sim.setId("one"); sim.setStep(1.0); sim.createAlgorithm().setKisaoID(CVODE)
        doc.getTask("t").setSimulationReference("one")
    elif feature == "functionalRange":
        rt = doc.createRepeatedTask(); rt.setId("rt"); rt.setRangeId("f"); rt.setResetModel(True)
        rng = rt.createFunctionalRange(); rng.setId("f"); rng.setRange("f"); rng.setMath(libsedml.parseL3Formula("1"))
        sub = rt.createSubTask(); sub.setTask("t"); sub.setOrder(1)
    elif feature == "plot3D":
        plot = doc.createPlot3D(); plot.setId("p3")
    else:
        doc.getSimulation("sim").getAlgorithm().setKisaoID("KISAO:0000030")
    path = _write(doc, tmp_path / f"{feature}.sedml")
    with pytest.raises(NecroSbmlError, match="unsupported SED-ML element") as err:
        execute(path)
    assert err.value.file == str(path) and err.value.fix


def test_unknown_experiment_id_cli(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["run", "tsz_necroptosis", "no_such_experiment", "--output", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "unknown experiment" in err and "'no_such_experiment'" in err and "catalogue.toml" in err
    assert not (tmp_path / "out").exists()


def test_run_writes_reports_and_failed_run_keeps_earlier_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "results"
    run_to_directory(["ko_mlkl"], out, progress=None)
    report = pd.read_csv(out / "ko_mlkl" / "TSZ_MLKL_KO.csv")
    assert list(report.columns) == ["time", "viable_frac", "necroptotic_frac", "apoptotic_frac"]
    assert report["necroptotic_frac"].iloc[-1] < 0.05  # MLKL knockout cells do not die by necroptosis (Sun 2012)
    assert (out / "ko_mlkl" / "plot_necroptotic_frac.png").read_bytes()[:4] == b"\x89PNG"
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    # a broken SED-ML file for the second experiment: the run stops and nothing earlier changes
    broken = tmp_path / "repo" / "experiments"
    shutil.copytree(EXPERIMENTS_DIR, broken)
    shutil.copytree(sbml_path("necroptosis").parent, tmp_path / "repo" / "models" / "sbml")
    (broken / "ko_ripk3.sedml").write_text("<sedML>", encoding="utf-8")
    monkeypatch.setattr("necro_sbml.sedml.catalogue.Experiment.path", property(lambda self: broken / f"{self.id}.sedml"))
    with pytest.raises(NecroSbmlError, match="invalid SED-ML"):
        run_to_directory(["ko_mlkl", "ko_ripk3"], out, progress=None)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_unwritable_output_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    with pytest.raises(NecroSbmlError, match="cannot write output|existing file") as err:
        run_to_directory(["ko_mlkl"], blocker / "results", progress=None)
    assert "file" in str(err.value.file) and err.value.fix
    assert blocker.read_text(encoding="utf-8") == "not a directory"
