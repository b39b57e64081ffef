"""Run catalogue experiments: execute each SED-ML file and write its reports and plots atomically."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from necro_sbml.core.atomic import atomic_output_dir
from necro_sbml.sedml.catalogue import Experiment, load_catalogue, select
from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.sedml.execute import SedResult, execute, write_outputs
from necro_sbml.sedml.semantics import DEFAULT_MAX_STEPS


def progress_line(i: int, n: int, label: str, stream: TextIO) -> None:
    """A one-line progress counter on stderr, e.g. `[ 3/25] ko_ripk3`."""
    width = len(str(n))
    bar = "#" * (20 * i // n)
    print(f"[{i:>{width}}/{n}] [{bar:<20}] {label}", file=stream, flush=True)


def run_experiments(experiments: list[Experiment], progress: TextIO | None = sys.stderr,
                    max_steps: int = DEFAULT_MAX_STEPS) -> dict[str, SedResult]:
    """Execute the experiments' SED-ML files in order; results by experiment id."""
    results = {}
    for i, exp in enumerate(experiments, start=1):
        if progress is not None:
            progress_line(i, len(experiments), exp.id, progress)
        if not exp.path.is_file():
            raise NecroSbmlError("SED-ML file missing", file=exp.path, id=exp.id, fix="run `necro-sbml experiments`")
        results[exp.id] = execute(exp.path, max_steps)
    return results


def run_to_directory(ids: list[str], output: Path, progress: TextIO | None = sys.stderr,
                     max_steps: int = DEFAULT_MAX_STEPS) -> dict[str, SedResult]:
    """Run the named experiments ('all' or none = every one) and write output/<id>/*.csv|png atomically.

    Everything is computed before anything is written, so an error leaves earlier results intact.
    """
    experiments = select(ids, load_catalogue())
    results = run_experiments(experiments, progress, max_steps)
    with atomic_output_dir(output) as tmp:
        for exp_id, result in results.items():
            write_outputs(result, tmp / exp_id)
    return results
