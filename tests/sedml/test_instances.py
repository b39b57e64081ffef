"""The executor's model instances: one load per SBML file per run, restored (not reloaded) with identical results."""

from __future__ import annotations

from pathlib import Path

import libsedml
import numpy as np
import pytest

from necro_sbml.cli import main
from necro_sbml.core.paths import EXPERIMENTS_DIR, sbml_path
from necro_sbml.sedml.execute import execute, plot_specs, write_outputs
from necro_sbml.sedml.instances import InstancePool
from necro_sbml.sedml.suite import MIN_POOLED_PLOTS, write_results
from necro_sbml.sedml.writer import parameter_xpath, value_xpath
from necro_sbml.simulation import simulate

# A dose scan (repeatedTask with resetModel), a knockout comparison, tissue runs and the cell model again.
FILES = ["dose_nec1", "ko_ripk3", "tissue_ovx_nec1", "zvad_switch", "tissue_healthy", "tsz_necroptosis"]


def _generators(pool: InstancePool) -> dict[str, np.ndarray]:
    """Every generator of FILES executed in order on one pool."""
    return {f"{name}/{g}": v for name in FILES for g, v in execute(EXPERIMENTS_DIR / f"{name}.sedml", pool).generators.items()}


def test_restored_instances_give_bit_identical_results_to_reloading() -> None:
    """Reusing one instance per SBML file across files, tasks and scan iterations equals reloading on every reset."""
    pool = InstancePool()
    reused, reloaded = _generators(pool), _generators(InstancePool(fresh=True))
    assert reused.keys() == reloaded.keys()
    for key, values in reused.items():
        assert np.array_equal(values, reloaded[key], equal_nan=True), key
    assert sorted(p.name for p, free in pool.free.items() for _ in free) == ["necroptosis.xml", "osteoporosis.xml"]


def test_restore_puts_back_every_initial_value(toy_sbml: Path) -> None:
    """After changes, a simulation and a restore, the instance equals a freshly loaded model."""
    pool = InstancePool()
    instance = pool.acquire(toy_sbml)
    rr = instance.rr
    fresh = simulate.load(toy_sbml)
    param = simulate._settable_ids(rr)[0]
    species = "B"  # no initial assignment
    instance.restore({f"init({param})": 3.5 * rr[param] + 1.0, f"init({species})": 7.0})
    rr.simulate(0, 5, 6)
    instance.set_init(f"init({param})", 0.25)
    instance.restore({})
    assert np.array_equal(rr.model.getGlobalParameterValues(), fresh.model.getGlobalParameterValues())
    assert np.array_equal(rr.model.getFloatingSpeciesInitAmounts(), fresh.model.getFloatingSpeciesInitAmounts())
    assert np.array_equal(np.asarray(rr.simulate(0, 5, 6)), np.asarray(fresh.simulate(0, 5, 6)))


def _two_models_continued(tmp_path: Path) -> Path:
    """Two models on one SBML file, alternated by a repeatedTask without reset (each continues its own state)."""
    (tmp_path / "necroptosis.xml").write_bytes(sbml_path("necroptosis").read_bytes())
    doc = libsedml.SedDocument(1, 4)
    doc.getSedNamespaces().getNamespaces().add("http://www.sbml.org/sbml/level3/version2/core", "sbml")
    for mid, extra in (("a", {}), ("b", {"Nec1_uM": 10.0})):
        model = doc.createModel()
        model.setId(mid)
        model.setLanguage("urn:sedml:language:sbml.level-3.version-2")
        model.setSource("necroptosis.xml")
        for id_, value in {"TNF_ngml": 100.0, "Smac_uM": 1.0, "zVAD_uM": 20.0, **extra}.items():
            change = model.createChangeAttribute()
            change.setTarget(value_xpath(id_))
            change.setNewValue(str(value))
    sim = doc.createUniformTimeCourse()
    sim.setId("sim")
    sim.setInitialTime(0); sim.setOutputStartTime(0); sim.setOutputEndTime(6); sim.setNumberOfSteps(3)
    sim.createAlgorithm().setKisaoID("KISAO:0000019")
    repeat = doc.createRepeatedTask()
    repeat.setId("repeat"); repeat.setRangeId("r"); repeat.setResetModel(False)
    rng = repeat.createVectorRange()
    rng.setId("r")
    for v in (1.0, 2.0, 3.0):
        rng.addValue(v)
    for order, mid in enumerate("ab", start=1):
        task = doc.createTask()
        task.setId(f"t_{mid}"); task.setModelReference(mid); task.setSimulationReference("sim")
        sub = repeat.createSubTask()
        sub.setTask(f"t_{mid}"); sub.setOrder(order)
    dg = doc.createDataGenerator()
    dg.setId("pmlkl")
    var = dg.createVariable()
    var.setId("v"); var.setTaskReference("repeat"); var.setTarget(parameter_xpath("pMLKL_frac"))
    dg.setMath(libsedml.parseL3Formula("v"))
    path = tmp_path / "continued.sedml"
    path.write_text(libsedml.writeSedMLToString(doc), encoding="utf-8")
    return path


def test_models_sharing_an_sbml_file_keep_their_own_state(tmp_path: Path) -> None:
    """Without resetModel each model continues from its own last state, even when both use one SBML file."""
    pmlkl = execute(_two_models_continued(tmp_path), InstancePool()).generators["pmlkl"]  # columns a1 b1 a2 b2 a3 b3
    assert pmlkl.shape == (4, 6)
    for k in range(2, 6):
        assert pmlkl[0, k] == pmlkl[-1, k - 2]  # starts where the same model stopped
    assert not np.isclose(pmlkl[-1, 0], pmlkl[-1, 1])  # Nec-1 changes b: a and b are different instances
    assert np.array_equal(pmlkl, execute(tmp_path / "continued.sedml", InstancePool(fresh=True)).generators["pmlkl"])


def test_plots_rendered_in_worker_processes_equal_in_process_ones(tmp_path: Path) -> None:
    """The process pool writes the same PNG bytes and CSVs as rendering in this process."""
    results = {name: execute(EXPERIMENTS_DIR / f"{name}.sedml") for name in ("ko_ripk3", "dose_nec1", "tissue_ovx", "zvad_switch")}
    assert sum(len(plot_specs(r)) for r in results.values()) >= MIN_POOLED_PLOTS  # so the pool is used
    pooled = write_results(results, tmp_path / "pool", workers=2)
    for name, result in results.items():
        local = write_outputs(result, tmp_path / "local" / name)
        assert sorted(p.name for p in pooled[name]) == sorted(p.name for p in local)
        assert any(p.suffix == ".png" for p in local)
        for path in local:
            assert (tmp_path / "pool" / name / path.name).read_bytes() == path.read_bytes(), path.name


def test_no_plots_writes_tables_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "ko_mlkl", "--output", str(tmp_path / "out"), "--no-plots"]) == 0
    files = {p.suffix for p in (tmp_path / "out" / "ko_mlkl").iterdir()}
    assert files == {".csv"}
