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
    """A loaded model prepared for a study and an uncertainty table; runs members one after another."""

    study: Study
    uncertainty: Uncertainty
    rr: roadrunner.RoadRunner = field(init=False)
    defaults: dict[str, float] = field(init=False)
    conditions: dict[str, dict[str, float]] = field(init=False)
    settle_species: list[str] = field(init=False)
    species_defaults: dict[str, float] = field(init=False)

    def __post_init__(self) -> None:
        """Load (compile once per process), check inputs and outputs, remember the values every member resets."""
        if self.uncertainty.model != self.study.model:
            raise NecroSbmlError(f"uncertainty table is for model '{self.uncertainty.model}'", id=self.study.name,
                                 fix=f"use the {self.study.model} section of the table")
        self.rr = load(self.study.model)
        self.rr.timeCourseSelections = _check_selections(self.rr, self.study.outputs)
        self.conditions = {n: checked_inputs(self.rr, c) for n, c in self.study.conditions.items()}
        touched = set(self.uncertainty.ids).union(*[c.keys() for c in self.conditions.values()])
        self.defaults = {id_: float(self.rr[id_]) for id_ in sorted(touched)}
        self.settle_species = [s for s in self.rr.model.getFloatingSpeciesIds()
                               if s.startswith(self.uncertainty.settle_prefixes)] if self.uncertainty.settle_prefixes else []
        self.species_defaults = {s: float(self.rr[f"init({s})"]) for s in self.settle_species}

    def _apply(self, values: dict[str, float]) -> None:
        """Set initial values (parameters or species) and reset, so initial assignments follow."""
        for id_, value in values.items():
            self.rr.model.setValue(f"init({id_})", value)
        self.rr.resetAll()

    def settle(self, params: dict[str, float]) -> dict[str, float]:
        """The settle species' amounts after settle_days under the member's parameters and default inputs."""
        if not self.settle_species or self.uncertainty.settle_days <= 0:
            return {}
        self._apply({**self.defaults, **params, **self.species_defaults})
        self.rr.simulate(0.0, self.uncertainty.settle_days, 2)
        return {s: max(0.0, float(self.rr[s])) for s in self.settle_species}

    def run_params(self, member: int, params: dict[str, float]) -> MemberResult:
        """Simulate every condition under the given parameter values; a solver failure is recorded, not raised."""
        out = np.empty((len(self.conditions), self.study.points, len(self.study.outputs)))
        try:
            start = self.settle(params)
            for k, inputs in enumerate(self.conditions.values()):
                self._apply({**self.defaults, **params, **start, **inputs})
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

