"""Execute SED-ML (L1V3/L1V4 subset) with libsedml + libroadrunner: models, tasks, data generators, outputs.

Supported: SBML file sources with changeAttribute on global parameter values; uniformTimeCourse
(CVODE) and steadyState; task and repeatedTask (uniform linear/log and vector ranges, nested
subtasks, resetModel, setValue on global parameters); data generators (MathML arithmetic and
elementary functions); reports (CSV, iterations stacked as tellurium does) and plot2D (PNG).
Anything else stops with a NecroSbmlError naming the file, the element and the fix.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import libsedml
import numpy as np
import pandas as pd
import roadrunner

from necro_sbml.simulation import simulate
from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.limits import DEFAULT_MAX_STEPS
from necro_sbml.core.paths import EXPERIMENTS_DIR
from necro_sbml.core.xmlguard import read_xml
from necro_sbml.sedml.instances import Instance, InstancePool
from necro_sbml.sedml.semantics import check_document, finite

CVODE_IDS = {"KISAO:0000019"}
STEADY_STATE_IDS = {"KISAO:0000407", "KISAO:0000408", "KISAO:0000413", "KISAO:0000568", "KISAO:0000569"}
TOLERANCE_KEYS = {"KISAO:0000209": "relative_tolerance", "KISAO:0000211": "absolute_tolerance"}
PARAMETER_XPATH = re.compile(r"^/sbml:sbml/sbml:model/sbml:listOfParameters/sbml:parameter\[@id=['\"]([A-Za-z_]\w*)['\"]\]$")
SPECIES_XPATH = re.compile(r"^/sbml:sbml/sbml:model/sbml:listOfSpecies/sbml:species\[@id=['\"]([A-Za-z_]\w*)['\"]\]$")
SPECIES_ATTRIBUTE = re.compile(r"^/sbml:sbml/sbml:model/sbml:listOfSpecies/sbml:species\[@id=['\"]([A-Za-z_]\w*)['\"]\]/@(initialConcentration|initialAmount)$")
TIME_SYMBOLS = {"urn:sedml:symbol:time", "KISAO:0000832"}

Leaf = dict[str, np.ndarray]  # selection id -> values of one simulation


@dataclass
class SedResult:
    """The data of one executed SED-ML file: data generators (points x iterations) and reports."""

    file: Path
    generators: dict[str, np.ndarray] = field(default_factory=dict)
    reports: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)


def unsupported(path: Path, element: str, id_: str | None, fix: str) -> NecroSbmlError:
    """The error for a SED-ML feature this executor does not run."""
    return NecroSbmlError(f"unsupported SED-ML element <{element}>", file=path, id=id_, fix=fix)


def read_document(path: Path) -> libsedml.SedDocument:
    """Read and check a SED-ML file; libsedml errors stop with the first message."""
    doc = libsedml.readSedMLFromString(read_xml(path, "SED-ML"))
    log = doc.getErrorLog()
    errors = [log.getError(i) for i in range(log.getNumErrors()) if log.getError(i).getSeverity() >= libsedml.LIBSEDML_SEV_ERROR]
    if errors:
        raise NecroSbmlError(f"invalid SED-ML: {errors[0].getMessage().strip()} (line {errors[0].getLine()})",
                             file=path, fix="correct the SED-ML or regenerate it with `necro-sbml experiments`")
    return doc


# ------------------------------------------------------------------------------------ math


def _children(node: libsedml.ASTNode) -> list[libsedml.ASTNode]:
    """The child nodes of an AST node."""
    return [node.getChild(i) for i in range(node.getNumChildren())]


OPERATORS: dict[str, Callable[..., np.ndarray]] = {
    "+": lambda *a: sum(a[1:], a[0]) if a else np.asarray(0.0),
    "*": lambda *a: math.prod(a[1:], start=a[0]) if a else np.asarray(1.0),
    "-": lambda *a: -a[0] if len(a) == 1 else a[0] - a[1],
    "/": lambda a, b: a / b,
    "^": np.power,
}
FUNCTIONS: dict[str, Callable[..., np.ndarray]] = {
    "exp": np.exp, "ln": np.log, "abs": np.abs, "floor": np.floor, "ceiling": np.ceil,
    "log": lambda base, x: np.log(x) / np.log(base), "log10": lambda base, x: np.log(x) / np.log(base),
    "sqrt": lambda degree, x: np.power(x, 1.0 / degree), "root": lambda degree, x: np.power(x, 1.0 / degree),
    "pow": np.power, "power": np.power,
}
CONSTANTS = {"pi": math.pi, "exponentiale": math.e}


def evaluate_math(node: libsedml.ASTNode | None, names: dict[str, object], where: tuple[Path, str]) -> np.ndarray:
    """Evaluate a libsedml math tree with numpy; names maps identifiers to numbers or arrays."""
    if node is None:
        raise NecroSbmlError("math missing", file=where[0], id=where[1], fix="give the element a <math>")
    args = [evaluate_math(c, names, where) for c in _children(node)]
    if node.isNumber():
        return np.asarray(node.getValue(), dtype=float)
    if node.isName():
        if node.getName() not in names:
            raise NecroSbmlError("unknown identifier in math", file=where[0], id=node.getName(),
                                 fix=f"declare it as a variable or parameter of {where[1]}")
        return np.asarray(names[node.getName()], dtype=float)
    if node.isConstant() and node.getName() in CONSTANTS:
        return np.asarray(CONSTANTS[node.getName()])
    if node.isOperator() and node.getCharacter() in OPERATORS:
        return OPERATORS[node.getCharacter()](*args)
    if node.isFunction() and node.getName() in FUNCTIONS:
        return FUNCTIONS[node.getName()](*args)
    raise unsupported(where[0], f"math {libsedml.formulaToL3String(node)}", where[1],
                      "use +, -, *, /, ^, exp, ln, log, abs, sqrt/root, floor or ceiling in data generators and setValues")


# ---------------------------------------------------------------------------------- models


@dataclass(frozen=True)
class ModelSpec:
    """A SED-ML model resolved to an SBML file and the parameter values its changes set."""

    id: str
    sbml: Path
    values: dict[str, float]
    species: dict[str, tuple[str, float]] = field(default_factory=dict)  # id -> (attribute, value); also derived parameters ('value')
    settable_species: dict[str, float] = field(default_factory=dict)  # selector -> value of the species without initial assignment


def parameter_id(xpath: str, path: Path, element: str, id_: str) -> str:
    """The global parameter id an XPath targets (changeAttribute without its /@value)."""
    match = PARAMETER_XPATH.match(xpath.removesuffix("/@value"))
    if not match:
        raise unsupported(path, element, id_, "target a global parameter: "
                          "/sbml:sbml/sbml:model/sbml:listOfParameters/sbml:parameter[@id='X']/@value")
    return match.group(1)


def _check_inputs(rr: roadrunner.RoadRunner, values: dict[str, float], path: Path, element: str) -> None:
    """Raise, naming the SED-ML file and element, unless every id is a settable parameter of the model."""
    try:
        simulate.checked_inputs(rr, values)
    except NecroSbmlError as err:
        raise NecroSbmlError(f"<{element}> targets {err.problem} of {Path(simulate._source(rr)).name}",
                             file=path, id=err.id, fix=err.fix) from err


def default_root(path: Path) -> Path:
    """The tree a SED-ML file's model sources must stay in: the SED-ML file's folder, or the folder above
    `experiments/` (the package's and the archive's layout: experiments/x.sedml uses ../models/sbml/x.xml)."""
    folder = path.resolve().parent
    return folder.parent if folder.name == EXPERIMENTS_DIR.name else folder


def model_source(source: str, path: Path, mid: str, root: Path) -> Path:
    """A model source resolved relative to the SED-ML file and confined to root (no URLs or absolute paths)."""
    confine = f"give a relative path to an SBML file inside {root}"
    if not source or "://" in source or source.startswith(("#", "urn:", "http:", "https:", "file:")):
        raise unsupported(path, "model", mid, "give the model a file source relative to the SED-ML file")
    if Path(source).is_absolute() or "\\" in source:
        raise NecroSbmlError("absolute model source refused", file=path, id=mid, fix=confine)
    sbml = (path.resolve().parent / source).resolve()
    if not sbml.is_relative_to(root.resolve()):
        raise NecroSbmlError("model source leaves the SED-ML file's tree", file=path, id=mid, fix=confine)
    if not sbml.is_file():
        raise NecroSbmlError(f"model source {source[:80]!r} not found", file=path, id=mid,
                             fix="give a path relative to the SED-ML file (run `necro-sbml build` first)")
    return sbml


def resolve_model(model: libsedml.SedModel, path: Path, pool: InstancePool, root: Path | None = None) -> ModelSpec:
    """The SBML file and parameter changes of one SED-ML model, checked once on an instance of the run's pool."""
    mid = model.getId()
    if model.isSetLanguage() and "sbml" not in model.getLanguage().lower():
        raise unsupported(path, "model", mid, "use an SBML model (language urn:sedml:language:sbml)")
    sbml = model_source(model.getSource(), path, mid, root or default_root(path))
    values, species = {}, {}
    for change in model.getListOfChanges():
        if change.getTypeCode() != libsedml.SEDML_CHANGE_ATTRIBUTE:
            raise unsupported(path, change.getElementName(), mid, "encode the change as changeAttribute on a parameter value")
        target = change.getTarget()
        match = SPECIES_ATTRIBUTE.match(target)
        if match:
            species[match.group(1)] = (match.group(2), finite(change.getNewValue(), path, "newValue", mid))
        else:
            values[parameter_id(target, path, "changeAttribute", mid)] = finite(change.getNewValue(), path, "newValue", mid)
    instance = pool.acquire(sbml)
    try:
        rr = instance.rr
        # Parameters with initial assignments are derived values the generator writes for tellurium (like species).
        for pid in set(values) & set(rr.getInitialAssignmentIds()):
            species[pid] = ("value", values.pop(pid))
        _check_inputs(rr, values, path, f"model id='{mid}'")
        for sid in (s for s, (attribute, _) in species.items() if attribute != "value"):
            if sid not in rr.model.getFloatingSpeciesIds() + rr.model.getBoundarySpeciesIds():
                raise NecroSbmlError(f"<changeAttribute> of model '{mid}' targets a species not in {sbml.name}", file=path,
                                     id=sid, fix="target a species of the model")
        assigned = set(rr.getInitialAssignmentIds())
        settable = {_species_selector(sid, attribute): value for sid, (attribute, value) in species.items() if sid not in assigned}
        spec = ModelSpec(mid, sbml, values, species, settable)
        _check_assigned(instantiate(instance, spec), spec, assigned, path)
    finally:
        pool.release(instance)
    return spec


def _species_selector(sid: str, attribute: str) -> str:
    """The roadrunner selector of a changeAttribute on a species (or on a derived parameter's value)."""
    return {"initialConcentration": f"init([{sid}])", "value": sid}.get(attribute, f"init({sid})")


def _check_assigned(rr: roadrunner.RoadRunner, spec: ModelSpec, assigned: set[str], path: Path) -> None:
    """A species value set on a species that has an initial assignment must equal the assignment's value.

    (SBML: the assignment wins; the generator writes them for tellurium, see necro_sbml.sedml.writer.)
    """
    for sid, (attribute, value) in spec.species.items():
        selector = _species_selector(sid, attribute)
        if sid in assigned and not math.isclose(rr[selector], value, rel_tol=1e-9, abs_tol=1e-12):
            raise NecroSbmlError(f"changeAttribute sets {attribute} {value:g} but the initial assignment gives "
                                 f"{rr[selector]:g}", file=path, id=sid,
                                 fix="regenerate the SED-ML with `necro-sbml experiments`")


def instantiate(instance: Instance, spec: ModelSpec, active: dict[str, float] | None = None) -> roadrunner.RoadRunner:
    """Restore an instance to the model's initial state with its changes and active setValues (assignments follow)."""
    values = {f"init({id_})": value for id_, value in {**spec.values, **(active or {})}.items()}
    instance.restore({**values, **spec.settable_species})
    return instance.rr


# ------------------------------------------------------------------------------------- run


@dataclass
class Context:
    """Everything needed while running one SED-ML document."""

    path: Path
    doc: libsedml.SedDocument
    models: dict[str, ModelSpec]
    selections: dict[str, set[str]]  # model id -> ids the data generators read
    pool: InstancePool = field(default_factory=InstancePool)
    instances: dict[str, Instance] = field(default_factory=dict)  # model id -> instance, for one top-level task
    active: dict[str, dict[str, float]] = field(default_factory=dict)  # setValues of the enclosing repeatedTasks
    known: dict[Path, set[str]] = field(default_factory=dict)  # SBML file -> its parameter and species ids

    def release(self) -> None:
        """Give the instances back to the pool (every top-level task starts from a reset)."""
        for instance in self.instances.values():
            self.pool.release(instance)
        self.instances.clear()


def _configure(rr: roadrunner.RoadRunner, sim: libsedml.SedSimulation, ctx: Context) -> None:
    """Choose the integrator settings of a simulation's algorithm."""
    alg = sim.getAlgorithm()
    kisao = alg.getKisaoID() if alg is not None else "KISAO:0000019"
    steady = sim.getTypeCode() == libsedml.SEDML_SIMULATION_STEADYSTATE
    if not steady and kisao not in CVODE_IDS:
        raise unsupported(ctx.path, f"algorithm kisaoID='{kisao}'", sim.getId(), "use CVODE, KISAO:0000019")
    for p in alg.getListOfAlgorithmParameters() if alg is not None else []:
        if p.getKisaoID() not in TOLERANCE_KEYS:
            raise unsupported(ctx.path, f"algorithmParameter kisaoID='{p.getKisaoID()}'", sim.getId(),
                              "use only KISAO:0000209 (relative) and KISAO:0000211 (absolute tolerance)")
        if not steady:
            setattr(rr.integrator, TOLERANCE_KEYS[p.getKisaoID()], finite(p.getValue(), ctx.path, "tolerance", sim.getId()))


def _simulate(rr: roadrunner.RoadRunner, sim: libsedml.SedSimulation, ids: list[str], ctx: Context) -> Leaf:
    """Run one simulation on a model instance; returns selection -> values."""
    _configure(rr, sim, ctx)
    try:
        if sim.getTypeCode() == libsedml.SEDML_SIMULATION_UNIFORMTIMECOURSE:
            start, out_start, end = sim.getInitialTime(), sim.getOutputStartTime(), sim.getOutputEndTime()
            rr.timeCourseSelections = ["time", *ids]
            if abs(out_start - start) > 1e-12:
                rr.simulate(start, out_start, 2)
            data = np.asarray(rr.simulate(out_start, end, sim.getNumberOfSteps() + 1))
            return {sel: data[:, i] for i, sel in enumerate(["time", *ids])}
        if sim.getTypeCode() == libsedml.SEDML_SIMULATION_STEADYSTATE:
            solver = rr.getSteadyStateSolver()
            solver.setValue("allow_presimulation", True)
            solver.setValue("presimulation_time", 1e4)
            rr.steadyStateSelections = ids
            rr.steadyState()
            values = np.asarray(rr.getSteadyStateValues())
            return {"time": np.asarray([np.nan]), **{sel: values[i:i + 1] for i, sel in enumerate(ids)}}
    except RuntimeError as err:
        raise NecroSbmlError(f"simulation failed: {err}", file=ctx.path, id=sim.getId(), fix="check the model changes") from err
    raise unsupported(ctx.path, sim.getElementName(), sim.getId(), "use uniformTimeCourse or steadyState")


def _instance(model_id: str, ctx: Context, reset: bool) -> roadrunner.RoadRunner:
    """The running instance of a model, restored to its initial state when reset or new.

    A reset keeps the setValues of the enclosing repeatedTasks (tellurium re-applies them too).
    """
    if model_id not in ctx.instances:
        ctx.instances[model_id] = ctx.pool.acquire(ctx.models[model_id].sbml)
        reset = True
    if reset:
        instantiate(ctx.instances[model_id], ctx.models[model_id], ctx.active.get(model_id, {}))
    return ctx.instances[model_id].rr


def run_simple(task: libsedml.SedTask, ctx: Context, reset: bool) -> list[Leaf]:
    """One simple task: simulate its model; a one-element list of results."""
    mid = task.getModelReference()
    if mid not in ctx.models:
        raise NecroSbmlError("task references an unknown model", file=ctx.path, id=task.getId(), fix="reference a listed model")
    sim = ctx.doc.getSimulation(task.getSimulationReference())
    if sim is None:
        raise NecroSbmlError("task references an unknown simulation", file=ctx.path, id=task.getId(), fix="reference a listed simulation")
    rr = _instance(mid, ctx, reset)
    return [_simulate(rr, sim, sorted(ctx.selections.get(mid, set())), ctx)]


def range_values(rng: libsedml.SedRange, ctx: Context, task_id: str) -> np.ndarray:
    """The values of a uniform (linear/log) or vector range."""
    code = rng.getTypeCode()
    if code == libsedml.SEDML_RANGE_VECTORRANGE:
        return np.asarray(list(rng.getValues()), dtype=float)
    if code == libsedml.SEDML_RANGE_UNIFORMRANGE:
        n = rng.getNumberOfPoints() + 1  # the attribute counts steps (numberOfSteps in L1V4)
        kind = rng.getType().lower()
        if kind == "log":
            return np.logspace(np.log10(rng.getStart()), np.log10(rng.getEnd()), n)
        if kind in ("linear", "uniform"):
            return np.linspace(rng.getStart(), rng.getEnd(), n)
    raise unsupported(ctx.path, rng.getElementName(), task_id, "use a uniformRange (linear or log) or a vectorRange")


def _set_values(task: libsedml.SedRepeatedTask, ranges: dict[str, float], ctx: Context) -> list[tuple[str, str, float]]:
    """The (model, parameter, value) setValue changes of one iteration, checked."""
    changes = []
    for change in task.getListOfTaskChanges():
        mid = change.getModelReference()
        if mid not in ctx.models:
            raise NecroSbmlError("setValue references an unknown model", file=ctx.path, id=task.getId(), fix="set modelReference")
        pid = parameter_id(change.getTarget(), ctx.path, "setValue", task.getId())
        if change.getNumVariables():
            raise unsupported(ctx.path, "setValue variable", task.getId(), "compute setValue from ranges and parameters only")
        names = {**ranges, **{p.getId(): p.getValue() for p in change.getListOfParameters()}}
        value = float(evaluate_math(change.getMath(), names, (ctx.path, f"setValue of {task.getId()}")))
        _check_inputs(_instance(mid, ctx, False), {pid: value}, ctx.path, f"setValue of repeatedTask id='{task.getId()}'")
        changes.append((mid, pid, value))
    return changes


def _apply_set_values(changes: list[tuple[str, str, float]], models: set[str], ctx: Context, reset: bool) -> None:
    """Apply one iteration's setValues (and remember them); a reset restores the task's models with them applied."""
    for mid, pid, value in changes:
        ctx.active.setdefault(mid, {})[pid] = value
    if reset:  # one restore per model: initial assignments follow the new values
        for mid in models | {mid for mid, _, _ in changes}:
            _instance(mid, ctx, True)
        return
    for mid, pid, value in changes:
        ctx.instances[mid].set_init(f"init({pid})", value)
        ctx.instances[mid].rr.model.setValue(pid, value)


def _task_models(task: libsedml.SedAbstractTask, ctx: Context) -> set[str]:
    """Models simulated by a task and its subtasks."""
    if task.getTypeCode() == libsedml.SEDML_TASK:
        return {task.getModelReference()}
    return set().union(*(_task_models(ctx.doc.getTask(s.getTask()), ctx) for s in task.getListOfSubTasks()))


def run_repeated(task: libsedml.SedRepeatedTask, ctx: Context, reset: bool) -> list[Leaf]:
    """A repeatedTask: for every master-range value, apply setValues and run the subtasks in order."""
    ranges = {r.getId(): range_values(r, ctx, task.getId()) for r in task.getListOfRanges()}
    master = task.getRangeId()
    if master not in ranges:
        raise NecroSbmlError("repeatedTask range not found", file=ctx.path, id=master, fix="set range to a listed range id")
    subtasks = sorted(task.getListOfSubTasks(), key=lambda s: s.getOrder() if s.isSetOrder() else 0)
    models = _task_models(task, ctx)
    leaves: list[Leaf] = []
    for k in range(len(ranges[master])):
        current = {rid: float(vals[min(k, len(vals) - 1)]) for rid, vals in ranges.items()}
        iteration_reset = reset if k == 0 else task.getResetModel()
        saved = {mid: dict(values) for mid, values in ctx.active.items()}
        _apply_set_values(_set_values(task, current, ctx), models, ctx, iteration_reset)
        for sub in subtasks:
            leaves.extend(run_task(ctx.doc.getTask(sub.getTask()), ctx, reset=False))
        ctx.active = saved
    return leaves


def run_task(task: libsedml.SedAbstractTask, ctx: Context, reset: bool = True) -> list[Leaf]:
    """Run a task of any supported kind; returns the list of leaf simulation results."""
    if task is None:
        raise NecroSbmlError("subTask references an unknown task", file=ctx.path, fix="reference a listed task")
    if task.getTypeCode() == libsedml.SEDML_TASK:
        return run_simple(task, ctx, reset)
    if task.getTypeCode() == libsedml.SEDML_TASK_REPEATEDTASK:
        return run_repeated(task, ctx, reset)
    raise unsupported(ctx.path, task.getElementName(), task.getId(), "use task or repeatedTask")


# ------------------------------------------------------------------------ data generators


def variable_selection(var: libsedml.SedVariable, ctx: Context) -> str:
    """The roadrunner selection of a data generator variable: 'time' or a parameter/species id."""
    if var.isSetSymbol():
        if var.getSymbol() not in TIME_SYMBOLS:
            raise unsupported(ctx.path, f"variable symbol='{var.getSymbol()}'", var.getId(), "use urn:sedml:symbol:time")
        return "time"
    target = var.getTarget()
    match = PARAMETER_XPATH.match(target) or SPECIES_XPATH.match(target)
    if not match:
        raise unsupported(ctx.path, "variable target", var.getId(), "target a global parameter or species by id")
    return match.group(1)


def _check_variable(var: libsedml.SedVariable, sel: str, models: set[str], ctx: Context) -> None:
    """Raise when a variable's target is not a species or parameter of the models its task simulates."""
    if sel == "time":
        return
    for mid in models:
        if sel not in _known_ids(ctx.models[mid].sbml, ctx):
            raise NecroSbmlError(f"variable target is not in model {ctx.models[mid].sbml.name}", file=ctx.path, id=sel,
                                 fix=f"target an id of the model (variable '{var.getId()}'); run `necro-sbml list outputs` or see README.md's interface table")


def _known_ids(sbml: Path, ctx: Context) -> set[str]:
    """The global parameter and species ids of an SBML file (read once per document)."""
    if sbml not in ctx.known:
        instance = ctx.pool.acquire(sbml)
        model = instance.rr.model
        ctx.known[sbml] = set(model.getGlobalParameterIds()) | set(model.getFloatingSpeciesIds()) | set(model.getBoundarySpeciesIds())
        ctx.pool.release(instance)
    return ctx.known[sbml]


def collect_selections(ctx: Context) -> None:
    """Record, per model, every id a data generator reads from it (checked to exist)."""
    for dg in ctx.doc.getListOfDataGenerators():
        for var in dg.getListOfVariables():
            task = ctx.doc.getTask(var.getTaskReference())
            if task is None:
                raise NecroSbmlError("variable references an unknown task", file=ctx.path, id=var.getId(), fix="set taskReference")
            models = _task_models(task, ctx)
            sel = variable_selection(var, ctx)
            _check_variable(var, sel, models, ctx)
            for mid in models:
                if sel != "time":
                    ctx.selections.setdefault(mid, set()).add(sel)


def generator_values(dg: libsedml.SedDataGenerator, results: dict[str, list[Leaf]], ctx: Context) -> np.ndarray:
    """A data generator's values, points x iterations (one column per leaf simulation)."""
    names: dict[str, object] = {p.getId(): p.getValue() for p in dg.getListOfParameters()}
    for var in dg.getListOfVariables():
        sel = variable_selection(var, ctx)
        names[var.getId()] = np.column_stack([leaf[sel] for leaf in results[var.getTaskReference()]])
    with np.errstate(all="ignore"):
        values = np.asarray(evaluate_math(dg.getMath(), names, (ctx.path, f"dataGenerator id='{dg.getId()}'")), dtype=float)
    inputs_finite = all(np.isfinite(np.asarray(v, dtype=float)).all() for v in names.values())
    if inputs_finite and not np.isfinite(values).all():
        raise NecroSbmlError("data generator gives non-finite values (division by zero or overflow)", file=ctx.path,
                             id=dg.getId(), fix="correct the data generator's math")
    return values


def check_outputs(ctx: Context) -> None:
    """Stop on data sources and output kinds the executor cannot produce."""
    if ctx.doc.getNumDataDescriptions():
        raise unsupported(ctx.path, "dataDescription", ctx.doc.getDataDescription(0).getId(), "remove external data sources")
    if ctx.doc.getNumStyles():
        raise unsupported(ctx.path, "style", ctx.doc.getStyle(0).getId(), "remove styles")
    for out in ctx.doc.getListOfOutputs():
        if out.getTypeCode() not in (libsedml.SEDML_OUTPUT_REPORT, libsedml.SEDML_OUTPUT_PLOT2D):
            raise unsupported(ctx.path, out.getElementName(), out.getId(), "use report or plot2D")


def run_tasks(ctx: Context) -> dict[str, list[Leaf]]:
    """Every top-level task's leaf results; each starts from reset instances, given back to the pool after it."""
    results = {}
    try:
        for task in ctx.doc.getListOfTasks():
            results[task.getId()] = run_task(task, ctx)
            ctx.release()
    finally:
        ctx.release()
    return results


def execute(path: str | Path, pool: InstancePool | None = None, max_steps: int = DEFAULT_MAX_STEPS,
            root: Path | None = None) -> SedResult:
    """Run every task of a SED-ML file and compute its data generators and reports (all checked before running).

    pool: the model instances of the run (pass one pool to every file of a run to load each SBML file once).
    """
    path = Path(path).resolve()
    doc = read_document(path)
    check_document(doc, path, max_steps)
    pool = InstancePool() if pool is None else pool
    ctx = Context(path, doc, {m.getId(): resolve_model(m, path, pool, root) for m in doc.getListOfModels()}, {}, pool)
    check_outputs(ctx)
    collect_selections(ctx)
    results = run_tasks(ctx)
    result = SedResult(path)
    for dg in doc.getListOfDataGenerators():
        result.generators[dg.getId()] = generator_values(dg, results, ctx)
    for out in doc.getListOfOutputs():
        if out.getTypeCode() == libsedml.SEDML_OUTPUT_REPORT:
            result.reports[out.getId()] = {ds.getLabel() or ds.getId(): result.generators[ds.getDataReference()]
                                           for ds in out.getListOfDataSets()}
    return result


# --------------------------------------------------------------------------------- outputs


def report_frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """A report as a table: one column per data set, iterations stacked (tellurium's layout)."""
    return pd.DataFrame({label: np.asarray(values).reshape(values.shape[0], -1).T.ravel() for label, values in columns.items()})


@dataclass(frozen=True)
class PlotSpec:
    """A plot2D as plain data (picklable, so plots render in worker processes)."""

    id: str
    title: str
    curves: tuple[tuple[np.ndarray, np.ndarray, str], ...]  # (x, y, label)
    axes: tuple[tuple[str, str] | None, tuple[str, str] | None]  # (scale, label) of x and y


def _axis(axis: libsedml.SedAxis | None) -> tuple[str, str] | None:
    """An axis as (scale, label)."""
    if axis is None:
        return None
    return ("log" if axis.getType() == libsedml.SEDML_AXISTYPE_LOG10 else "linear", axis.getName())


def plot_specs(result: SedResult) -> list[PlotSpec]:
    """The plot2D outputs of an executed file with their data."""
    gens, doc = result.generators, read_document(result.file)  # keep doc alive while its outputs are read
    return [PlotSpec(out.getId(), out.getName() or out.getId(),
                     tuple((gens[c.getXDataReference()], gens[c.getYDataReference()], c.getName() or c.getId())
                           for c in out.getListOfCurves()), (_axis(out.getXAxis()), _axis(out.getYAxis())))
            for out in doc.getListOfOutputs() if out.getTypeCode() == libsedml.SEDML_OUTPUT_PLOT2D]


def _curve(ax, x: np.ndarray, y: np.ndarray, label: str) -> None:
    """Draw one curve: a line per iteration, or final values against x when x is constant per iteration."""
    x, y = np.atleast_2d(x.T).T, np.atleast_2d(y.T).T
    if x.shape[1] > 1 and np.allclose(x, x[-1:, :]):
        ax.plot(x[-1], y[-1], marker="o", markersize=3, label=label)
        return
    lines = ax.plot(x, y)
    lines[0].set_label(label)
    for line in lines[1:]:
        line.set_color(lines[0].get_color())


def render_plot(spec: PlotSpec) -> bytes:
    """PNG bytes of a plot2D (matplotlib Agg)."""
    from matplotlib.figure import Figure  # noqa: PLC0415  (matplotlib only when plotting)

    from necro_sbml.core.plots import honest_limits, legend_outside, png_bytes  # noqa: PLC0415
    from necro_sbml.simulation.reference_data import IC50_RANGES_UM  # noqa: PLC0415

    fig = Figure(figsize=(7, 4.5), dpi=100)
    ax = fig.add_subplot()
    x_id = spec.axes[0][1].split(" ")[0] if spec.axes[0] is not None else ""
    if x_id in IC50_RANGES_UM:  # a dose scan of a drug with a published potency: show where the data put it
        ax.axvspan(*IC50_RANGES_UM[x_id], color="grey", alpha=0.2, linewidth=0, label="published IC50 range")
    for x, y, label in spec.curves:
        _curve(ax, x, y, label)
    for axis, set_scale, set_label in ((spec.axes[0], ax.set_xscale, ax.set_xlabel), (spec.axes[1], ax.set_yscale, ax.set_ylabel)):
        if axis is not None:
            set_scale(axis[0])
            set_label(axis[1])
    y_name = spec.axes[1][1] if spec.axes[1] is not None else ""
    values = np.concatenate([np.ravel(y) for _, y, _ in spec.curves]) if spec.curves else np.zeros(0)
    honest_limits(ax, values, y_name.endswith("(fraction)") and y_name.split(" ")[0].endswith("_frac"))
    ax.set_title(spec.title, fontsize="small")
    legend_outside(ax)
    return png_bytes(fig)


def write_reports(result: SedResult, out_dir: Path) -> list[Path]:
    """Write every report as <id>.csv into out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for report_id, columns in result.reports.items():
        report_frame(columns).to_csv(out_dir / f"{report_id}.csv", index=False)
        written.append(out_dir / f"{report_id}.csv")
    return written


def write_outputs(result: SedResult, out_dir: Path) -> list[Path]:
    """Write every report as <id>.csv and every plot2D as <id>.png into out_dir (in this process)."""
    written = write_reports(result, out_dir)
    for spec in plot_specs(result):
        (out_dir / f"{spec.id}.png").write_bytes(render_plot(spec))
        written.append(out_dir / f"{spec.id}.png")
    return written
