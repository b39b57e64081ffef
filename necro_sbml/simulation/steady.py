"""Steady states of the real models: cumulative counters frozen, conservation laws eliminated, checked by rates."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

import libsbml
import numpy as np
import pandas as pd
import roadrunner

from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.interface import CUMULATIVE
from necro_sbml.simulation.simulate import (
    ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE, default_selections, resolve_sbml, set_inputs, units_for,
)

# Model time units simulated before Newton's method (hours for the cell: weeks; days for bone: decades).
PRESIMULATION = 1e4
# A state is steady when CHECK_SPAN more time units move no value by more than CHANGE_TOLERANCE (relative;
# values below RATE_FLOOR x the largest one are compared on that floor).
CHECK_SPAN = 1e3
CHANGE_TOLERANCE = 1e-6
RATE_FLOOR = 1e-9

# sha256 of the frozen SBML -> serialised RoadRunner state with conserved-moiety analysis on.
_COMPILED: dict[str, bytes] = {}


def frozen_sbml(path: Path, frozen: Sequence[str]) -> str:
    """The SBML text with the rate rules of `frozen` removed: each counter held constant at its initial value."""
    document = libsbml.readSBMLFromFile(str(path))
    model = document.getModel()
    for id_ in frozen:
        parameter = model.getParameter(id_) if model is not None else None
        if parameter is None or model.getRateRule(id_) is None:
            raise NecroSbmlError("not a rate-rule parameter of the model", file=path, id=id_,
                                 fix="freeze only cumulative counters (parameters defined by a rate rule)")
        model.removeRuleByVariable(id_)
        parameter.setConstant(True)
    return libsbml.writeSBMLToString(document)


def _runner(sbml: str) -> roadrunner.RoadRunner:
    """A RoadRunner for the SBML text with conserved moieties eliminated (compiled once per process)."""
    key = hashlib.sha256(sbml.encode("utf-8")).hexdigest()
    if key not in _COMPILED:
        rr = roadrunner.RoadRunner(sbml)
        rr.conservedMoietyAnalysis = True  # conservation laws make the full Jacobian singular
        _COMPILED[key] = rr.saveStateS()
    rr = roadrunner.RoadRunner()
    rr.loadStateS(_COMPILED[key])
    rr.integrator.relative_tolerance = RELATIVE_TOLERANCE
    rr.integrator.absolute_tolerance = ABSOLUTE_TOLERANCE
    return rr


def depends_on(path: Path, ids: Sequence[str]) -> list[str]:
    """Assignment-rule variables whose formula uses any of ids, directly or through other assignment rules."""
    model = libsbml.readSBMLFromFile(str(path)).getModel()
    rules = {r.getVariable(): r.getMath() for r in model.getListOfRules() if r.isAssignment() and r.getMath()}
    names = {v: _names(math) for v, math in rules.items()}
    found, frontier = set(), set(ids)
    while frontier:
        frontier = {v for v, used in names.items() if used & frontier and v not in found}
        found |= frontier
    return sorted(found)


def _names(math: libsbml.ASTNode) -> set[str]:
    """The ids a formula refers to."""
    own = {math.getName()} if math.isName() else set()
    return own.union(*(_names(math.getChild(i)) for i in range(math.getNumChildren())))


def _values(rr: roadrunner.RoadRunner, ids: Sequence[str]) -> np.ndarray:
    """Current values of ids."""
    return np.array([rr.getValue(i) for i in ids], dtype=float)


def _unchanged(before: np.ndarray, after: np.ndarray) -> bool:
    """True when no value moved by more than the tolerance (relative, floored at the largest value's scale)."""
    scale = np.maximum(np.abs(before), RATE_FLOOR * max(1.0, float(np.abs(before).max(initial=0.0))))
    return bool(np.all(np.abs(after - before) <= CHANGE_TOLERANCE * scale))


def _solve(rr: roadrunner.RoadRunner, source: Path, ids: Sequence[str]) -> np.ndarray:
    """Values of ids at the steady state the dynamics reach: a long presimulation, then Newton's method to polish.

    Presimulating first matters: the cell model is bistable, and Newton's method from the initial state can land
    on the unstable or the other branch. The result is checked by simulating on from it: nothing may move."""
    rr.resetAll()
    try:
        rr.simulate(0.0, PRESIMULATION, 2)
        rr.getSteadyStateSolver().setValue("allow_presimulation", False)
        try:
            rr.steadyState()
        except RuntimeError:
            pass  # Newton could not polish: the presimulated state counts when it does not move
        state = _values(rr, ids)
        rr.simulate(PRESIMULATION, PRESIMULATION + CHECK_SPAN, 2)
    except RuntimeError as err:
        raise NecroSbmlError(f"simulation failed: {err}", file=source, fix="check the inputs") from err
    if not _unchanged(state, _values(rr, ids)):
        raise NecroSbmlError(f"no steady state within {PRESIMULATION:g} time units (the state keeps moving)",
                             file=source, fix="simulate a time course instead (necro_sbml.timecourse)")
    return state


def steady_state(
    model: str | Path, inputs: Mapping[str, object] | None = None, frozen: Sequence[str] | None = None,
) -> pd.Series:
    """The steady state (species and rule-defined parameters) under inputs, with cumulative counters frozen.

    Counters (core/interface.py CUMULATIVE, or `frozen`) and the assignment rules built on them (e.g.
    viable_frac) have no steady state of their own and are left out; `attrs["excluded"]` lists them and
    `attrs["units"]` gives every value's unit."""
    path = resolve_sbml(model)
    counters = tuple(CUMULATIVE.get(path.stem, ()) if frozen is None else frozen)
    rr = _runner(frozen_sbml(path, counters))
    rr.necro_source = str(path)
    set_inputs(rr, inputs or {})
    excluded = set(counters) | set(depends_on(path, counters))
    ids = [i for i in default_selections(rr)[1:] if i not in excluded]
    state = pd.Series(_solve(rr, path, ids), index=ids, name="steady_state")
    state.attrs["units"] = units_for(path, ids)
    state.attrs["excluded"] = sorted(excluded)
    return state
