"""COPASI (LSODA) against libroadrunner (CVODE), and the SBML -> COPASI -> SBML round trip, per output.

Deviation of an output = max over the run of |a - b| / scale, where scale is the output's range over the
roadrunner run, floored at RELATIVE_FLOOR x its largest magnitude (so a flat output is compared relative to
its level) and at ABSOLUTE_FLOOR (so an output that stays at 0 is compared in absolute terms).
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from necro_sbml.exchange import copasi
from necro_sbml.simulation import simulate
from necro_sbml.core.atomic import atomic_output_dir, write_text_atomic
from necro_sbml.sedml.catalogue import load_catalogue
from necro_sbml.simulation.conditions import CANONICAL, condition
from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.interface import INTERFACE
from necro_sbml.core.paths import model_names

TOLERANCE = 1e-3
RELATIVE_FLOOR = 1e-3
ABSOLUTE_FLOOR = 1e-9
DEFAULT_CONDITION = "default"
COLUMNS = ["model", "condition", "output", "range", "max_abs_diff", "copasi_deviation", "roundtrip_deviation"]

# Named time-course conditions per model; a model without an entry runs its default inputs only.
MODEL_CONDITIONS: dict[str, dict[str, dict]] = {"necroptosis": CANONICAL}


def conditions(model: str) -> dict[str, dict]:
    """A model's time-course conditions: its named ones (else its default), then every condition of its SED-ML
    time-course experiments, named `<experiment>/<condition>` (dose scans are repeatedTasks and left out)."""
    until, _ = copasi.time_course_of(model)
    named = MODEL_CONDITIONS.get(model) or {DEFAULT_CONDITION: condition("default inputs", {}, until)}
    return {**named, **experiment_conditions(model)}


def experiment_conditions(model: str) -> dict[str, dict]:
    """The conditions of the catalogue's time-course experiments on this model."""
    return {f"{exp.id}/{name}": condition(exp.title, inputs, exp.until)
            for exp in load_catalogue().values() if exp.model.id == model and exp.scan is None
            for name, inputs in exp.conditions.items()}


def points_for(model: str | Path, until: float) -> int:
    """Output points: the model's standard interval length, at least 100 intervals."""
    duration, intervals = copasi.time_course_of(model)
    return max(100, int(round(until / duration * intervals))) + 1


def compared_ids(model: str | Path) -> list[str]:
    """The ids compared: the model's interface outputs, else every species and rule-defined parameter."""
    ids = INTERFACE.get(copasi.model_id(model))
    if ids:
        return [i.id for i in ids if i.kind == "output"]
    return simulate.default_selections(simulate.load(model))[1:]


def scale(reference: pd.Series) -> float:
    """The range of an output over the run, floored for flat outputs (see the module docstring)."""
    values = reference.to_numpy(dtype=float)
    return float(max(np.ptp(values), RELATIVE_FLOOR * np.abs(values).max(), ABSOLUTE_FLOOR))


def compare(reference: pd.DataFrame, other: pd.DataFrame, ids: Sequence[str]) -> pd.DataFrame:
    """Per id: the reference's range, the largest absolute difference and the scaled deviation."""
    missing = [i for i in ids if i not in other.columns]
    if missing:
        raise NecroSbmlError("output missing from the compared simulation", id=missing[0], fix="compare ids both simulators report")
    if len(reference) != len(other) or not np.allclose(reference.index, other.index, rtol=1e-12, atol=1e-12):
        raise NecroSbmlError("the two simulations have different time points", fix="run both with the same until and points")
    rows = []
    for id_ in ids:
        diff = float(np.abs(reference[id_].to_numpy() - other[id_].to_numpy()).max())
        rows.append({"output": id_, "range": float(np.ptp(reference[id_].to_numpy())), "max_abs_diff": diff,
                     "deviation": diff / scale(reference[id_])})
    return pd.DataFrame(rows).set_index("output")


def _reference(model: str | Path, inputs: Mapping[str, object], until: float, points: int, ids: Sequence[str]) -> pd.DataFrame:
    """The roadrunner time course of the compared ids (inputs checked against the model)."""
    return simulate.timecourse(model, inputs, until=until, points=points, selections=list(ids))


def crosscheck_run(
    model: str | Path, inputs: Mapping[str, object] | None = None, until: float | None = None, points: int | None = None,
    ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Run one perturbation in roadrunner and in COPASI; per output id: range, max |difference|, deviation.

    model: model id or SBML path; inputs: initial values by SBML id; until, points: the time grid
    (default: the model's standard time course); ids: what to compare (default: compared_ids(model)).
    """
    until = until if until is not None else copasi.time_course_of(model)[0]
    points = points or points_for(model, until)
    ids = list(ids) if ids else compared_ids(model)
    reference = _reference(model, inputs or {}, until, points, ids)
    return compare(reference, copasi.timecourse(model, inputs or {}, until, points), ids)


def roundtrip_run(
    model: str | Path, exported: Path, inputs: Mapping[str, object] | None = None,
    until: float | None = None, points: int | None = None,
) -> pd.DataFrame:
    """Run one perturbation in roadrunner on the original and on COPASI's exported SBML; deviation per output."""
    until = until if until is not None else copasi.time_course_of(model)[0]
    points = points or points_for(model, until)
    ids = compared_ids(model)
    reference = _reference(model, inputs or {}, until, points, ids)
    return compare(reference, _reference(exported, inputs or {}, until, points, ids), ids)


def select(tokens: Sequence[str]) -> list[tuple[str, str]]:
    """(model, condition) pairs for model ids, condition names or `all` (nothing selected = all)."""
    everything = [(m, c) for m in model_names() for c in conditions(m)]
    if not tokens or "all" in tokens:
        return everything
    chosen: list[tuple[str, str]] = []
    for token in tokens:
        matches = [(m, c) for m, c in everything if token in (m, c)]
        if not matches:
            names = sorted({m for m, _ in everything} | {c for _, c in everything})
            raise NecroSbmlError("unknown model or condition", id=token, fix=f"use all or one of: {', '.join(names)}")
        chosen += [pair for pair in matches if pair not in chosen]
    return chosen


def crosscheck(pairs: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """The long table: per model, condition and output, COPASI and round-trip deviations from roadrunner."""
    frames = []
    with tempfile.TemporaryDirectory(prefix="necro-copasi-") as tmp:
        for model in dict.fromkeys(m for m, _ in pairs):
            exported = Path(tmp) / f"{model}.xml"
            exported.write_text(copasi.export_sbml(model), encoding="utf-8")
            for name in (c for m, c in pairs if m == model):
                spec = conditions(model)[name]
                run = crosscheck_run(model, spec["inputs"], spec["until"])
                trip = roundtrip_run(model, exported, spec["inputs"], spec["until"])
                frames.append(pd.DataFrame({
                    "model": model, "condition": name, "output": run.index, "range": run["range"].to_numpy(),
                    "max_abs_diff": run["max_abs_diff"].to_numpy(), "copasi_deviation": run["deviation"].to_numpy(),
                    "roundtrip_deviation": trip["deviation"].reindex(run.index).to_numpy(),
                }))
    return pd.concat(frames, ignore_index=True)[COLUMNS]


def failures(table: pd.DataFrame, tolerance: float | None = None) -> pd.DataFrame:
    """Rows whose COPASI or round-trip deviation exceeds the tolerance (default TOLERANCE)."""
    tolerance = TOLERANCE if tolerance is None else tolerance
    return table[(table["copasi_deviation"] > tolerance) | (table["roundtrip_deviation"] > tolerance)]


def markdown(table: pd.DataFrame) -> str:
    """Markdown: per model, conditions x outputs, cells `COPASI / round trip` deviation."""
    lines = [f"Deviation = max|a - b| / max(range, {RELATIVE_FLOOR:g} x max|a|, {ABSOLUTE_FLOOR:g}); "
             f"tolerance {TOLERANCE:g}. Cells: COPASI vs roadrunner / round-trip SBML vs original."]
    for model, rows in table.groupby("model", sort=False):
        outs = list(dict.fromkeys(rows["output"]))
        lines += ["", f"### {model}", "", "| condition | " + " | ".join(outs) + " |", "|---" * (len(outs) + 1) + "|"]
        for name, cond in rows.groupby("condition", sort=False):
            cells = cond.set_index("output")
            lines.append(f"| {name} | " + " | ".join(
                f"{cells.at[o, 'copasi_deviation']:.1e} / {cells.at[o, 'roundtrip_deviation']:.1e}" for o in outs) + " |")
        lines.append(f"| **max** | " + " | ".join(
            f"{rows[rows.output == o].copasi_deviation.max():.1e} / {rows[rows.output == o].roundtrip_deviation.max():.1e}"
            for o in outs) + " |")
    return "\n".join(lines) + "\n"


def write_results(table: pd.DataFrame, output: str | Path) -> list[Path]:
    """Write crosscheck.csv and crosscheck.md into output/, atomically."""
    with atomic_output_dir(output) as tmp:
        write_text_atomic(tmp / "crosscheck.csv", table.to_csv(index=False, float_format="%.3e"))
        write_text_atomic(tmp / "crosscheck.md", markdown(table))
    return [Path(output) / "crosscheck.csv", Path(output) / "crosscheck.md"]
