"""Benchmark of ensembles of the OVX experiment (tissue_ovx: sham + OVX, 196 days, 197 points, settle 60 days).

Compares, on the same members (seed 0): this package's runner (1 and 2 local workers), a plain loop
reloading the model with tellurium per member, a COPASI (basico) loop on the model loaded once, and the
raw roadrunner floor (model preloaded; only the time inside RoadRunner.simulate for the same runs).
Every measurement runs in a fresh subprocess, so its peak memory (ru_maxrss of the process and its worker
children) is its own. Run: python benchmarks/bench_ensemble.py [--sizes 100,1000,3000]. Prints Markdown.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXPERIMENT = "tissue_ovx"
SEED = 0


def _study_and_table():
    """The benchmark study and the tissue uncertainty table."""
    from necro_sbml.ensembles import study_from_experiment
    from necro_sbml.ensembles import load_uncertainty

    return study_from_experiment(EXPERIMENT), load_uncertainty("osteoporosis")


def runner(n: int, workers: int) -> float:
    """This package's ensemble runner (chunks to Parquet, no summary), seconds."""
    from necro_sbml.ensembles import run_ensemble

    study, unc = _study_and_table()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        run_ensemble(study, unc, n, SEED, tmp, workers=workers, chunk_size=max(10, min(250, n // (4 * workers))),
                     stream=None, summarise=False)
        return time.perf_counter() - start


def raw_floor(n: int) -> float:
    """Integration time alone: the seconds spent inside RoadRunner.simulate for the same member runs (the floor)."""
    from necro_sbml.ensembles import MemberRunner, quiet_solver_log
    from necro_sbml.ensembles import member_unit

    quiet_solver_log()
    study, unc = _study_and_table()
    member = MemberRunner(study, unc)
    rr, conditions = member.rr, list(member.conditions.values())
    integrating = 0.0
    for i in range(n):
        params = unc.values(member_unit(SEED, i, len(unc.factors)))
        for id_, v in {**member.defaults, **params, **member.species_defaults}.items():
            rr.model.setValue(f"init({id_})", v)
        rr.resetAll()
        start = time.perf_counter()
        rr.simulate(0.0, unc.settle_days, 2)
        integrating += time.perf_counter() - start
        settled = {s: max(0.0, rr[s]) for s in member.settle_species}
        for inputs in conditions:
            for id_, v in {**member.defaults, **params, **settled, **inputs}.items():
                rr.model.setValue(f"init({id_})", v)
            rr.resetAll()
            start = time.perf_counter()
            rr.simulate(0.0, study.until, study.points)
            integrating += time.perf_counter() - start
    return integrating


def tellurium_loop(n: int) -> float:
    """Plain loop: tellurium reloads (recompiles) the SBML for every member, then runs both conditions, seconds."""
    import tellurium as te

    from necro_sbml.core import sbml_path
    from necro_sbml.ensembles import member_unit

    study, unc = _study_and_table()
    sbml = sbml_path(study.model).read_text(encoding="utf-8")
    start = time.perf_counter()
    for i in range(n):
        rr = te.loadSBMLModel(sbml)
        params = unc.values(member_unit(SEED, i, len(unc.factors)))
        for inputs in study.conditions.values():
            for id_, v in {**params, **inputs}.items():
                rr.model.setValue(f"init({id_})", v)
            rr.resetAll()
            rr.timeCourseSelections = ["time", *study.outputs]
            rr.simulate(0.0, study.until, study.points)
            rr.resetToOrigin()
    return time.perf_counter() - start


def copasi_loop(n: int) -> float:
    """COPASI (basico, LSODA at the package's crosscheck tolerances): model loaded once, both conditions per member, seconds."""
    from necro_sbml.exchange import copasi_fixed_parameters, copasi_opened, copasi_run_time_course, copasi_set_inputs
    from necro_sbml.ensembles import member_unit

    study, unc = _study_and_table()
    touched = set(unc.ids).union(*[c.keys() for c in study.conditions.values()])
    with copasi_opened(study.model) as dm:
        fixed = copasi_fixed_parameters(dm)
        defaults = {i: fixed[i].getInitialValue() for i in touched}
        start = time.perf_counter()
        for i in range(n):
            params = unc.values(member_unit(SEED, i, len(unc.factors)))
            for inputs in study.conditions.values():
                copasi_set_inputs(dm, {**defaults, **params, **inputs})
                copasi_run_time_course(dm, study.until, study.points)
        return time.perf_counter() - start


KINDS = {"runner": runner, "raw": raw_floor, "tellurium": tellurium_loop, "copasi": copasi_loop}


def one(kind: str, n: int, workers: int) -> None:
    """Run one measurement in this process and print it as JSON (seconds, peak RSS MB of self and children)."""
    seconds = KINDS[kind](n, workers) if kind == "runner" else KINDS[kind](n)
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"kind": kind, "n": n, "workers": workers, "seconds": seconds,
                      "peak_mb": peak_self, "peak_children_mb": peak_children}))


def measure(kind: str, n: int, workers: int = 1) -> dict:
    """One measurement in a fresh subprocess."""
    out = subprocess.run([sys.executable, __file__, "--one", kind, str(n), str(workers)], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    """Run every measurement and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--one", nargs=3, metavar=("KIND", "N", "WORKERS"))
    parser.add_argument("--sizes", default="100,1000,3000")
    parser.add_argument("--small", type=int, default=100, help="members for the floor and runner comparison")
    parser.add_argument("--copasi", type=int, default=10, help="members for the COPASI loop")
    parser.add_argument("--tellurium", type=int, default=5, help="members for the tellurium reload loop")
    args = parser.parse_args()
    if args.one:
        one(args.one[0], int(args.one[1]), int(args.one[2]))
        return
    rows = [measure("raw", args.small), measure("tellurium", args.tellurium), measure("copasi", args.copasi)]
    for n in (int(s) for s in args.sizes.split(",")):
        rows += [measure("runner", n, 1), measure("runner", n, 2)]
    floor = next(r for r in rows if r["kind"] == "raw")
    floor_rate = floor["n"] / floor["seconds"]
    print("| engine | members | workers | seconds | members/s | vs raw floor (per core) | peak RSS MB (self / children) |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        rate = r["n"] / r["seconds"]
        print(f"| {r['kind']} | {r['n']} | {r['workers']} | {r['seconds']:.2f} | {rate:.2f} | "
              f"{floor_rate / (rate / r['workers']):.2f}x | {r['peak_mb']:.0f} / {r['peak_children_mb']:.0f} |")
    runners = {(r["n"], r["workers"]): r["n"] / r["seconds"] for r in rows if r["kind"] == "runner"}
    copasi = next(r for r in rows if r["kind"] == "copasi")
    tell = next(r for r in rows if r["kind"] == "tellurium")
    for n in sorted({k[0] for k in runners}):
        print(f"\nN={n}: parallel efficiency on 2 cores {runners[(n, 2)] / (2 * runners[(n, 1)]):.0%}; "
              f"runner(2) / COPASI loop {runners[(n, 2)] / (copasi['n'] / copasi['seconds']):.0f}x; "
              f"runner(1) / tellurium reload loop {runners[(n, 1)] / (tell['n'] / tell['seconds']):.0f}x; "
              f"raw floor / runner(1) {floor_rate / runners[(n, 1)]:.2f}")


if __name__ == "__main__":
    main()
