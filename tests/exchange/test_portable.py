"""The portable SBML export runs in sbmltoodepy (which cannot read the full model) like roadrunner."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import libsbml
import numpy as np
import pytest

from necro_sbml.cli import main
from necro_sbml.core.paths import sbml_path
from necro_sbml.exchange.portable import export_portable
from necro_sbml.simulation import simulate

TSZ = {"TNF_ngml": 100.0, "Smac_uM": 1.0, "zVAD_uM": 20.0}


def _load_generated(path: Path, name: str) -> object:
    """Import a Python module sbmltoodepy generated."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_portable_copy_drops_what_other_simulators_cannot_read(tmp_path: Path) -> None:
    out = export_portable("necroptosis", tmp_path / "p.xml", TSZ)
    doc = libsbml.readSBMLFromFile(str(out))
    model = doc.getModel()
    assert model.getNumInitialAssignments() == 0 and doc.getNumErrors(libsbml.LIBSBML_SEV_ERROR) == 0
    assert "sbml:units" not in out.read_text(encoding="utf-8")
    assert model.getSpecies("TNF").getInitialAmount() == pytest.approx(100 * model.getParameter("TNF_per_ngml").getValue())
    assert libsbml.readSBMLFromFile(str(sbml_path("necroptosis"))).getModel().getNumInitialAssignments() > 0


def test_sbmltoodepy_runs_the_portable_copy_like_roadrunner(tmp_path: Path) -> None:
    """sbmltoodepy rejects the published file (units on numbers) but reproduces roadrunner on the portable copy."""
    sbmltoodepy = pytest.importorskip("sbmltoodepy")
    with pytest.raises(Exception):
        sbmltoodepy.ParseAndCreateModel(str(sbml_path("necroptosis")), outputFilePath=str(tmp_path / "full.py"))
    portable = export_portable("necroptosis", tmp_path / "tsz.xml", TSZ)
    sbmltoodepy.ParseAndCreateModel(str(portable), outputFilePath=str(tmp_path / "tsz.py"), className="TSZ")
    model = _load_generated(tmp_path / "tsz.py", "tsz_generated").TSZ()
    ours = simulate.timecourse("necroptosis", TSZ, until=24, points=25, selections=["pMLKL_frac", "necroptotic_frac"])
    now = 0.0
    for hour in (2.0, 6.0, 12.0, 24.0):
        model.RunSimulation(hour - now, absoluteTolerance=1e-10, relativeTolerance=1e-8)
        now = hour
        theirs = [model.p["pMLKL_frac"].value, model.p["necroptotic_frac"].value]
        assert np.allclose(theirs, ours.loc[hour, ["pMLKL_frac", "necroptotic_frac"]].to_numpy(), rtol=1e-4, atol=1e-9), hour


def test_cli_export_sbml_needs_portable_and_names_bad_values(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export-sbml", "necroptosis", "--portable", "--set", "TNF_ngml=10", "--output", str(tmp_path / "a.xml")]) == 0
    assert (tmp_path / "a.xml").is_file()
    assert main(["export-sbml", "necroptosis", "--output", str(tmp_path / "b.xml")]) == 2
    assert main(["export-sbml", "necroptosis", "--portable", "--set", "TNF_ngml=abc", "--output", str(tmp_path / "c.xml")]) == 2
    assert "'TNF_ngml'" in capsys.readouterr().err and not (tmp_path / "c.xml").exists()
