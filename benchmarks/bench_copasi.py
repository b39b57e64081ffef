"""Benchmark of the COPASI path: import, one time course, the full crosscheck, and its worst deviations.

Run: python benchmarks/bench_copasi.py. Prints Markdown tables. Not a test.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from necro_sbml.exchange import (
    copasi_import_messages, copasi_time_course_of, copasi_timecourse, run_crosscheck, select_crosscheck,
)


def seconds(func: Callable[[], object]) -> float:
    """Wall-clock seconds of one call."""
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def main() -> None:
    """Time the COPASI steps per model, then print the worst deviation per model and output."""
    print("| step | seconds |\n|---|---|")
    for model in dict.fromkeys(m for m, _ in select_crosscheck([])):
        until, intervals = copasi_time_course_of(model)
        print(f"| {model}: COPASI SBML import | {seconds(lambda: copasi_import_messages(model)):.3f} |")
        print(f"| {model}: COPASI import + time course, {until:g} time units, LSODA rtol 1e-10 | "
              f"{seconds(lambda: copasi_timecourse(model, {}, until, intervals + 1)):.3f} |")
    start = time.perf_counter()
    table = run_crosscheck(select_crosscheck([]))
    print(f"| crosscheck, every model and condition (COPASI + round trip) | {time.perf_counter() - start:.3f} |\n")
    worst = table.groupby(["model", "output"], sort=False)[["copasi_deviation", "roundtrip_deviation"]].max()
    print("| model | output | worst COPASI deviation | worst round-trip deviation |\n|---|---|---|---|")
    for (model, output), row in worst.iterrows():
        print(f"| {model} | {output} | {row.copasi_deviation:.1e} | {row.roundtrip_deviation:.1e} |")


if __name__ == "__main__":
    main()
