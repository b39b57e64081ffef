"""The cell report: build and validate the cell model, run the canonical conditions, write CSV/PNG."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import pandas as pd

from necro_sbml.core.atomic import atomic_output_dir, write_text_atomic
from necro_sbml.building.build import build_all
from necro_sbml.simulation.conditions import CANONICAL
from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.interface import outputs
from necro_sbml.core.plots import plot_timecourse
from necro_sbml.simulation.simulate import timecourse
from necro_sbml.building.validate import validate_sbml

CELL_MODEL = "necroptosis"


def _final_row(name: str, spec: dict, df: pd.DataFrame, columns: list[str]) -> dict:
    """One summary row: condition, hours simulated, final output values, description."""
    final = df.iloc[-1]
    return {"condition": name, "until_h": spec["until"], **{c: final[c] for c in columns}, "description": spec["description"]}


def run_condition(name: str, spec: dict, out_dir: Path, columns: list[str]) -> dict:
    """Simulate one condition, write its CSV and PNG, return its summary row."""
    df = timecourse(CELL_MODEL, spec["inputs"], until=spec["until"])
    df.to_csv(out_dir / f"{name}.csv")
    plot_timecourse(df, columns, out_dir / f"{name}.png", f"{name}: {spec['description']}")
    return _final_row(name, spec, df, columns)


def cell_report(output: Path, progress: TextIO = sys.stderr) -> Path:
    """Build (or refresh) and validate the cell SBML, run every canonical condition into output/."""
    sbml = build_all([CELL_MODEL])[0]
    report = validate_sbml(sbml)
    if not report.ok:
        raise NecroSbmlError(f"validation failed:\n{report.format()}", file=sbml, fix="run `necro-sbml validate` and correct the model")
    conditions = CANONICAL
    columns = outputs(CELL_MODEL)
    with atomic_output_dir(output) as tmp:
        write_text_atomic(tmp / "validation.txt", report.format() + "\n")
        rows = []
        for i, (name, spec) in enumerate(conditions.items(), start=1):
            print(f"[{i}/{len(conditions)}] {name}", file=progress, flush=True)
            rows.append(run_condition(name, spec, tmp, columns))
        pd.DataFrame(rows).to_csv(tmp / "summary.csv", index=False)
    return output
