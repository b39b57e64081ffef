"""COPASI via basico: agreement with roadrunner, the SBML round trip, import messages, .cps files, steady states."""

from __future__ import annotations

import re
from pathlib import Path

import antimony
import basico
import numpy as np
import pandas as pd
import pytest

from necro_sbml.exchange import copasi
from necro_sbml.exchange import crosscheck
from necro_sbml.simulation import simulate
from necro_sbml.sedml.catalogue import load_catalogue
from necro_sbml.cli import main
from necro_sbml.simulation.conditions import CANONICAL
from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.interface import outputs
from necro_sbml.core.paths import model_names, sbml_path

PAIRS = crosscheck.select([])
CELL = "necroptosis"
# Inputs that change species set by initial assignments (TNF bolus, cIAP at its Smac steady state, A20, RIPK3).
IA_INPUTS = {"TNF_ngml": 100.0, "Smac_uM": 1.0, "A20_expr": 0.5, "RIPK3_expr": 2.0}

MOLAR = """
model molar()
  unit substance = mole
  unit volume = litre
  compartment c = 2
  species S in c, P in c;  substanceOnly species A in c
  S_scale = 1;  k = 0.5
  S = 3 * S_scale;  A = 5;  P = 0
  R1: S => P; k * S * c
  R2: A => ; k * A
end
"""


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """COPASI's SBML L3V2 export of every compiled model."""
    out = tmp_path_factory.mktemp("copasi_export")
    paths = {m: out / f"{m}.xml" for m in model_names()}
    for model, path in paths.items():
        path.write_text(copasi.export_sbml(model), encoding="utf-8")
    return paths


@pytest.fixture(scope="module")
def molar_sbml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model in moles and litres with concentration and amount species (unit conversion check)."""
    assert antimony.loadAntimonyString(MOLAR) >= 0, antimony.getLastError()
    path = tmp_path_factory.mktemp("molar") / "molar.xml"
    path.write_text(antimony.getSBMLString("molar"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cps_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """necro-sbml export-copasi for every model."""
    out = tmp_path_factory.mktemp("cps") / "copasi"
    assert main(["export-copasi", "--output", str(out)]) == 0
    return {m: out / f"{m}.cps" for m in model_names()}


# ------------------------------------------------------------------ inputs ---

def test_inputs_reach_initial_assignments_in_copasi() -> None:
    copasi_t0 = copasi.timecourse(CELL, IA_INPUTS, until=1.0, points=2).iloc[0]
    default_t0 = copasi.timecourse(CELL, {}, until=1.0, points=2).iloc[0]
    rr = simulate.load(CELL)
    simulate.set_inputs(rr, IA_INPUTS)
    changed = [s for s in rr.model.getFloatingSpeciesIds() if abs(rr[s] - default_t0[s]) > 1e-9 * max(1.0, abs(rr[s]))]
    assert {"TNF", "cIAP", "A20", "RIPK3"} <= set(changed)
    for species in rr.model.getFloatingSpeciesIds():
        assert copasi_t0[species] == pytest.approx(rr[species], rel=1e-12, abs=1e-12), species


def test_species_are_amounts_in_the_model_substance_unit(molar_sbml: Path) -> None:
    frame = copasi.timecourse(molar_sbml, {"S_scale": 2.0}, until=1.0, points=3)
    assert frame["S"].iloc[0] == pytest.approx(12.0)  # 6 mol/L x 2 L, as roadrunner's `S`
    assert frame["A"].iloc[0] == pytest.approx(5.0)
    table = crosscheck.crosscheck_run(molar_sbml, {"S_scale": 2.0}, until=5.0, points=11)
    assert set(table.index) >= {"S", "P", "A"}
    assert list(crosscheck.crosscheck_run(molar_sbml, {}, 5.0, 11, ids=["P"]).index) == ["P"]
    assert table["deviation"].max() <= crosscheck.TOLERANCE


def test_unknown_input_names_it_and_the_fix() -> None:
    with pytest.raises(NecroSbmlError) as err:
        copasi.timecourse(CELL, {"TNF_ngm": 1.0})
    assert err.value.id == "TNF_ngm" and "TNF_ngml" in err.value.fix
    with pytest.raises(NecroSbmlError, match="TNF_ngm"):
        crosscheck.crosscheck_run(CELL, {"TNF_ngm": 1.0})
    with pytest.raises(NecroSbmlError, match="negative"):
        copasi.timecourse(CELL, {"Nec1_uM": -1.0})


def test_unknown_model_or_condition_names_it_and_the_fix() -> None:
    with pytest.raises(NecroSbmlError) as err:
        copasi.timecourse("bone_model")
    assert err.value.id == "bone_model" and CELL in err.value.fix
    with pytest.raises(NecroSbmlError) as err:
        crosscheck.select(["TSX"])
    assert err.value.id == "TSX" and "TSZ" in err.value.fix and "all" in err.value.fix


# --------------------------------------------------------- COPASI vs roadrunner ---

def test_selection_covers_every_model_canonical_condition_and_time_course_experiment() -> None:
    assert {m for m, _ in PAIRS} == set(model_names())
    assert set(CANONICAL) <= {c for m, c in PAIRS if m == CELL}
    timecourses = {(e.model.id, f"{e.id}/{c}") for e in load_catalogue().values() if e.scan is None for c in e.conditions}
    assert timecourses <= set(PAIRS)
    assert crosscheck.select([CELL, "TSZ"]) == [(CELL, c) for c in crosscheck.conditions(CELL)]
    assert crosscheck.select(["TSZ"]) == [(CELL, "TSZ")]


@pytest.mark.parametrize(("model", "name"), PAIRS, ids=[f"{m}-{c}" for m, c in PAIRS])
def test_copasi_and_roundtrip_match_roadrunner(model: str, name: str, exported: dict[str, Path]) -> None:
    spec = crosscheck.conditions(model)[name]
    run = crosscheck.crosscheck_run(model, spec["inputs"], spec["until"])
    trip = crosscheck.roundtrip_run(model, exported[model], spec["inputs"], spec["until"])
    assert list(run.index) == crosscheck.compared_ids(model)
    assert run["deviation"].max() <= crosscheck.TOLERANCE, run
    assert trip["deviation"].max() <= crosscheck.TOLERANCE, trip


def test_compare_detects_a_different_trajectory() -> None:
    ids = outputs(CELL)
    tsz = simulate.timecourse(CELL, CANONICAL["TSZ"]["inputs"], until=24.0, points=241, selections=ids)
    ts = copasi.timecourse(CELL, CANONICAL["TNF_Smac"]["inputs"], until=24.0, points=241)
    table = crosscheck.compare(tsz, ts, ids)
    assert table.loc["necroptotic_frac", "deviation"] > 0.5
    with pytest.raises(NecroSbmlError, match="time points"):
        crosscheck.compare(tsz, ts.iloc[::2], ids)
    with pytest.raises(NecroSbmlError) as err:
        crosscheck.compare(tsz, ts.drop(columns="viable_frac"), ids)
    assert err.value.id == "viable_frac"


def test_roundtrip_detects_a_changed_rate(exported: dict[str, Path], tmp_path: Path) -> None:
    text = exported[CELL].read_text(encoding="utf-8")
    changed = re.sub(r'(id="k_olig"[^>]*?value=")[^"]*', r"\g<1>1.9", text)
    assert changed != text
    bad = tmp_path / "changed.xml"
    bad.write_text(changed, encoding="utf-8")
    trip = crosscheck.roundtrip_run(CELL, bad, CANONICAL["TSZ"]["inputs"], 24.0)
    assert trip.loc["necroptotic_frac", "deviation"] > crosscheck.TOLERANCE


def test_scale_floors_flat_outputs() -> None:
    assert crosscheck.scale(pd.Series([0.2, 0.7, 0.4])) == pytest.approx(0.5)
    assert crosscheck.scale(pd.Series([5.0, 5.0])) == pytest.approx(5.0 * crosscheck.RELATIVE_FLOOR)
    assert crosscheck.scale(pd.Series([0.0, 0.0])) == crosscheck.ABSOLUTE_FLOOR


# ---------------------------------------------------------------- messages ---

@pytest.mark.parametrize("model", model_names())
def test_import_messages_need_no_action(model: str, exported: dict[str, Path]) -> None:
    for source in (model, exported[model]):
        messages = copasi.import_messages(source)
        assert copasi.actionable(messages) == [], [m.text for m in copasi.actionable(messages)]


@pytest.mark.parametrize("model", model_names())
def test_export_messages_need_no_action(model: str) -> None:
    copasi.export_sbml(model)
    messages = copasi.drain_messages()
    assert messages and copasi.actionable(messages) == [], [m.text for m in copasi.actionable(messages)]


def test_actionable_keeps_unknown_warnings_and_errors() -> None:
    benign = copasi.CopasiMessage("warning", 9304, "CAnnotation (4): The MIRIAM resource 'x' is unknown to COPASI.")
    unknown = copasi.CopasiMessage("warning", 6791, "SBML (7): unit mismatch in reaction R1")
    error = copasi.CopasiMessage("error", 9304, "something broke")
    trace = copasi.CopasiMessage("trace", 1, "informational")
    assert copasi.actionable([benign, unknown, error, trace]) == [unknown, error]


# ------------------------------------------------------------ .cps export ---

@pytest.mark.parametrize("model", model_names())
def test_cps_runs_its_time_course_like_roadrunner(model: str, cps_files: dict[str, Path]) -> None:
    until, intervals = copasi.time_course_of(model)
    assert copasi.actionable(copasi.import_messages(cps_files[model])) == []
    with copasi.opened(cps_files[model]) as dm:
        settings = basico.get_task_settings("Time-Course", model=dm)
        plotted = {c["name"] for p in basico.get_plots(model=dm).index for c in basico.get_plot_dict(p, model=dm)["curves"]}
        frame = copasi.run_time_course(dm, settings["problem"]["Duration"], settings["problem"]["StepNumber"] + 1)
    assert settings["scheduled"] and settings["method"]["name"] == copasi.LSODA
    assert settings["problem"]["Duration"] == until and settings["problem"]["StepNumber"] == intervals
    assert settings["method"]["Relative Tolerance"] == copasi.RELATIVE_TOLERANCE
    assert plotted and set(outputs(model)) <= plotted
    ids = crosscheck.compared_ids(model)
    reference = simulate.timecourse(model, {}, until=until, points=intervals + 1, selections=ids)
    assert crosscheck.compare(reference, frame, ids)["deviation"].max() <= crosscheck.TOLERANCE


@pytest.mark.parametrize("model", model_names())
def test_cps_has_no_unknown_miriam_resources(model: str, cps_files: dict[str, Path]) -> None:
    """Each SBO term of the SBML reaches the .cps under COPASI's own SBO URN, none under urn:miriam:unknown."""
    text = cps_files[model].read_text(encoding="utf-8")
    sbml_terms = set(re.findall(r'sboTerm="(SBO:\d{7})"', sbml_path(model).read_text(encoding="utf-8")))
    assert "urn:miriam:unknown" not in text
    assert sbml_terms <= set(re.findall(r"urn:miriam:obo\.sbo:(SBO:\d{7})", text))


def test_cps_plots_species_by_their_sbml_meaning(molar_sbml: Path, tmp_path: Path) -> None:
    with copasi.opened(copasi.save_cps(molar_sbml, tmp_path / "molar.cps")) as dm:
        channels = {c["name"]: c["channels"][1] for p in basico.get_plots(model=dm).index
                    for c in basico.get_plot_dict(p, model=dm)["curves"]}
        settings = basico.get_task_settings("Time-Course", model=dm)
    assert channels["S"].endswith("Reference=Concentration") and channels["A"].endswith("Reference=ParticleNumber")
    assert settings["problem"]["Duration"] == copasi.DEFAULT_TIME_COURSE[0]


def test_export_copasi_unknown_model_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export-copasi", "bone_model", "--output", str(tmp_path / "out")]) == 2
    assert "'bone_model'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------ steady states ---

@pytest.mark.parametrize("model", model_names())
def test_default_initial_state_is_a_steady_state(model: str) -> None:
    result = copasi.steady_state(model)
    assert result.status in ("found", "equilibrium")
    drift = result.table["rel_change"]
    assert drift.max() < 1e-6, drift.sort_values().tail()


def test_untreated_cell_is_steady_even_with_death_fractions_free() -> None:
    result = copasi.steady_state(CELL, cumulative=())
    assert result.status in ("found", "equilibrium")
    assert result.table.loc[["necroptotic_frac", "apoptotic_frac"], "kind"].eq("parameter (ode)").all()
    assert result.table["rel_change"].max() < 1e-6


def test_freezing_a_non_counter_is_refused() -> None:
    with pytest.raises(NecroSbmlError) as err:
        copasi.steady_state(CELL, cumulative=["viable_frac"])
    assert err.value.id == "viable_frac"


def test_steady_state_check_sees_a_perturbed_start() -> None:
    result = copasi.steady_state(CELL, {"TNF_ngml": 100.0})
    assert result.table.loc["TNF", "rel_change"] > 0.5  # the bolus is consumed
    assert np.isfinite(result.table["rel_change"]).all()


# ---------------------------------------------------------------------- CLI ---

def test_cli_crosscheck_writes_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crosscheck", "TSZ", "--output", str(tmp_path / "cc")]) == 0
    table = pd.read_csv(tmp_path / "cc" / "crosscheck.csv")
    assert list(table["output"]) == outputs(CELL) and set(table["condition"]) == {"TSZ"}
    assert (table[["copasi_deviation", "roundtrip_deviation"]] <= crosscheck.TOLERANCE).all().all()
    assert "| TSZ |" in (tmp_path / "cc" / "crosscheck.md").read_text(encoding="utf-8")
    assert "| TSZ |" in capsys.readouterr().out


def test_cli_crosscheck_unknown_selection(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crosscheck", "TSX", "--output", str(tmp_path / "cc")]) == 2
    err = capsys.readouterr().err
    assert "'TSX'" in err and "Fix:" in err
    assert not (tmp_path / "cc").exists()


def test_crosscheck_fails_above_tolerance(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(crosscheck, "TOLERANCE", 1e-12)
    assert main(["crosscheck", "TSZ"]) == 1
    assert "deviation above 1e-12" in capsys.readouterr().err
