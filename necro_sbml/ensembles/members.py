"""One ensemble member: a study's conditions simulated under one draw of the uncertain parameters."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import roadrunner

from necro_sbml.sedml.catalogue import load_catalogue, select
from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.simulation.simulate import _check_selections, checked_inputs, load
from necro_sbml.ensembles.uncertainty import Uncertainty, member_unit


@dataclass(frozen=True)
class Study:
    """What every member runs: conditions (name -> inputs) of one model, until, points, outputs."""

    name: str
    model: str
    conditions: dict[str, dict[str, float]]
    until: float
    points: int
    outputs: tuple[str, ...]

    @property
    def times(self) -> np.ndarray:
        """The output time points."""
        return np.linspace(0.0, self.until, self.points)


def study_from_experiment(exp_id: str, until: float | None = None) -> Study:
    """A catalogue experiment as a study (all its conditions); `until` shortens it on the same time grid."""
    exp = select([exp_id], load_catalogue())[0]
    if exp.scan is not None:
        raise NecroSbmlError("ensembles of dose scans are not supported", id=exp_id,
                             fix="choose an experiment without a scan, or list the doses as conditions")
    end, points = exp.until, exp.points
    if until is not None and not (math.isfinite(until) and 0 < until <= exp.until):
        raise NecroSbmlError(f"bad --until {until}", id=exp_id, fix=f"give a time in (0, {exp.until:g}], the experiment's end")
    if until is not None:
        step = exp.until / (exp.points - 1)
        points, end = max(2, int(round(until / step)) + 1), float(until)
    return Study(exp.id, exp.model.id, dict(exp.conditions), end, points, tuple(exp.outputs))


@dataclass
class MemberResult:
    """A member's parameters and either its trajectories (conditions x points x outputs) or the solver's message."""

    member: int
    params: dict[str, float]
    data: np.ndarray | None
    message: str = ""

    @property
    def ok(self) -> bool:
        """True when every condition integrated."""
        return self.data is not None


@dataclass
class MemberRunner:
    """A loaded model prepared for a study and an uncertainty table; runs members one after another.

    Per member: the parameters are set once, the settle species in one vector call per run, and the conditions
    change only their own inputs; one resetAll per simulation (initial assignments follow the new values).
    """

    study: Study
    uncertainty: Uncertainty
    rr: roadrunner.RoadRunner = field(init=False)
    defaults: dict[str, float] = field(init=False)
    conditions: dict[str, dict[str, float]] = field(init=False)
    settle_species: list[str] = field(init=False)
    species_defaults: dict[str, float] = field(init=False)
    condition_ids: list[str] = field(init=False)  # every id some condition sets
    species_index: np.ndarray = field(init=False)  # floating-species indices of settle_species
    species_start: np.ndarray = field(init=False)  # their initial amounts as loaded

    def __post_init__(self) -> None:
        """Load (compile once per process), check inputs and outputs, remember the values every member resets."""
        if self.uncertainty.model != self.study.model:
            raise NecroSbmlError(f"uncertainty table is for model '{self.uncertainty.model}'", id=self.study.name,
                                 fix=f"use the {self.study.model} section of the table")
        self.rr = load(self.study.model)
        self.rr.timeCourseSelections = _check_selections(self.rr, self.study.outputs)
        self.conditions = {n: checked_inputs(self.rr, c) for n, c in self.study.conditions.items()}
        self.condition_ids = sorted(set().union(*[c.keys() for c in self.conditions.values()]))
        touched = set(self.uncertainty.ids).union(self.condition_ids)
        self.defaults = {id_: float(self.rr[id_]) for id_ in sorted(touched)}
        floating = self.rr.model.getFloatingSpeciesIds()
        prefixes = self.uncertainty.settle_prefixes
        self.settle_species = [s for s in floating if s.startswith(prefixes)] if prefixes else []
        self.species_index = np.asarray([floating.index(s) for s in self.settle_species], dtype=np.int32)
        self.species_start = np.asarray(self.rr.model.getFloatingSpeciesInitAmounts(), dtype=float)[self.species_index]
        self.species_defaults = dict(zip(self.settle_species, self.species_start.tolist()))

    def _set_parameters(self, values: dict[str, float]) -> None:
        """Set global parameters' initial values (roadrunner 2.10's vector setter for them is broken in Python)."""
        for id_, value in values.items():
            self.rr.model.setValue(f"init({id_})", value)

    def _set_species(self, amounts: np.ndarray) -> None:
        """Set the settle species' initial amounts in one call."""
        if len(self.species_index):
            self.rr.model.setFloatingSpeciesInitAmounts(self.species_index, amounts)

    def settle(self) -> np.ndarray | None:
        """The settle species' amounts after settle_days under the parameters set (default inputs); None: no settling."""
        if not self.settle_species or self.uncertainty.settle_days <= 0:
            return None
        self._set_species(self.species_start)
        self.rr.resetAll()
        self.rr.simulate(0.0, self.uncertainty.settle_days, 2)
        return np.maximum(0.0, np.asarray(self.rr.model.getFloatingSpeciesAmounts(self.species_index), dtype=float))

    def run_params(self, member: int, params: dict[str, float]) -> MemberResult:
        """Simulate every condition under the given parameter values; a solver failure is recorded, not raised."""
        out = np.empty((len(self.conditions), self.study.points, len(self.study.outputs)))
        base = {**self.defaults, **params}
        try:
            self._set_parameters(base)
            settled = self.settle()
            if settled is not None:
                self._set_species(settled)
            for k, inputs in enumerate(self.conditions.values()):
                self._set_parameters({id_: inputs.get(id_, base[id_]) for id_ in self.condition_ids})
                self.rr.resetAll()
                data = np.asarray(self.rr.simulate(0.0, self.study.until, self.study.points))
                out[k] = data[:, 1:]
        except RuntimeError as err:
            return MemberResult(member, params, None, " ".join(str(err).split())[:500])
        if not np.isfinite(out).all():
            return MemberResult(member, params, None, "non-finite values in the solution")
        return MemberResult(member, params, out)

    def run_member(self, seed: int, member: int) -> MemberResult:
        """Member `member` of the ensemble with this seed (its draw depends only on seed and member)."""
        unit = member_unit(seed, member, len(self.uncertainty.factors))
        return self.run_params(member, self.uncertainty.values(unit))


def quiet_solver_log() -> None:
    """Keep CVODE's warnings of failing members off stderr (their messages are recorded instead)."""
    roadrunner.Logger.setLevel(roadrunner.Logger.LOG_FATAL)

