"""Simulation API: fresh state per run, inputs reaching initial assignments, scans, bad inputs."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from necro_sbml.simulation import simulate
from necro_sbml.simulation.steady import steady_state
from necro_sbml.core.errors import NecroSbmlError

TSZ = {"TNF_ngml": 100.0, "Smac_uM": 1.0, "zVAD_uM": 20.0}


def test_input_reaches_species_initialised_by_initial_assignment(toy_sbml: Path) -> None:
    rr = simulate.load(toy_sbml)
    assert rr["A"] == 1000.0
    simulate.set_inputs(rr, {"A_expr": 0.25})
    assert rr["A"] == pytest.approx(250.0)
    df = simulate.timecourse(toy_sbml, {"A_expr": 0.25}, until=1.0, points=3)
    assert df["A"].iloc[0] == pytest.approx(250.0)


def test_load_returns_original_state_after_changes(toy_sbml: Path) -> None:
    rr = simulate.load(toy_sbml)
    simulate.set_inputs(rr, {"A_expr": 0.0, "k_deg": 5.0})
    rr.simulate(0, 5, 10)
    fresh = simulate.load(toy_sbml)
    assert (fresh["A"], fresh["A_expr"], fresh["k_deg"], fresh["time"]) == (1000.0, 1.0, 0.1, 0.0)


def test_dose_response_matches_single_runs(toy_sbml: Path) -> None:
    doses = [0.0, 1.0, 10.0, 0.0]
    scan = simulate.dose_response(toy_sbml, {"A_expr": 0.5}, "Drug_uM", doses, 10.0, "C_frac")
    for dose, value in zip(doses, scan["C_frac"]):
        single = simulate.timecourse(toy_sbml, {"A_expr": 0.5, "Drug_uM": dose}, until=10.0, points=11)
        assert value == pytest.approx(single["C_frac"].iloc[-1], rel=1e-6)
    assert scan["C_frac"].iloc[0] == scan["C_frac"].iloc[-1]  # back to dose 0: no memory
    assert scan["C_frac"].iloc[1] > scan["C_frac"].iloc[2]  # drug slows binding


def test_default_selections_are_species_and_rule_outputs(toy_sbml: Path) -> None:
    df = simulate.timecourse(toy_sbml, until=2.0, points=5)
    assert df.index.name == "time" and list(df.columns) == ["A", "B", "C", "C_frac"]
    assert list(df.index) == [0.0, 0.5, 1.0, 1.5, 2.0]


def test_steady_state_of_toy_is_empty(toy_sbml: Path) -> None:
    state = steady_state(toy_sbml)
    assert isinstance(state, pd.Series)
    assert state["C"] == pytest.approx(0.0, abs=1e-6)


def test_no_state_inherited_between_cell_runs() -> None:
    fresh = simulate.timecourse("necroptosis", TSZ, until=24.0, points=25)
    simulate.timecourse("necroptosis", {**TSZ, "Nec1_uM": 30.0, "RIPK3_expr": 0.5}, until=24.0, points=25)
    again = simulate.timecourse("necroptosis", TSZ, until=24.0, points=25)
    pd.testing.assert_frame_equal(fresh, again)


def test_cell_dose_scan_reuses_model_without_memory() -> None:
    scan = simulate.dose_response("necroptosis", TSZ, "Nec1_uM", [0.0, 30.0, 0.0], 24.0, ["necroptotic_frac", "viable_frac"])
    np.testing.assert_array_equal(scan.iloc[0].to_numpy(), scan.iloc[2].to_numpy())
    single = simulate.timecourse("necroptosis", {**TSZ, "Nec1_uM": 30.0}, until=24.0, points=2)
    assert scan["necroptotic_frac"].iloc[1] == pytest.approx(single["necroptotic_frac"].iloc[-1], rel=1e-6, abs=1e-12)


def test_unknown_parameter_suggests_close_match(toy_sbml: Path) -> None:
    rr = simulate.load(toy_sbml)
    with pytest.raises(NecroSbmlError) as info:
        simulate.set_inputs(rr, {"A_exp": 1.0})
    message = str(info.value)
    assert "toy.xml" in message and "'A_exp'" in message and "A_expr" in message and "necro-sbml list inputs" in message


def test_rule_defined_output_cannot_be_set(toy_sbml: Path) -> None:
    with pytest.raises(NecroSbmlError, match="'C_frac'"):
        simulate.set_inputs(simulate.load(toy_sbml), {"C_frac": 0.5})


@pytest.mark.parametrize("value, problem", [(-1.0, "negative value -1"), ("abc", "not a number"), (math.nan, "not finite"), (None, "not a number")])
def test_bad_dose_values(toy_sbml: Path, value: object, problem: str) -> None:
    with pytest.raises(NecroSbmlError, match=problem) as info:
        simulate.set_inputs(simulate.load(toy_sbml), {"Drug_uM": value})
    assert "'Drug_uM'" in str(info.value)


def test_negative_expression_rejected_but_numeric_text_accepted(toy_sbml: Path) -> None:
    rr = simulate.load(toy_sbml)
    with pytest.raises(NecroSbmlError, match="negative"):
        simulate.set_inputs(rr, {"A_expr": -0.1})
    simulate.set_inputs(rr, {"A_expr": "0.5"})
    assert rr["A"] == pytest.approx(500.0)


def test_unknown_model_name() -> None:
    with pytest.raises(NecroSbmlError, match="unknown model.*'necroptosys'.*necroptosis"):
        simulate.load("necroptosys")


def test_unknown_selection(toy_sbml: Path) -> None:
    with pytest.raises(NecroSbmlError, match="'C_fra'.*C_frac"):
        simulate.timecourse(toy_sbml, until=1.0, selections=["C_fra"])


@pytest.mark.parametrize("id_, value, ok", [("RANKL_block", 1.0, True), ("RANKL_block", 1.2, False),
                                            ("RANKL_block", -0.1, False), ("bisphosphonate", -1.0, False),
                                            ("bisphosphonate", 3.0, True), ("treatment_start_day", -5.0, False)])
def test_treatment_input_ranges(id_: str, value: float, ok: bool) -> None:
    """RANKL_block is a fraction (0-1); the other treatment inputs are >= 0: errors name the id and the range."""
    if ok:
        assert simulate.as_value(id_, value) == value
        return
    with pytest.raises(NecroSbmlError, match=rf"'{id_}'.*Fix: .*(0 to 1|>= 0)"):
        simulate.as_value(id_, value)
