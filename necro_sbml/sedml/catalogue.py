"""The experiment catalogue (experiments/catalogue.toml): models, named treatments and experiments."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from necro_sbml.core import files
from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.simulation.parameter_sets import parameter_set, parameter_set_names
from necro_sbml.core.paths import EXPERIMENTS_DIR

CATALOGUE: Path = EXPERIMENTS_DIR / "catalogue.toml"
SID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
EXPERIMENT_KEYS = {"id", "model", "title", "description", "source", "until", "points", "outputs", "conditions", "scan"}


@dataclass(frozen=True)
class ModelEntry:
    """A model the experiments may use: its SED-ML source (relative to experiments/) and time unit."""

    id: str
    source: str
    time_unit: str


@dataclass(frozen=True)
class Scan:
    """A repeatedTask over one global parameter: log/uniform range or explicit values."""

    parameter: str
    range: str  # "log", "uniform" or "vector"
    start: float = 0.0
    end: float = 0.0
    points: int = 0
    values: tuple[float, ...] = ()

    def grid(self) -> np.ndarray:
        """The parameter values visited, in order."""
        if self.range == "vector":
            return np.asarray(self.values, dtype=float)
        if self.range == "log":
            return np.logspace(np.log10(self.start), np.log10(self.end), self.points)
        return np.linspace(self.start, self.end, self.points)


@dataclass(frozen=True)
class Experiment:
    """One experiment: conditions (name -> inputs) simulated for `until` model time units."""

    id: str
    model: ModelEntry
    title: str
    description: str
    source: tuple[str, ...]
    until: float
    points: int
    outputs: tuple[str, ...]
    conditions: dict[str, dict[str, float]] = field(default_factory=dict)
    scan: Scan | None = None

    @property
    def path(self) -> Path:
        """The SED-ML file of this experiment."""
        return EXPERIMENTS_DIR / f"{self.id}.sedml"


def _fail(problem: str, path: Path, id_: str | None, fix: str) -> NecroSbmlError:
    """A catalogue error naming the file and entry."""
    return NecroSbmlError(problem, file=path, id=id_, fix=fix)


def read_toml(path: Path) -> dict:
    """Parse a TOML file, as a NecroSbmlError when missing or invalid."""
    return files.read_toml(path)


def _condition(name: str, spec: dict, treatments: dict, path: Path, exp_id: str) -> dict[str, float]:
    """Inputs of one condition: its named treatments merged in order, then its own values."""
    if not SID.match(name):
        raise _fail("condition name is not a valid SED-ML id", path, name, "use letters, digits and _ only")
    inputs: dict[str, float] = {}
    for treatment in spec.get("with", []):
        if treatment not in treatments:
            raise _fail(f"unknown treatment in experiment {exp_id}", path, treatment,
                        f"use one of: {', '.join(sorted(treatments))}")
        inputs.update(treatments[treatment])
    inputs.update({k: float(v) for k, v in spec.items() if k != "with"})
    return inputs


def _scan(entry: dict | None, path: Path, exp_id: str) -> Scan | None:
    """The optional scan of an experiment."""
    if entry is None:
        return None
    if "values" in entry:
        return Scan(entry["parameter"], "vector", values=tuple(float(v) for v in entry["values"]))
    kind = entry.get("range", "uniform")
    if kind not in ("log", "uniform") or not {"parameter", "start", "end", "points"} <= entry.keys():
        raise _fail("bad scan", path, exp_id,
                    "write scan = {parameter, range = 'log'|'uniform', start, end, points} or {parameter, values}")
    if kind == "log" and min(entry["start"], entry["end"]) <= 0:
        raise _fail("log scan needs positive start and end", path, exp_id, "use start > 0")
    return Scan(entry["parameter"], kind, float(entry["start"]), float(entry["end"]), int(entry["points"]))


def _experiment(entry: dict, models: dict[str, ModelEntry], treatments: dict, path: Path) -> Experiment:
    """Parse one [[experiments]] entry."""
    exp_id = str(entry.get("id", ""))
    if not SID.match(exp_id):
        raise _fail("experiment id missing or not a valid SED-ML id", path, exp_id or None, "use letters, digits and _")
    unknown = set(entry) - EXPERIMENT_KEYS
    missing = {"model", "title", "description", "source", "until", "points", "outputs", "conditions"} - set(entry)
    if unknown or missing:
        raise _fail(f"unknown keys {sorted(unknown)} / missing keys {sorted(missing)}", path, exp_id,
                    f"use the keys {', '.join(sorted(EXPERIMENT_KEYS))}")
    if entry["model"] not in models:
        raise _fail("unknown model", path, entry["model"], f"add [models.{entry['model']}] or use {', '.join(models)}")
    model_treatments = treatments.get(entry["model"], {})
    conditions = {n: _condition(n, s, model_treatments, path, exp_id) for n, s in entry["conditions"].items()}
    return Experiment(
        id=exp_id, model=models[entry["model"]], title=entry["title"], description=entry["description"],
        source=tuple(s.strip() for s in entry["source"].split(";") if s.strip()),
        until=float(entry["until"]), points=int(entry["points"]), outputs=tuple(entry["outputs"]),
        conditions=conditions, scan=_scan(entry.get("scan"), path, exp_id),
    )


def _treatments(data: dict) -> dict[str, dict[str, dict[str, float]]]:
    """Named treatments by model (catalogue [treatments.<model>] plus the documented parameter sets)."""
    treatments = {m: {t: {k: float(v) for k, v in ins.items()} for t, ins in ts.items()}
                  for m, ts in data.get("treatments", {}).items()}
    for name in parameter_set_names():  # documented parameter sets are treatments of their model too
        model, values = parameter_set(name)
        treatments.setdefault(model, {})[name] = values
    return treatments


def named_treatments(path: Path = CATALOGUE) -> dict[str, dict[str, dict[str, float]]]:
    """model -> treatment name -> inputs by SBML id, as `simulate --condition NAME` uses them."""
    return _treatments(read_toml(path))


def _models(data: dict) -> dict[str, ModelEntry]:
    """The models a parsed catalogue declares (SED-ML source and time unit), by id."""
    return {k: ModelEntry(k, v["source"], v["time_unit"]) for k, v in data.get("models", {}).items()}


def load_catalogue(path: Path = CATALOGUE) -> dict[str, Experiment]:
    """All experiments of the catalogue, by id, in file order."""
    data = read_toml(path)
    models = _models(data)
    treatments = _treatments(data)
    experiments: dict[str, Experiment] = {}
    for entry in data.get("experiments", []):
        exp = _experiment(entry, models, treatments, path)
        if exp.id in experiments:
            raise _fail("duplicate experiment id", path, exp.id, "give every experiment its own id")
        experiments[exp.id] = exp
    return experiments


def select(ids: list[str], catalogue: dict[str, Experiment]) -> list[Experiment]:
    """The experiments named by ids ('all' or none = every one), unknown ids as an error."""
    if not ids or ids == ["all"]:
        return list(catalogue.values())
    unknown = [i for i in ids if i not in catalogue]
    if unknown:
        raise NecroSbmlError("unknown experiment", file=CATALOGUE, id=unknown[0],
                             fix=f"use 'all' or one of: {', '.join(catalogue)}")
    return [catalogue[i] for i in ids]
