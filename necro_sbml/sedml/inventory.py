"""What the package holds, as tables: models, inputs, outputs, named conditions, experiments, parameter sets."""

from __future__ import annotations

import tomllib

import pandas as pd

from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.interface import INTERFACE, TIME_UNIT
from necro_sbml.core.paths import SBML_DIR, model_names
from necro_sbml.sedml.catalogue import load_catalogue, named_treatments
from necro_sbml.simulation.conditions import CANONICAL
from necro_sbml.simulation.parameter_sets import PARAMETER_SETS

KINDS = ("models", "inputs", "outputs", "conditions", "experiments", "parameter-sets")


def models() -> pd.DataFrame:
    """Every compiled model: id, time unit, number of public inputs and outputs, SBML file."""
    names = sorted({p.stem for p in SBML_DIR.glob("*.xml")} | set(model_names()))
    rows = [{"model": n, "time_unit": TIME_UNIT.get(n, ""),
             "inputs": sum(i.kind == "input" for i in INTERFACE.get(n, [])),
             "outputs": sum(i.kind == "output" for i in INTERFACE.get(n, [])),
             "sbml": (SBML_DIR / f"{n}.xml").name} for n in names]
    return pd.DataFrame(rows)


def _check_model(model: str | None) -> list[str]:
    """The models to list: one (checked) or all with an interface."""
    if model is None:
        return list(INTERFACE)
    if model not in INTERFACE:
        raise NecroSbmlError("model has no public interface", id=model, fix=f"use one of: {', '.join(INTERFACE)}")
    return [model]


def interface_ids(kind: str, model: str | None = None) -> pd.DataFrame:
    """Public inputs (kind 'input', with defaults) or outputs ('output') with units and meaning."""
    rows = [{"model": m, "id": i.id, "default": i.default, "unit": i.unit, "meaning": i.meaning}
            for m in _check_model(model) for i in INTERFACE[m] if i.kind == kind]
    frame = pd.DataFrame(rows)
    return frame.drop(columns="default") if kind == "output" else frame


def named_conditions() -> dict[str, dict[str, dict[str, float]]]:
    """model -> name -> inputs: the catalogue's treatments, the parameter sets and the cell report's conditions."""
    table = named_treatments()
    cell = table.setdefault("necroptosis", {})
    for name, spec in CANONICAL.items():
        cell.setdefault(name, dict(spec["inputs"]))
    return table


def conditions(model: str | None = None) -> pd.DataFrame:
    """Named conditions (`simulate --condition NAME`) with their inputs by SBML id."""
    rows = [{"model": m, "condition": name, "inputs": ", ".join(f"{k}={v:g}" for k, v in inputs.items()) or "(defaults)"}
            for m, table in named_conditions().items() if model in (None, m) for name, inputs in table.items()]
    return pd.DataFrame(rows)


def experiments() -> pd.DataFrame:
    """The SED-ML experiments of the catalogue: id, model, duration and title."""
    rows = [{"id": e.id, "model": e.model.id, "until": f"{e.until:g} {e.model.time_unit}", "title": e.title}
            for e in load_catalogue().values()]
    return pd.DataFrame(rows)


def parameter_sets() -> pd.DataFrame:
    """The documented parameter sets: name, model, number of values and the first line of the description."""
    table = tomllib.loads(PARAMETER_SETS.read_text(encoding="utf-8"))
    rows = [{"name": n, "model": e["model"], "values": len(e.get("values", {})),
             "description": e.get("description", "").strip().splitlines()[0] if e.get("description") else ""}
            for n, e in sorted(table.items())]
    return pd.DataFrame(rows)


def listing(kind: str, model: str | None = None) -> pd.DataFrame:
    """One of the tables of KINDS, optionally for one model."""
    if kind == "models":
        return models()
    if kind in ("inputs", "outputs"):
        return interface_ids(kind[:-1], model)
    if kind == "conditions":
        return conditions(model)
    if kind == "experiments":
        frame = experiments()
        return frame if model is None else frame[frame["model"] == model]
    if kind == "parameter-sets":
        return parameter_sets()
    raise NecroSbmlError("unknown list", id=kind, fix=f"use one of: {', '.join(KINDS)}")


def condition_inputs(model: str, name: str) -> dict[str, float]:
    """The inputs of a named condition of a model, unknown names as an error listing the choices."""
    table = named_conditions().get(model, {})
    if name not in table:
        raise NecroSbmlError("unknown condition", id=name,
                             fix=f"use one of: {', '.join(table) or '(none for this model)'} (`necro-sbml list conditions`)")
    return dict(table[name])
