"""steady_state on the real models agrees with the end of a long time course (counters frozen, moieties handled)."""

from __future__ import annotations

import numpy as np
import pytest

from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.simulation.simulate import timecourse
from necro_sbml.simulation.steady import steady_state

TSZ = {"TNF_ngml": 100.0, "Smac_uM": 1.0, "zVAD_uM": 20.0}
# (model, inputs, long horizon in model time units): weeks for the cell, decades for bone.
CASES = [
    ("necroptosis", {}, 2000.0),
    ("necroptosis", TSZ, 2000.0),
    ("necroptosis", {"TNF_ngml": 10.0}, 2000.0),
    ("bone_remodelling", {}, 20000.0),
    ("bone_remodelling", {"estrogen_target": 0.1}, 20000.0),
    ("osteoporosis", {}, 20000.0),
    ("osteoporosis", {"estrogen_target": 0.1}, 20000.0),
]


@pytest.mark.parametrize("model,inputs,horizon", CASES, ids=lambda v: str(v))
def test_steady_state_matches_the_end_of_a_long_time_course(model: str, inputs: dict, horizon: float) -> None:
    state = steady_state(model, inputs)
    ids = list(state.index)
    end = timecourse(model, inputs, until=horizon, points=3, selections=ids).iloc[-1]
    scale = np.maximum(np.abs(end.to_numpy()), 1e-6 * max(1.0, float(np.abs(end).max())))
    worst = np.abs(state.to_numpy() - end.to_numpy()) / scale
    assert worst.max() < 1e-3, f"{ids[int(worst.argmax())]}: steady {state.iloc[int(worst.argmax())]} vs time course {end.iloc[int(worst.argmax())]}"


def test_cell_counters_are_excluded_and_listed() -> None:
    state = steady_state("necroptosis", TSZ)
    assert {"necroptotic_frac", "apoptotic_frac", "viable_frac"} <= set(state.attrs["excluded"])
    assert "necroptotic_frac" not in state.index and "pMLKL_frac" in state.index
    assert state.attrs["units"]["pMLKL_frac"] == "dimensionless"


def test_tsz_steady_state_has_phosphorylated_mlkl_and_the_resting_cell_none() -> None:
    rest, tsz = steady_state("necroptosis"), steady_state("necroptosis", TSZ)
    assert rest["pMLKL_frac"] < 1e-6 and rest["MLKL_membrane_frac"] < 1e-6
    assert tsz["pMLKL_frac"] > 0.05 and tsz["MLKL_membrane_frac"] > 0.01
    assert tsz["casp8_active_frac"] < 1e-6  # zVAD blocks caspase-8


def test_freezing_a_species_is_refused() -> None:
    with pytest.raises(NecroSbmlError, match="rate-rule"):
        steady_state("necroptosis", frozen=["pMLKL_frac"])
