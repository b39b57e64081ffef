"""SED-ML semantics checked before anything runs: finite numbers, positive step counts, known references,
unique report labels, acyclic subtasks and a bound on the total number of simulated points.
"""

from __future__ import annotations

import math
from pathlib import Path

import libsedml

from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.limits import DEFAULT_MAX_STEPS
REGENERATE = "correct the SED-ML or regenerate it with `necro-sbml experiments`"


def _bad(path: Path, problem: str, id_: str | None, fix: str = REGENERATE) -> NecroSbmlError:
    """The error for a SED-ML element whose values cannot be run."""
    return NecroSbmlError(problem, file=path, id=id_, fix=fix)


def finite(value: object, path: Path, what: str, id_: str | None) -> float:
    """A SED-ML number as a finite float, else an error naming the attribute."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise _bad(path, f"{what} {str(value)[:40]!r} is not a number", id_) from None
    if not math.isfinite(number):
        raise _bad(path, f"{what} is {number}", id_, "give a finite number")
    return number


def check_simulation(sim: libsedml.SedSimulation, path: Path) -> None:
    """Times finite and ordered, a positive step count, tolerances finite and positive."""
    sid = sim.getId()
    if sim.getTypeCode() == libsedml.SEDML_SIMULATION_UNIFORMTIMECOURSE:
        start = finite(sim.getInitialTime(), path, "initialTime", sid)
        out = finite(sim.getOutputStartTime(), path, "outputStartTime", sid)
        end = finite(sim.getOutputEndTime(), path, "outputEndTime", sid)
        if not start <= out < end:
            raise _bad(path, f"times must satisfy initialTime <= outputStartTime < outputEndTime ({start:g}, {out:g}, {end:g})", sid)
        if sim.getNumberOfSteps() < 1:
            raise _bad(path, f"numberOfSteps {sim.getNumberOfSteps()} is not positive", sid, "give numberOfSteps 1 or more")
    alg = sim.getAlgorithm()
    for p in alg.getListOfAlgorithmParameters() if alg is not None else []:
        if finite(p.getValue(), path, f"algorithmParameter {p.getKisaoID()}", sid) <= 0:
            raise _bad(path, f"algorithmParameter {p.getKisaoID()} must be positive, not {p.getValue()}", sid,
                       "give a positive tolerance")


def range_length(rng: libsedml.SedRange, path: Path, task_id: str) -> int:
    """The number of values of a range, checked (finite bounds, positive steps, log ranges positive, non-empty)."""
    code, rid = rng.getTypeCode(), rng.getId() or task_id
    if code == libsedml.SEDML_RANGE_VECTORRANGE:
        values = [finite(v, path, "vectorRange value", rid) for v in rng.getValues()]
        if not values:
            raise _bad(path, "empty vectorRange", rid, "give the range at least one value")
        return len(values)
    if code == libsedml.SEDML_RANGE_UNIFORMRANGE:
        start = finite(rng.getStart(), path, "uniformRange start", rid)
        end = finite(rng.getEnd(), path, "uniformRange end", rid)
        if rng.getNumberOfPoints() < 1:
            raise _bad(path, f"uniformRange numberOfSteps {rng.getNumberOfPoints()} is not positive", rid,
                       "give numberOfSteps 1 or more")
        if rng.getType().lower() == "log" and not (start > 0 and end > 0):
            raise _bad(path, "a log uniformRange needs positive start and end", rid, "use start and end > 0")
        return rng.getNumberOfPoints() + 1
    return 1  # other range kinds are refused by the executor with their own message


def _simple_points(task: libsedml.SedTask, doc: libsedml.SedDocument, path: Path) -> int:
    """Output points of one simple task, its references checked."""
    if doc.getModel(task.getModelReference()) is None:
        raise _bad(path, f"task references unknown model '{task.getModelReference()}'", task.getId())
    sim = doc.getSimulation(task.getSimulationReference())
    if sim is None:
        raise _bad(path, f"task references unknown simulation '{task.getSimulationReference()}'", task.getId())
    if sim.getTypeCode() == libsedml.SEDML_SIMULATION_UNIFORMTIMECOURSE:
        return sim.getNumberOfSteps() + 1
    return 1


def task_points(task_id: str, doc: libsedml.SedDocument, path: Path, stack: tuple[str, ...] = (),
                memo: dict[str, int] | None = None) -> int:
    """Output points a task produces over all its iterations; references known, subtasks acyclic."""
    memo = {} if memo is None else memo
    if task_id in memo:
        return memo[task_id]
    if task_id in stack:
        raise _bad(path, f"subTask cycle {' -> '.join((*stack, task_id))}", task_id, "a repeatedTask must not contain itself")
    task = doc.getTask(task_id)
    if task is None:
        raise _bad(path, f"reference to unknown task '{task_id}'", stack[-1] if stack else task_id)
    memo[task_id] = _points(task, doc, path, (*stack, task_id), memo)
    return memo[task_id]


def _points(task: libsedml.SedAbstractTask, doc: libsedml.SedDocument, path: Path, stack: tuple[str, ...],
            memo: dict[str, int]) -> int:
    """Output points of a simple task, or of a repeatedTask's iterations over its subtasks."""
    task_id = task.getId()
    if task.getTypeCode() == libsedml.SEDML_TASK:
        return _simple_points(task, doc, path)
    if task.getTypeCode() != libsedml.SEDML_TASK_REPEATEDTASK:
        return 1
    lengths = {r.getId(): range_length(r, path, task_id) for r in task.getListOfRanges()}
    if task.getRangeId() not in lengths:
        raise _bad(path, f"repeatedTask range '{task.getRangeId()}' not found", task_id, "set range to a listed range id")
    subs = [s.getTask() for s in task.getListOfSubTasks()]
    if not subs:
        raise _bad(path, "repeatedTask without subTasks", task_id, "give it at least one subTask")
    return lengths[task.getRangeId()] * sum(task_points(s, doc, path, stack, memo) for s in subs)


def check_references(doc: libsedml.SedDocument, path: Path) -> None:
    """Variables name known tasks; data sets and curves known data generators; report labels are unique."""
    generators = {dg.getId() for dg in doc.getListOfDataGenerators()}
    for dg in doc.getListOfDataGenerators():
        for var in dg.getListOfVariables():
            if doc.getTask(var.getTaskReference()) is None:
                raise _bad(path, f"variable references unknown task '{var.getTaskReference()}'", var.getId())
        for p in dg.getListOfParameters():
            finite(p.getValue(), path, "parameter value", p.getId())
    for out in doc.getListOfOutputs():
        refs: list[str] = []
        if out.getTypeCode() == libsedml.SEDML_OUTPUT_REPORT:
            labels = [ds.getLabel() or ds.getId() for ds in out.getListOfDataSets()]
            duplicates = sorted({label for label in labels if labels.count(label) > 1})
            if duplicates:
                raise _bad(path, f"report has two dataSets labelled '{duplicates[0]}'", out.getId(), "give every dataSet its own label")
            refs = [ds.getDataReference() for ds in out.getListOfDataSets()]
        elif out.getTypeCode() == libsedml.SEDML_OUTPUT_PLOT2D:
            refs = [r for c in out.getListOfCurves() for r in (c.getXDataReference(), c.getYDataReference())]
        for ref in refs:
            if ref not in generators:
                raise _bad(path, f"output references unknown dataGenerator '{ref}'", out.getId())


def check_document(doc: libsedml.SedDocument, path: Path, max_steps: int = DEFAULT_MAX_STEPS) -> int:
    """Check a document's semantics and work; returns the total number of output points it would simulate."""
    for sim in doc.getListOfSimulations():
        check_simulation(sim, path)
    check_references(doc, path)
    total, memo = 0, {}
    for task in doc.getListOfTasks():
        total += task_points(task.getId(), doc, path, (), memo)
        if total > max_steps:
            raise _bad(path, f"the file asks for more than {max_steps} simulated points", task.getId(),
                       "lower numberOfSteps or the ranges, or raise the limit with --max-steps")
    return total
