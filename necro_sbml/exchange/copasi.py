"""COPASI through basico: load SBML, its messages, inputs by SBML id, LSODA time courses, steady states, exports."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import basico
import COPASI
import libsbml
import numpy as np
import pandas as pd

from necro_sbml.core.atomic import atomic_output_dir
from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.interface import CUMULATIVE, INTERFACE, LIST_HINT
from necro_sbml.core.paths import model_names
from necro_sbml.simulation.simulate import as_value, resolve_sbml

RELATIVE_TOLERANCE = 1e-10
ABSOLUTE_TOLERANCE = 1e-12  # in model units (molecules for the cell model): far below any signal
MAX_STEPS = 1_000_000
LSODA = "Deterministic (LSODA)"

# Time course per model: (duration in model time units, output intervals).
TIME_COURSES: dict[str, tuple[float, int]] = {"necroptosis": (24.0, 240), "osteoporosis": (730.0, 730)}
DEFAULT_TIME_COURSE = (100.0, 100)

SEVERITY = {
    COPASI.CCopasiMessage.RAW: "raw", COPASI.CCopasiMessage.TRACE: "trace",
    COPASI.CCopasiMessage.COMMANDLINE: "commandline", COPASI.CCopasiMessage.WARNING: "warning",
    COPASI.CCopasiMessage.ERROR: "error", COPASI.CCopasiMessage.EXCEPTION: "exception",
}
ACTIONABLE_SEVERITIES = frozenset({"warning", "error", "exception"})

# (message number, text pattern, why nobody needs to act on it)
BENIGN_MESSAGES: tuple[tuple[int, str, str], ...] = (
    (9304, r"The MIRIAM resource '.*' is unknown to COPASI",
     "COPASI's bundled MIRIAM registry predates identifiers.org prefix:accession URIs "
     "(uniprot:, GO:, CL:, taxonomy:, doi:); annotations do not enter the mathematics"),
    (6791, r"The default (area|length) unit has not been set",
     "the models have only volume compartments, so area and length units are never used"),
    (8305, r"No output file defined for report of task",
     "results are collected in memory by basico, not written to a report file"),
    (6724, r"Units for some compartments were ignored.*\s*Compartments: ((ocy|obl|ocl)__cell(, )?)+$",
     "the tissue's signalling-instance cells are sized in pL while the model volume unit is mm^3; COPASI shows "
     "one volume unit, and these compartments hold amount-only species whose rates never use the volume"),
)


@dataclass(frozen=True)
class CopasiMessage:
    """One entry of COPASI's message queue."""

    severity: str
    number: int
    text: str


@dataclass(frozen=True)
class SteadyState:
    """COPASI's steady-state result and, per state variable and rule value, initial vs steady value."""

    status: str
    table: pd.DataFrame


def model_id(model: str | Path) -> str:
    """The model id of a model name or SBML path (the file stem)."""
    return Path(model).stem if Path(model).suffix else str(model)


def time_course_of(model: str | Path) -> tuple[float, int]:
    """The (duration, intervals) of a model's standard time course."""
    return TIME_COURSES.get(model_id(model), DEFAULT_TIME_COURSE)


def drain_messages() -> list[CopasiMessage]:
    """Empty COPASI's message queue and return its messages, oldest first."""
    messages = []
    while COPASI.CCopasiMessage.size() > 0:
        msg = COPASI.CCopasiMessage.getFirstMessage()
        text = msg.getText().split("\n", 1)[-1].strip()  # drop the ">WARNING <date><" header line
        messages.append(CopasiMessage(SEVERITY.get(msg.getType() & 127, str(msg.getType())), msg.getNumber(), text))
    return messages


def is_benign(message: CopasiMessage) -> bool:
    """True for a message listed in BENIGN_MESSAGES."""
    return any(message.number == n and re.search(p, message.text) for n, p, _ in BENIGN_MESSAGES)


def actionable(messages: Sequence[CopasiMessage]) -> list[CopasiMessage]:
    """The warnings, errors and exceptions that are not known to be benign."""
    return [m for m in messages if m.severity in ACTIONABLE_SEVERITIES and not is_benign(m)]


@contextmanager
def opened(model: str | Path) -> Iterator[COPASI.CDataModel]:
    """The model's SBML imported into a fresh COPASI data model, removed again on exit."""
    path = resolve_sbml(model)
    drain_messages()
    dm = basico.load_model(str(path.resolve()))
    if dm is None:
        detail = "; ".join(m.text for m in actionable(drain_messages()))[:500]
        raise NecroSbmlError(f"COPASI could not import the SBML: {detail}", file=path, fix="run `necro-sbml validate` on it")
    try:
        yield dm
    finally:
        basico.remove_datamodel(dm)


def import_messages(model: str | Path) -> list[CopasiMessage]:
    """COPASI's messages while importing a model's SBML."""
    with opened(model):
        return drain_messages()


def fixed_parameters(dm: COPASI.CDataModel) -> dict[str, COPASI.CModelValue]:
    """Global parameters not defined by a rule, by SBML id."""
    values = dm.getModel().getModelValues()
    params = (values.get(i) for i in range(values.size()))
    return {p.getSBMLId(): p for p in params if p.getStatus() == COPASI.CModelEntity.Status_FIXED}


def set_inputs(dm: COPASI.CDataModel, inputs: Mapping[str, object]) -> None:
    """Set global parameters' initial values by SBML id; initial assignments that use them are re-evaluated.

    Through the COPASI API with one CModel.updateInitialValues for all of them (basico.set_parameters scans every
    parameter in Python per id and updates after each one).
    """
    fixed = fixed_parameters(dm)
    changed = COPASI.ObjectStdVector()
    for id_, value in inputs.items():
        if id_ not in fixed:
            close = difflib.get_close_matches(id_, sorted(fixed), n=3)
            raise NecroSbmlError(
                "not an input parameter of the model", file=dm.getFileName() or None, id=id_,
                fix=(f"did you mean {', '.join(close)}? " if close else "") + LIST_HINT,
            )
        fixed[id_].setInitialValue(as_value(id_, value))
        changed.append(fixed[id_].getInitialValueReference())
    if len(inputs):  # re-evaluates every initial assignment depending on them (tests/exchange/test_copasi.py)
        dm.getModel().updateInitialValues(changed)


def _display_name_to_sbml_id(dm: COPASI.CDataModel) -> dict[str, str]:
    """SBML ids by COPASI display name (time series of a loaded .cps are titled by display name)."""
    frames = (basico.get_species(model=dm), basico.get_parameters(model=dm))
    return {name: sid for f in frames if f is not None for name, sid in zip(f["display_name"], f["sbml_id"]) if sid}


def run_time_course(dm: COPASI.CDataModel, until: float, points: int) -> pd.DataFrame:
    """LSODA time course from the initial values; SBML-id columns, species as amounts (like roadrunner's `S`)."""
    if not (np.isfinite(until) and until > 0) or points < 2:
        raise NecroSbmlError(f"bad time span until={until}, points={points}", fix="use until > 0 and points >= 2")
    frame = basico.run_time_course(
        model=dm, duration=float(until), intervals=int(points) - 1, automatic=False, method="lsoda",
        r_tol=RELATIVE_TOLERANCE, a_tol=ABSOLUTE_TOLERANCE, max_steps=MAX_STEPS,
        use_initial_values=True, use_sbml_id=True, use_numbers=True,
    )
    frame = frame.rename(columns=_display_name_to_sbml_id(dm))
    species = [c for c in basico.get_species(model=dm)["sbml_id"] if c in frame.columns]
    frame[species] = frame[species] / dm.getModel().getQuantity2NumberFactor()  # particle numbers -> amounts
    if len(frame) != points or not np.isfinite(frame.to_numpy()).all():
        detail = "; ".join(m.text for m in actionable(drain_messages()))[:500]
        raise NecroSbmlError(f"COPASI time course failed: {detail}", file=dm.getFileName() or None, fix="check the inputs")
    frame.index = frame.index.rename("time")
    return frame


def timecourse(
    model: str | Path, inputs: Mapping[str, object] | None = None, until: float = 24.0, points: int = 241,
) -> pd.DataFrame:
    """Simulate a model (SBML, or a .cps file) in COPASI under inputs given by SBML id."""
    with opened(model) as dm:
        set_inputs(dm, inputs or {})
        return run_time_course(dm, until, points)


def _state_table(dm: COPASI.CDataModel) -> pd.DataFrame:
    """Initial and current value of every species (amount) and every rule-defined global parameter."""
    species = basico.get_species(model=dm)
    per_amount = dm.getModel().getQuantity2NumberFactor()
    params = basico.get_parameters(model=dm)
    params = params[params["type"] != "fixed"]
    rows = [("species", s, a / per_amount, b / per_amount)
            for s, a, b in zip(species["sbml_id"], species["initial_particle_number"], species["particle_number"])]
    rows += [(f"parameter ({t})", s, a, b) for s, t, a, b in zip(params["sbml_id"], params["type"], params["initial_value"], params["value"])]
    return pd.DataFrame(rows, columns=["kind", "id", "initial", "steady"]).set_index("id")


def freeze(dm: COPASI.CDataModel, ids: Sequence[str]) -> None:
    """Turn rate-rule parameters (cumulative counters) into constants at their initial value."""
    params = basico.get_parameters(model=dm)
    for id_ in ids:
        rows = params[(params["sbml_id"] == id_) & (params["type"] == "ode")]
        if rows.empty:
            raise NecroSbmlError("not a rate-rule parameter of the model", id=id_, fix="list only cumulative (rate-rule) parameters")
        basico.set_parameters(rows.index[0], exact=True, status="fixed", model=dm)


def steady_state(
    model: str | Path, inputs: Mapping[str, object] | None = None, cumulative: Sequence[str] | None = None,
    floor: float = 1e-12,
) -> SteadyState:
    """COPASI's steady-state task from the initial state (cumulative counters frozen); change of every quantity."""
    statuses = {0: "not found", 1: "found", 2: "equilibrium", 3: "found with negative values"}
    frozen = CUMULATIVE.get(model_id(model), ()) if cumulative is None else tuple(cumulative)
    with opened(model) as dm:
        set_inputs(dm, inputs or {})
        freeze(dm, frozen)
        # Rates, not Newton distance: frozen counters make the Jacobian singular, so Newton's distance test fails.
        basico.set_task_settings("Steady-State", {"method": {"Target Criterion": "Rate"}}, model=dm)
        status = basico.run_steadystate(model=dm, use_initial_values=True)
        table = _state_table(dm)
    table["abs_change"] = (table["steady"] - table["initial"]).abs()
    table["rel_change"] = table["abs_change"] / np.maximum(table["initial"].abs(), floor)
    return SteadyState(statuses.get(status, str(status)), table)


def export_sbml(model: str | Path) -> str:
    """The model as COPASI exports it: SBML Level 3 Version 2 text."""
    with opened(model) as dm:
        text = basico.save_model_to_string(type="sbml", sbml_level=3, sbml_version=2, model=dm)
    if not text:
        raise NecroSbmlError("COPASI could not export SBML", file=resolve_sbml(model), fix="see COPASI's messages")
    return text


def _plot_groups(model: str | Path) -> dict[str, list[str]]:
    """Interface outputs grouped by unit (one plot each); empty when the model has no interface."""
    groups: dict[str, list[str]] = {}
    for item in INTERFACE.get(model_id(model), []):
        if item.kind == "output":
            groups.setdefault(item.unit, []).append(item.id)
    return groups


def _substance_only(model: str | Path) -> set[str]:
    """Ids of the species the SBML declares with hasOnlySubstanceUnits (their value is an amount)."""
    document = libsbml.readSBMLFromFile(str(resolve_sbml(model)))
    species = document.getModel().getListOfSpecies() if document.getModel() else []
    return {s.getId() for s in species if s.getHasOnlySubstanceUnits()}


def _value_cn(dm: COPASI.CDataModel, id_: str, amounts: set[str]) -> str:
    """The COPASI common name of a parameter's value or a species' SBML value (concentration, or amount)."""
    model = dm.getModel()
    values, metabolites = model.getModelValues(), model.getMetabolites()
    for i in range(values.size()):
        if values.get(i).getSBMLId() == id_:
            return values.get(i).getValueReference().getCN().getString()
    for i in range(metabolites.size()):
        metab = metabolites.get(i)
        if metab.getSBMLId() == id_:
            # COPASI's species value is a particle number: the amount when the substance unit is `item`.
            ref = metab.getValueReference() if id_ in amounts else metab.getConcentrationReference()
            return ref.getCN().getString()
    raise NecroSbmlError("no such species or parameter in the model", id=id_, fix="run `necro-sbml list outputs` or see README.md's interface table")


def _add_plots(dm: COPASI.CDataModel, model: str | Path) -> list[str]:
    """One time-course plot per output unit; returns the plot names."""
    groups = _plot_groups(model) or {"species": list(basico.get_species(model=dm)["sbml_id"])}
    amounts = _substance_only(model)
    time_cn = dm.getModel().getValueReference().getCN().getString()
    names = []
    for unit, ids in groups.items():
        name = f"{model_id(model)}: outputs in {unit}"
        curves = [{"name": id_, "type": "curve2d", "channels": [time_cn, _value_cn(dm, id_, amounts)]} for id_ in ids]
        basico.add_plot(name, curves=curves, tasks="Time-Course", model=dm)
        names.append(name)
    return names


def setup_time_course(dm: COPASI.CDataModel, until: float, intervals: int) -> None:
    """Schedule the Time-Course task: duration, intervals, LSODA with the package's tolerances."""
    basico.set_task_settings("Time-Course", {
        "scheduled": True, "update_model": False,
        "problem": {"Duration": float(until), "StepNumber": int(intervals), "AutomaticStepSize": False, "OutputStartTime": 0.0},
        "method": {"name": LSODA, "Relative Tolerance": RELATIVE_TOLERANCE, "Absolute Tolerance": ABSOLUTE_TOLERANCE,
                   "Max Internal Steps": MAX_STEPS},
    }, model=dm)


def save_cps(model: str | Path, path: Path) -> Path:
    """Save a COPASI file of the model with its time course and output plots ready to Run."""
    until, intervals = time_course_of(model)
    with opened(model) as dm:
        setup_time_course(dm, until, intervals)
        _add_plots(dm, model)
        # COPASI writes the file itself so that its reference to the SBML source is relative to path.
        basico.save_model(str(path), type="copasi", model=dm)
    if not path.is_file():
        detail = "; ".join(m.text for m in actionable(drain_messages()))[:500]
        raise NecroSbmlError(f"COPASI could not save the model: {detail}", file=path, fix="choose a writable output directory")
    path.write_text(known_sbo_urns(path.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def known_sbo_urns(cps: str) -> str:
    """The .cps text with the SBO terms COPASI files under 'urn:miriam:unknown:' given its own obo.sbo URN.

    COPASI turns each sboTerm into a MIRIAM `is` reference but its bundled registry misses the SBO
    resource on import; its built-in functions use urn:miriam:obo.sbo:SBO:NNNNNNN, the form written here.
    """
    return cps.replace("urn:miriam:unknown:SBO:", "urn:miriam:obo.sbo:SBO:")


def export_copasi(output: str | Path, models: Sequence[str] | None = None) -> list[Path]:
    """Write <model>.cps for each model (default: every compiled model) into output/, atomically."""
    names = list(models or model_names())
    for name in names:
        resolve_sbml(name)  # unknown model: fail before writing anything
    with atomic_output_dir(output) as tmp:
        for name in names:
            save_cps(name, tmp / f"{name}.cps")
    return [Path(output) / f"{name}.cps" for name in names]
