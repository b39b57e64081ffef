"""Benchmark of ensembles of the OVX experiment (tissue_ovx: sham + OVX, 196 days, 197 points, settle 60 days).

Part 1 (ratios, one process, CPU time, minimum over --rounds, the same members of seed 0): the integration floor
(CPU inside RoadRunner.simulate alone), a hand-written roadrunner loop (model loaded once; set values by id,
resetAll, simulate), this package's MemberRunner, and run_ensemble end to end (chunks to Parquet, no summary).
Part 2 (--sizes): run_ensemble with 1 and 2 workers, a tellurium reload loop and a COPASI loop, each in a fresh
subprocess so its peak memory (ru_maxrss of the process and its worker children) is its own.
Run: python benchmarks/bench_ensemble.py [--members 20] [--rounds 3] [--sizes 100,1000]. Prints Markdown.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from necro_sbml.simulation import load

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
    """Integration time alone: the CPU seconds inside RoadRunner.simulate for the same member runs (the floor)."""
    return hand_loop(n)[1]


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


@contextmanager
def integration_clock() -> Iterator[list[float]]:
    """Sum the CPU seconds spent inside RoadRunner.simulate while the block runs (into the yielded one-item list)."""
    import roadrunner

    spent, original = [0.0], roadrunner.RoadRunner.simulate

    def timed(self, *args, **kwargs):
        start = time.process_time()
        try:
            return original(self, *args, **kwargs)
        finally:
            spent[0] += time.process_time() - start

    roadrunner.RoadRunner.simulate = timed
    try:
        yield spent
    finally:
        roadrunner.RoadRunner.simulate = original


def hand_loop(members: int) -> float:
    """A hand-written roadrunner loop doing the members' work (model loaded once), CPU seconds."""
    from necro_sbml.ensembles import MemberRunner, member_unit

    study, unc = _study_and_table()
    reference = MemberRunner(study, unc)  # the ids and defaults the study touches
    rr = load(study.model)
    rr.timeCourseSelections = ["time", *study.outputs]
    start = time.process_time()
    for i in range(members):
        params = unc.values(member_unit(SEED, i, len(unc.factors)))
        for id_, v in {**reference.defaults, **params, **reference.species_defaults}.items():
            rr.model.setValue(f"init({id_})", v)
        rr.resetAll()
        rr.simulate(0.0, unc.settle_days, 2)
        settled = {s: max(0.0, rr[s]) for s in reference.settle_species}
        for inputs in study.conditions.values():
            for id_, v in {**reference.defaults, **params, **settled, **inputs}.items():
                rr.model.setValue(f"init({id_})", v)
            rr.resetAll()
            rr.simulate(0.0, study.until, study.points)
    return time.process_time() - start


def raw_floor(n: int) -> float:
    """Integration time alone: the CPU seconds inside RoadRunner.simulate of the hand loop (the floor)."""
    with integration_clock() as spent:
        hand_loop(n)
    return spent[0]


def member_runner(members: int) -> float:
    """CPU seconds of MemberRunner.run_member over the members (model already compiled in this process)."""
    from necro_sbml.ensembles import MemberRunner

    study, unc = _study_and_table()
    runner_ = MemberRunner(study, unc)
    start = time.process_time()
    for i in range(members):
        assert runner_.run_member(SEED, i).ok
    return time.process_time() - start


def end_to_end(members: int) -> float:
    """CPU seconds of run_ensemble (one worker, in this process; chunk files written, no summary)."""
    from necro_sbml.ensembles import run_ensemble

    study, unc = _study_and_table()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.process_time()
        run_ensemble(study, unc, members, SEED, tmp, workers=1, chunk_size=max(1, members // 2), stream=None, summarise=False)
        return time.process_time() - start


def ratios(members: int, rounds: int) -> None:
    """Part 1: each way's CPU time against its own time inside simulate (the floor) and against the hand loop."""
    from necro_sbml.ensembles import quiet_solver_log

    quiet_solver_log()
    member_runner(1)  # compile once, as every later call in this process reuses it
    ways = {"hand roadrunner loop": hand_loop, "MemberRunner": member_runner, "run_ensemble (end to end)": end_to_end}
    best: dict[str, tuple[float, float]] = {}
    for _ in range(rounds):  # interleaved, so a change in the machine's load hits every way alike
        for label, way in ways.items():
            with integration_clock() as spent:
                total = way(members)
            if label not in best or total < best[label][0]:
                best[label] = (total, spent[0])
    hand = best["hand roadrunner loop"][0]
    print(f"| {members} members of {EXPERIMENT}, min of {rounds} rounds | CPU s | in simulate (floor) s | / floor | / hand loop |")
    print("|---|---|---|---|---|")
    for label, (total, floor) in best.items():
        print(f"| {label} | {total:.2f} | {floor:.2f} | {total / floor:.3f}x | {total / hand:.3f}x |")


def _ovx_draws(members: int) -> tuple[object, dict[str, float], list[dict[str, float]]]:
    """The study, its last condition (OVX) and the members' parameter draws."""
    from necro_sbml.ensembles import member_unit

    study, unc = _study_and_table()
    return study, list(study.conditions.values())[-1], [unc.values(member_unit(SEED, i, len(unc.factors))) for i in range(members)]


def roadrunner_ovx(members: int) -> float:
    """The COPASI scan's work in roadrunner: per member set its parameters, resetAll, one OVX time course; CPU s."""
    study, ovx, draws = _ovx_draws(members)
    rr = load(study.model)
    rr.timeCourseSelections = ["time", *study.outputs]
    start = time.process_time()
    for params in draws:
        for id_, v in {**params, **ovx}.items():
            rr.model.setValue(f"init({id_})", v)
        rr.resetAll()
        rr.simulate(0.0, study.until, study.points)
    return time.process_time() - start


def copasi_native_scan(members: int) -> float:
    """COPASI's own scan task run in C++: a repeat item of `members` and one random item per uncertain id, each
    repeat an OVX time course (LSODA, the crosscheck tolerances); CPU s. COPASI draws its own samples: uniform
    factors over their bounds, log-normal ones log-uniformly over +-2 sigma."""
    import basico
    import COPASI

    from necro_sbml.exchange import copasi_fixed_parameters, copasi_opened, copasi_set_inputs

    study, ovx, _ = _ovx_draws(1)
    unc = _study_and_table()[1]
    with copasi_opened(study.model) as dm:
        copasi_set_inputs(dm, ovx)
        fixed = copasi_fixed_parameters(dm)
        basico.set_task_settings(basico.T.TIME_COURSE, {
            "problem": {"Duration": study.until, "StepNumber": study.points - 1},
            "method": {"name": "Deterministic (LSODA)", "Relative Tolerance": 1e-10, "Absolute Tolerance": 1e-12,
                       "Max Internal Steps": 1_000_000}}, model=dm)
        items = [{"type": "repeat", "num_steps": members}]
        for factor in unc.factors:
            for id_, base in zip(factor.ids, factor.base):
                low, high = ((factor.low, factor.high) if factor.distribution == "uniform"
                             else (base * math.exp(-2 * factor.sigma), base * math.exp(2 * factor.sigma)))
                items.append({"type": "random", "cn": fixed[id_].getInitialValueReference().getCN().getString(),
                              "min": low, "max": high, "distribution": "uniform", "log": factor.distribution != "uniform"})
        basico.set_scan_settings(subtask=basico.T.TIME_COURSE, output_during_subtask=False,
                                 continue_from_current_state=False, scan_items=items, model=dm)
        task = dm.getTask("Scan")
        assert task.initializeRaw(COPASI.CCopasiTask.OUTPUT_UI)
        start = time.process_time()
        assert task.processRaw(True)
        return time.process_time() - start


def basico_loop(members: int) -> float:
    """A basico Python loop: per member set every parameter with basico.set_parameters, one OVX time course; CPU s."""
    import basico

    from necro_sbml.exchange import copasi_fixed_parameters, copasi_opened, copasi_run_time_course

    study, ovx, draws = _ovx_draws(members)
    with copasi_opened(study.model) as dm:
        names = {id_: p.getObjectName() for id_, p in copasi_fixed_parameters(dm).items()}
        start = time.process_time()
        for params in draws:
            for id_, v in {**params, **ovx}.items():
                basico.set_parameters(names[id_], exact=True, initial_value=v, model=dm)
            copasi_run_time_course(dm, study.until, study.points)
        return time.process_time() - start


def copasi_ratios(members: int, basico_members: int, rounds: int) -> None:
    """Part 1b: COPASI's native scan and a basico loop against roadrunner doing the same OVX time courses."""
    rr = min(roadrunner_ovx(members) for _ in range(rounds))
    scan = min(copasi_native_scan(members) for _ in range(rounds))
    loop = min(basico_loop(basico_members) for _ in range(rounds)) * members / basico_members
    print(f"\n| {members} OVX time courses (196 days, 197 points), min of {rounds} | CPU s | / roadrunner |\n|---|---|---|")
    for label, seconds in (("roadrunner loop (set values, resetAll, simulate)", rr), ("COPASI native scan task (C++)", scan),
                           (f"basico loop (measured on {basico_members}, scaled)", loop)):
        print(f"| {label} | {seconds:.2f} | {seconds / rr:.1f}x |")


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
    parser.add_argument("--members", type=int, default=20, help="members for the ratios of part 1")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--copasi-members", type=int, default=20, help="members for COPASI's scan task (0: skip)")
    parser.add_argument("--basico-members", type=int, default=2, help="members for the basico loop")
    parser.add_argument("--sizes", default="", help="part 2: comma-separated ensemble sizes (e.g. 100,1000)")
    parser.add_argument("--small", type=int, default=100, help="members for the floor and runner comparison")
    parser.add_argument("--copasi", type=int, default=10, help="members for the COPASI loop")
    parser.add_argument("--tellurium", type=int, default=5, help="members for the tellurium reload loop")
    args = parser.parse_args()
    if args.one:
        one(args.one[0], int(args.one[1]), int(args.one[2]))
        return
    ratios(args.members, args.rounds)
    if args.copasi_members:
        copasi_ratios(args.copasi_members, args.basico_members, args.rounds)
    if not args.sizes:
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
