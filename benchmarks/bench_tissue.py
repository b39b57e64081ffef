"""Benchmark of the tissue model: build, JIT load (cold and cached), two-year runs, the predictions.

Run: python benchmarks/bench_tissue.py [--repeats N]. Prints a Markdown table. Not a test.
"""

from __future__ import annotations

import io

from bench_cell import median_seconds, seconds, table_main

from necro_sbml.building import build_sbml
from necro_sbml.core import antimony_path
from necro_sbml.simulation import dose_response, load, timecourse
from necro_sbml.analyses import cell_type_specificity, target_comparison

MODEL = "osteoporosis"


def run(repeats: int) -> list[tuple[str, float]]:
    """Time every step and return (label, seconds) rows."""
    rows = [("build (Antimony modules -> comp -> flattened, annotated, validated SBML)",
             median_seconds(lambda: build_sbml(antimony_path(MODEL)), repeats))]
    rows.append(("model load, cold (JIT compile)", seconds(lambda: load(MODEL))))
    rows.append(("model load, cached", median_seconds(lambda: load(MODEL), repeats)))
    rows.append((f"2-year healthy run, 731 points (median of {repeats})",
                 median_seconds(lambda: timecourse(MODEL, {}, until=730.0, points=731), repeats)))
    rows.append((f"2-year OVX run, 731 points (median of {repeats})",
                 median_seconds(lambda: timecourse(MODEL, {"estrogen_target": 0.1}, until=730.0, points=731), repeats)))
    quiet = io.StringIO()
    rows.append(("predictions (12 target runs + 6 cell-type runs + baselines)",
                 seconds(lambda: (target_comparison(quiet), cell_type_specificity(quiet)))))
    return rows


def main() -> None:
    """Run the tissue benchmark and print the table."""
    table_main(run, __doc__)


if __name__ == "__main__":
    main()
