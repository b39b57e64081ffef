"""COPASI inputs set through the COPASI API (one updateInitialValues) equal basico's one-at-a-time path exactly."""

from __future__ import annotations

import basico
import COPASI

from necro_sbml.exchange import copasi

# Inputs that change species and parameters set by initial assignments (TNF bolus, cIAP at its Smac steady state).
INPUTS = {"TNF_ngml": 100.0, "Smac_uM": 1.0, "A20_expr": 0.5, "RIPK3_expr": 2.0, "zVAD_uM": 20.0}


def initial_values(dm: COPASI.CDataModel) -> dict[str, float]:
    """Every species' and global quantity's initial value, by SBML id."""
    model = dm.getModel()
    entities = [model.getMetabolites().get(i) for i in range(model.getMetabolites().size())]
    entities += [model.getModelValues().get(i) for i in range(model.getModelValues().size())]
    return {e.getSBMLId(): e.getInitialValue() for e in entities}


def test_api_inputs_equal_basico_set_parameters() -> None:
    with copasi.opened("necroptosis") as dm:
        default = initial_values(dm)
        copasi.set_inputs(dm, INPUTS)
        api = initial_values(dm)
    with copasi.opened("necroptosis") as dm:
        fixed = copasi.fixed_parameters(dm)
        for id_, value in INPUTS.items():
            basico.set_parameters(fixed[id_].getObjectName(), exact=True, initial_value=value, model=dm)
        reference = initial_values(dm)
    assert api == reference
    changed = {k for k in api if api[k] != default[k]}
    assert set(INPUTS) < changed and {"TNF", "cIAP"} <= changed  # initial assignments followed
