"""The experiment suite split into load, integration, other executor work, report I/O and plotting, in one run.

Every ratio is CPU time (minimum over --rounds) measured in this process, so only ratios are meaningful on a
shared machine. Also times one dose scan (dose_nec1: a 241-point time course, its endpoint and 49 doses) against
a hand-written roadrunner loop doing the same simulations on one loaded model.
Run: python benchmarks/bench_suite.py [--rounds 3]. Prints Markdown.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import roadrunner

from necro_sbml import execute
from necro_sbml.sedml import load_catalogue, plot_specs, render_plot, run_experiments, write_reports, write_results
from necro_sbml.simulation import load

SCAN = "dose_nec1"
CLOCK: dict[str, float] = defaultdict(float)


def timed_method(owner: object, name: str, label: str) -> Callable[[], None]:
    """Wrap owner.name so that its CPU time adds to CLOCK[label]; returns the undo function."""
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        start = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            CLOCK[label] += time.process_time() - start

    setattr(owner, name, wrapper)
    return lambda: setattr(owner, name, original)


def cpu(func: Callable, *args) -> tuple[float, object]:
    """CPU seconds of one call and its result."""
    start = time.process_time()
    result = func(*args)
    return time.process_time() - start, result


def suite_round(experiments: list) -> dict[str, float]:
    """One execution of every experiment, split into load, integration and the rest of the executor."""
    CLOCK.clear()
    undo = [timed_method(roadrunner.RoadRunner, "simulate", "integration"),
            timed_method(roadrunner.RoadRunner, "steadyState", "integration"),
            timed_method(roadrunner.RoadRunner, "loadStateS", "load")]
    try:
        total, results = cpu(run_experiments, experiments, None)
    finally:
        for u in undo:
            u()
    return {"execute": total, "integration": CLOCK["integration"], "load": CLOCK["load"], "results": results}


def hand_scan() -> int:
    """The dose scan's simulations written by hand: one loaded model, set inputs, resetAll, simulate."""
    exp = load_catalogue()[SCAN]
    rr = load(exp.model.id)
    rr.timeCourseSelections = ["time", *exp.outputs]
    dose, default = exp.scan.parameter, rr[f"init({exp.scan.parameter})"]
    runs = 0
    for inputs in exp.conditions.values():
        plain = {**inputs, dose: default}
        for values, points in [(plain, exp.points), (plain, 2)] + [({**inputs, dose: d}, 2) for d in exp.scan.grid()]:
            for id_, value in values.items():
                rr.model.setValue(f"init({id_})", value)
            rr.resetAll()
            rr.simulate(0.0, exp.until, points)
            runs += 1
    return runs


def counted(func: Callable, *args) -> int:
    """How many simulations a call runs."""
    calls = 0
    original = roadrunner.RoadRunner.simulate

    def counting(self, *a, **k):
        nonlocal calls
        calls += 1
        return original(self, *a, **k)

    roadrunner.RoadRunner.simulate = counting
    try:
        func(*args)
    finally:
        roadrunner.RoadRunner.simulate = original
    return calls


def plot_pool(results: dict, out: Path) -> tuple[float, float]:
    """Wall seconds and CPU seconds (this process and its children) of writing every output through the plot pool."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    write_results(results, out)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    children = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return time.perf_counter() - start_wall, time.process_time() - start_cpu + children


def main() -> None:
    """Measure and print the tables."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-plots", action="store_true", help="skip the plotting measurements")
    args = parser.parse_args()
    experiments = list(load_catalogue().values())
    run_experiments(experiments, None)  # compile both models once (in-process cache), like any later run
    rounds = [suite_round(experiments) for _ in range(args.rounds)]
    best = min(rounds, key=lambda r: r["execute"])
    results = best["results"]
    with tempfile.TemporaryDirectory() as tmp:
        io_cpu = min(cpu(lambda: [write_reports(r, Path(tmp) / "io" / k) for k, r in results.items()])[0] for _ in range(args.rounds))
        specs = [s for r in results.values() for s in plot_specs(r)] if not args.no_plots else []
        plot_cpu = min(cpu(lambda: [render_plot(s) for s in specs])[0] for _ in range(args.rounds)) if specs else 0.0
        pool = plot_pool(results, Path(tmp) / "pool") if specs else (0.0, 0.0)
    scan_sed = min(cpu(execute, load_catalogue()[SCAN].path)[0] for _ in range(args.rounds * 3))
    scan_hand = min(cpu(hand_scan)[0] for _ in range(args.rounds * 3))
    sims = (counted(execute, load_catalogue()[SCAN].path), counted(hand_scan))
    other = best["execute"] - best["integration"] - best["load"]
    print(f"| suite stage ({len(experiments)} experiments) | CPU s | share of execution |\n|---|---|---|")
    for label, value in (("load (loadStateS)", best["load"]), ("integration (simulate, steadyState)", best["integration"]),
                         ("other executor work", other), ("**execution**", best["execute"])):
        print(f"| {label} | {value:.2f} | {value / best['execute']:.0%} |")
    print(f"| report CSVs (I/O) | {io_cpu:.2f} | |")
    print(f"| {len(specs)} plots rendered in this process | {plot_cpu:.2f} | |")
    print(f"\nexecution / integration: **{best['execute'] / best['integration']:.2f}x** (target <= 3x)")
    print(f"plots through the process pool (CSV + PNG): {pool[0]:.2f} s wall, {pool[1]:.2f} s CPU of this process and its "
          f"workers, vs {plot_cpu:.2f} s CPU rendering in one process (wall times depend on the machine's load)")
    print(f"dose scan {SCAN} ({sims[0]} simulations; hand loop {sims[1]}): SED-ML {scan_sed * 1e3:.0f} ms, "
          f"hand roadrunner loop {scan_hand * 1e3:.0f} ms CPU: **{scan_sed / scan_hand:.2f}x** (target <= 1.5x)")


if __name__ == "__main__":
    main()
