"""Literature expectations (experiments/expectations.tsv): claims evaluated over experiment reports.

An assertion is a small expression language parsed with Python's `ast` and evaluated by walking the
tree (no eval): comparisons (chains allowed), `and`, arithmetic, numbers, lists, report columns
written REPORT.LABEL, the readout functions below, the published data of reference_data and the
primary-study tables of experiments/data (study_mean, study_low, study_high).
"""

from __future__ import annotations

import ast
import csv
import io
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.paths import EXPERIMENTS_DIR
from necro_sbml.simulation.readouts import half_maximal_dose
from necro_sbml.simulation.reference_data import PMLKL_NORMALISED, PMLKL_TIMES_H
from necro_sbml.simulation.study_data import StudyValue, study_value

EXPECTATIONS: Path = EXPERIMENTS_DIR / "expectations.tsv"
COLUMNS = ["id", "claim", "reference", "experiments", "assertion", "status", "note"]
STATUSES = {"expected", "known_limitation", "prediction"}


@dataclass(frozen=True)
class Column:
    """One report column as y against the report's first column x (time, or the scan parameter)."""

    x: np.ndarray
    y: np.ndarray


@dataclass(frozen=True)
class Expectation:
    """One row of the expectations table."""

    id: str
    claim: str
    reference: tuple[str, ...]
    experiments: tuple[str, ...]
    assertion: str
    status: str
    note: str


@dataclass
class Outcome:
    """The evaluation of one expectation: pass/fail and the model values of its operands."""

    expectation: Expectation
    passed: bool
    values: list[tuple[str, object]] = field(default_factory=list)
    error: str = ""

    @property
    def is_prediction(self) -> bool:
        """A model prediction: reported apart, never counted as a pass or a failure."""
        return self.expectation.status == "prediction"

    @property
    def counts_as_pass(self) -> bool:
        """A literature expectation (not a prediction) that holds."""
        return self.passed and not self.is_prediction

    @property
    def counts_as_failure(self) -> bool:
        """A failed literature expectation that is not a documented known limitation."""
        return not self.passed and self.expectation.status == "expected"


# ---------------------------------------------------------------------------- readouts


def final(c: Column) -> float:
    """The last value."""
    return float(c.y[-1])


def initial(c: Column) -> float:
    """The first value."""
    return float(c.y[0])


def peak(c: Column) -> float:
    """The largest value."""
    return float(np.max(c.y))


def trough(c: Column) -> float:
    """The smallest value."""
    return float(np.min(c.y))


def at(c: Column, x: float | list[float]) -> np.ndarray:
    """Values interpolated at x (a number or a list)."""
    return np.interp(np.asarray(x, dtype=float), c.x, c.y)


def crossing(c: Column, level: float) -> float:
    """First x at which y crosses level (linear interpolation); inf if it never does."""
    above = c.y >= level
    idx = np.nonzero(above != above[0])[0]
    if not len(idx):
        return float("inf")
    i = int(idx[0])
    x0, x1, y0, y1 = c.x[i - 1], c.x[i], c.y[i - 1], c.y[i]
    return float(x0 + (level - y0) * (x1 - x0) / (y1 - y0))


def half_dose(c: Column, level: float) -> float:
    """Dose at which a response falling with dose crosses level (log-interpolated); inf if it never does."""
    if not (c.y[0] > level > c.y[-1]):
        return float("inf")
    return half_maximal_dose(c.x, c.y, level)


def maxabs(values: np.ndarray) -> float:
    """The largest absolute value."""
    return float(np.max(np.abs(values)))


def _study(study: str, arm: str, measure: str, day: float | None = None) -> StudyValue:
    """A primary-study number that was read (a missing one is an error: expectations never use gaps)."""
    value = study_value(study, arm, measure, day)
    if value.missing:
        raise NecroSbmlError(f"the number for {arm}/{measure} is missing in the study table", id=study,
                             fix="read it in the paper first, or do not assert on it")
    return value


def study_mean(study: str, arm: str, measure: str, day: float | None = None) -> float:
    """The published mean of experiments/data/<study>.tsv for an arm, measure and day."""
    value = _study(study, arm, measure, day)
    if value.mean is None:
        raise NecroSbmlError(f"{arm}/{measure} gives only a range", id=study, fix="use study_low/study_high")
    return value.mean


def _bound(study: str, arm: str, measure: str, day: float | None, side: int) -> float:
    """One side of the study's own spread (mean +- SD, or the reported range)."""
    spread = _study(study, arm, measure, day).spread
    if spread is None:
        raise NecroSbmlError(f"{arm}/{measure} reports no SD or range", id=study,
                             fix="compare with the mean and state the tolerance in the note")
    return spread[side]


def study_low(study: str, arm: str, measure: str, day: float | None = None) -> float:
    """Lower end of the study's spread: mean - SD, or the reported low."""
    return _bound(study, arm, measure, day, 0)


def study_high(study: str, arm: str, measure: str, day: float | None = None) -> float:
    """Upper end of the study's spread: mean + SD, or the reported high."""
    return _bound(study, arm, measure, day, 1)


FUNCTIONS: dict[str, Callable] = {f.__name__: f for f in (final, initial, peak, trough, at, crossing, half_dose, maxabs,
                                                         study_mean, study_low, study_high)}
CONSTANTS: dict[str, object] = {
    "PMLKL_TIMES_H": np.asarray(PMLKL_TIMES_H),
    "PMLKL_100": np.asarray(PMLKL_NORMALISED[100.0]),
    "PMLKL_10": np.asarray(PMLKL_NORMALISED[10.0]),
}
BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
COMPARE = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge}


# ---------------------------------------------------------------------------- evaluation


def report_columns(report: dict[str, np.ndarray]) -> dict[str, Column]:
    """Columns of a report against its first data set; scans (several iterations) give end-point values."""
    arrays = {label: np.asarray(v).reshape(np.asarray(v).shape[0], -1) for label, v in report.items()}
    first = next(iter(arrays.values()))
    pick = (lambda a: a[:, 0]) if first.shape[1] == 1 else (lambda a: a[-1, :])
    return {label: Column(pick(first), pick(a)) for label, a in arrays.items()}


class Evaluator:
    """Walks an assertion's syntax tree over a namespace of reports."""

    def __init__(self, reports: dict[str, dict[str, Column]], where: tuple[Path, str]) -> None:
        """Keep the reports (report id -> label -> Column) and the row for error messages."""
        self.reports = reports
        self.where = where
        self.values: list[tuple[str, object]] = []

    def fail(self, problem: str, fix: str) -> NecroSbmlError:
        """An error naming the expectations file and row."""
        return NecroSbmlError(problem, file=self.where[0], id=self.where[1], fix=fix)

    def run(self, text: str) -> bool:
        """Evaluate an assertion to True/False."""
        try:
            tree = ast.parse(text, mode="eval")
        except SyntaxError as err:
            raise self.fail(f"assertion is not a valid expression: {err.msg}", "write e.g. final(TSZ.necroptotic_frac) > 0.8") from err
        return bool(self.node(tree.body))

    def node(self, n: ast.AST) -> object:
        """Evaluate one node."""
        if isinstance(n, ast.BoolOp) and isinstance(n.op, ast.And):
            return all([bool(self.node(v)) for v in n.values])  # evaluate all, to report every value
        if isinstance(n, ast.Compare):
            return self.compare(n)
        if isinstance(n, ast.BinOp) and type(n.op) in BINARY:
            return BINARY[type(n.op)](self.operand(n.left), self.operand(n.right))
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub):
            return -self.operand(n.operand)
        if isinstance(n, ast.Constant) and isinstance(n.value, (int, float)):
            return float(n.value)
        if isinstance(n, ast.Constant) and isinstance(n.value, str):
            return n.value  # a study key, arm or measure
        if isinstance(n, (ast.List, ast.Tuple)):
            return np.asarray([self.operand(e) for e in n.elts], dtype=float)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in FUNCTIONS and not n.keywords:
            value = FUNCTIONS[n.func.id](*[self.node(a) for a in n.args])
            if n.func.id.startswith("study_") and ast.unparse(n) not in dict(self.values):
                self.values.append((ast.unparse(n), value))  # the study's number, shown beside the model's
            return value
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name):
            return self.column(n.value.id, n.attr)
        if isinstance(n, ast.Name) and n.id in CONSTANTS:
            return CONSTANTS[n.id]
        raise self.fail(f"unsupported expression '{ast.unparse(n)}'",
                        f"use REPORT.LABEL, numbers, + - * /, comparisons, and, {', '.join(FUNCTIONS)}, {', '.join(CONSTANTS)}")

    def operand(self, n: ast.AST) -> object:
        """Evaluate an arithmetic operand."""
        value = self.node(n)
        if isinstance(value, Column):
            raise self.fail(f"'{ast.unparse(n)}' is a whole column", "reduce it with final(), peak(), at(), ...")
        return value

    def column(self, report: str, label: str) -> Column:
        """A report column by report id and data set label."""
        if report not in self.reports:
            raise self.fail(f"no report '{report}' in the row's experiments",
                            f"use one of: {', '.join(sorted(self.reports))}")
        if label not in self.reports[report]:
            raise self.fail(f"report '{report}' has no column '{label}'", f"use one of: {', '.join(self.reports[report])}")
        return self.reports[report][label]

    def compare(self, n: ast.Compare) -> bool:
        """A (chained) comparison; records the value of every non-literal operand."""
        operands = [n.left, *n.comparators]
        values = [self.operand(o) for o in operands]
        for o, v in zip(operands, values):
            text = ast.unparse(o)
            if not _is_literal(o) and text not in dict(self.values):
                self.values.append((text, v))
        ok = True
        for op, a, b in zip(n.ops, values, values[1:]):
            if type(op) not in COMPARE:
                raise self.fail(f"unsupported comparison '{ast.unparse(n)}'", "use <, <=, > or >=")
            ok = ok and bool(COMPARE[type(op)](a, b))
        return ok


def _is_literal(n: ast.AST) -> bool:
    """True for arithmetic made of numbers only (e.g. 617 / 60 - 1.5)."""
    return all(isinstance(c, (ast.Constant, ast.BinOp, ast.UnaryOp, ast.operator, ast.unaryop)) for c in ast.walk(n))


def evaluate(exp: Expectation, reports: dict[str, dict[str, np.ndarray]], path: Path = EXPECTATIONS) -> Outcome:
    """Evaluate one expectation over the reports of its experiments (report id -> label -> values)."""
    evaluator = Evaluator({rid: report_columns(r) for rid, r in reports.items()}, (path, exp.id))
    passed = evaluator.run(exp.assertion)
    return Outcome(exp, passed, evaluator.values)


# ---------------------------------------------------------------------------- table


def _row(values: dict[str, str], path: Path, line: int) -> Expectation:
    """One table row as an Expectation."""
    row_id = values.get("id") or f"line {line}"
    if any(not values.get(k) for k in ("id", "claim", "reference", "experiments", "assertion", "status")):
        raise NecroSbmlError("expectation row has an empty field", file=path, id=row_id, fix=f"fill the columns {', '.join(COLUMNS[:6])}")
    if values["status"] not in STATUSES:
        raise NecroSbmlError(f"unknown status '{values['status']}'", file=path, id=row_id, fix="use expected, known_limitation or prediction")
    if values["status"] in ("known_limitation", "prediction") and not values.get("note"):
        raise NecroSbmlError(f"{values['status'].replace('_', ' ')} without a note", file=path, id=row_id,
                             fix="explain the limitation or what the prediction rests on in note")
    split = lambda text: tuple(s.strip() for s in text.split(";") if s.strip())  # noqa: E731
    return Expectation(values["id"], values["claim"], split(values["reference"]), split(values["experiments"]),
                       values["assertion"], values["status"], values.get("note") or "")


def load_expectations(path: Path = EXPECTATIONS) -> list[Expectation]:
    """All rows of the expectations table (lines starting with # are comments)."""
    try:
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    except FileNotFoundError as err:
        raise NecroSbmlError("expectations table missing", file=path, fix="restore experiments/expectations.tsv") from err
    reader = csv.DictReader(io.StringIO("\n".join(lines)), delimiter="\t")
    if reader.fieldnames != COLUMNS:
        raise NecroSbmlError(f"header is {reader.fieldnames}", file=path, fix=f"use the columns {', '.join(COLUMNS)}")
    rows = [_row(r, path, i) for i, r in enumerate(reader, start=2)]
    ids = [r.id for r in rows]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate:
        raise NecroSbmlError("duplicate expectation id", file=path, id=duplicate, fix="give every row its own id")
    return rows
