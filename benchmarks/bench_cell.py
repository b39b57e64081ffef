"""Benchmark of the cell model: build, JIT load (cold and cached), one 24 h run, a 1,000-dose scan.

Run: python benchmarks/bench_cell.py [--repeats N]. Prints a Markdown table. Not a test.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np

from necro_sbml.building import build_sbml
from necro_sbml.core import antimony_path
from necro_sbml.simulation import dose_response, load, timecourse

MODEL = "necroptosis"
TSZ = {"TNF_ngml": 100.0, "Smac_uM": 1.0, "zVAD_uM": 20.0}


def seconds(func: Callable[[], object]) -> float:
    """Wall-clock seconds of one call."""
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def median_seconds(func: Callable[[], object], repeats: int) -> float:
    """Median wall-clock seconds over repeats calls."""
    return statistics.median(seconds(func) for _ in range(repeats))


def run(repeats: int) -> list[tuple[str, float]]:
    """Time every step and return (label, seconds) rows."""
    rows = [("build (Antimony -> annotated, validated SBML)", median_seconds(lambda: build_sbml(antimony_path(MODEL)), repeats))]
    rows.append(("model load, cold (JIT compile)", seconds(lambda: load(MODEL))))
    rows.append(("model load, cached", median_seconds(lambda: load(MODEL), repeats)))
    rows.append((f"24 h TSZ time course, 241 points (median of {repeats})",
                 median_seconds(lambda: timecourse(MODEL, TSZ, until=24.0), repeats)))
    doses = np.logspace(-3, 2, 1000)
    scan_time = seconds(lambda: dose_response(MODEL, TSZ, "Nec1_uM", doses, 24.0, "necroptotic_frac"))
    rows.append(("1,000-dose Nec1_uM scan under TSZ, necroptotic_frac at 24 h", scan_time))
    return rows


def table_main(run_steps: Callable[[int], list[tuple[str, float]]], description: str | None) -> None:
    """Parse --repeats, run a benchmark's steps, print its Markdown table."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print("| step | seconds |\n|---|---|")
    for label, value in run_steps(args.repeats):
        print(f"| {label} | {value:.4f} |")


def main() -> None:
    """Run the cell benchmark and print the table."""
    table_main(run, __doc__)


if __name__ == "__main__":
    main()
