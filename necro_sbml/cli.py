"""Command line: necro-sbml build | validate | simulate | cell-report | predictions | experiments | run | check | archive | crosscheck | export-copasi | ensemble | sensitivity | review-questions."""

from __future__ import annotations

import argparse
import contextlib
import math
import sys
from collections.abc import Sequence
from pathlib import Path

from necro_sbml.core.atomic import check_output_dir, check_output_file, ensure_parent, write_bytes_atomic
from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.limits import DEFAULT_MAX_STEPS

# Every command imports its stage when it runs: `necro-sbml --help` loads no pandas, matplotlib, roadrunner or libsbml.


INTERRUPTED = 130


class Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors (exit 2) naming the fix."""

    def error(self, message: str) -> None:  # type: ignore[override]
        """Print `error: <problem>. Fix: ...` on one line and exit 2."""
        fix = f"see `{self.prog} --help`"
        self.exit(2, f"error: {NecroSbmlError(' '.join(message.split()), fix=fix)}\n")


def _number(text: str, kind: type, low: float, what: str) -> float:
    """Parse a finite number of the given type that is at least low, else an argparse error."""
    try:
        value = kind(text)
    except (TypeError, ValueError):
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not {what}") from None
    if not math.isfinite(value) or value < low:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not {what}")
    return value


def positive_int(text: str) -> int:
    """An integer >= 1."""
    return int(_number(text, int, 1, "an integer >= 1"))


def points_int(text: str) -> int:
    """A number of output points (>= 2)."""
    return int(_number(text, int, 2, "an integer >= 2"))


def seed_int(text: str) -> int:
    """A random seed (integer >= 0)."""
    return int(_number(text, int, 0, "an integer >= 0"))


def positive_float(text: str) -> float:
    """A finite number > 0."""
    value = _number(text, float, 0.0, "a finite number > 0")
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a finite number > 0")
    return value


def path_arg(text: str) -> str:
    """A non-empty path (an empty --output would mean the current directory)."""
    if not text.strip() or "\0" in text:
        raise argparse.ArgumentTypeError("an empty path or one with a NUL byte")
    return text


def parse_assignment(text: str) -> tuple[str, str]:
    """Split an `ID=VALUE` --set argument (the value is checked later)."""
    id_, sep, value = text.partition("=")
    if not sep or not id_.strip() or not value.strip():
        raise NecroSbmlError(f"bad --set '{text}'", fix="write --set ID=VALUE, e.g. --set Nec1_uM=10")
    return id_.strip(), value.strip()


def cmd_build(args: argparse.Namespace) -> int:
    """Build models; with --check, report stale committed SBML instead of writing."""
    from necro_sbml.building.build import build_all, check_up_to_date, stale_message  # noqa: PLC0415
    from necro_sbml.core.paths import model_names  # noqa: PLC0415

    names = args.models or model_names()
    if not args.check:
        for path in build_all(names):
            print(f"wrote {path}")
        return 0
    known = model_names()
    unknown = [n for n in names if n not in known]
    if unknown:
        raise NecroSbmlError("unknown model", id=unknown[0], fix=f"use one of: {', '.join(known)}")
    stale = [n for n in names if not check_up_to_date(n)]
    for name in stale:
        print(stale_message(name), file=sys.stderr)
    return 1 if stale else 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate SBML files; exit 1 on errors or unit warnings."""
    from necro_sbml.building.validate import validate_sbml  # noqa: PLC0415

    reports = [validate_sbml(Path(f)) for f in args.files]
    for report in reports:
        print(report.format())
    return 0 if all(r.ok for r in reports) else 1


def cmd_simulate(args: argparse.Namespace) -> int:
    """Simulate one model and write its CSV (and PNG) atomically."""
    from necro_sbml.core.atomic import ensure_parent, write_bytes_atomic  # noqa: PLC0415
    from necro_sbml.simulation.parameter_sets import parameter_set  # noqa: PLC0415
    from necro_sbml.simulation.simulate import timecourse  # noqa: PLC0415

    inputs: dict[str, object] = {}
    if args.parameter_set:
        set_model, inputs = parameter_set(args.parameter_set)
        if set_model != args.model:
            raise NecroSbmlError(f"parameter set is for model '{set_model}'", id=args.parameter_set,
                                 fix=f"simulate {set_model} or choose a set for {args.model}")
    inputs.update(parse_assignment(s) for s in args.set)
    for path in filter(None, (args.output, args.plot)):
        check_output_file(Path(path))
    columns = [c for c in args.columns.split(",") if c] if args.columns else None
    df = timecourse(args.model, inputs, until=args.until, points=args.points, selections=columns)
    png = None
    if args.plot:
        from necro_sbml.core.plots import render_timecourse  # noqa: PLC0415  (matplotlib only when plotting)

        png = render_timecourse(df, list(df.columns), f"{args.model}")
    for path in filter(None, (args.output, args.plot)):
        ensure_parent(Path(path))  # fail before writing anything
    write_bytes_atomic(args.output, df.to_csv().encode("utf-8"))
    if png is not None:
        write_bytes_atomic(args.plot, png)
    print(f"wrote {args.output}" + (f" and {args.plot}" if args.plot else ""))
    return 0


def cmd_cell_report(args: argparse.Namespace) -> int:
    """Run the cell report into the output directory."""
    from necro_sbml.analyses.cell_report import cell_report  # noqa: PLC0415

    check_output_dir(Path(args.output))
    out = cell_report(Path(args.output))
    print(f"wrote {out}")
    return 0


def cmd_predictions(args: argparse.Namespace) -> int:
    """Run the tissue predictions (target and cell-type comparisons) into the output directory."""
    from necro_sbml.analyses.predictions import predictions_report  # noqa: PLC0415

    check_output_dir(Path(args.output))
    print(f"wrote {predictions_report(Path(args.output))}")
    return 0


def cmd_crosscheck(args: argparse.Namespace) -> int:
    """COPASI vs roadrunner and the COPASI round trip per output; exit 1 when a deviation exceeds the tolerance."""
    from necro_sbml.exchange import crosscheck  # imports COPASI only when asked

    if args.output:
        check_output_dir(Path(args.output))
    table = crosscheck.crosscheck(crosscheck.select(args.selection))
    if args.output:
        for path in crosscheck.write_results(table, Path(args.output)):
            print(f"wrote {path}", file=sys.stderr)
    print(crosscheck.markdown(table), end="")
    bad = crosscheck.failures(table)
    for row in bad.itertuples():
        print(f"deviation above {crosscheck.TOLERANCE:g}: {row.model} {row.condition} {row.output} "
              f"copasi {row.copasi_deviation:.2e} roundtrip {row.roundtrip_deviation:.2e}", file=sys.stderr)
    return 1 if len(bad) else 0


def cmd_export_copasi(args: argparse.Namespace) -> int:
    """Write <model>.cps files with the time course and output plots set up."""
    from necro_sbml.exchange.copasi import export_copasi  # imports COPASI only when asked

    check_output_dir(Path(args.output))
    for path in export_copasi(Path(args.output), args.models or None):
        print(f"wrote {path}")
    return 0


def _engine_args(cmd: argparse.ArgumentParser) -> None:
    """The options every ensemble-engine command shares."""
    cmd.add_argument("--seed", type=seed_int, default=0, help="member i's parameters derive only from (seed, i)")
    cmd.add_argument("--workers", type=positive_int, default=1, help="local worker processes (or Dask LocalCluster workers)")
    cmd.add_argument("--scheduler", metavar="ADDRESS|local", help="run on Dask distributed: a scheduler address or 'local'")
    cmd.add_argument("--chunk-size", type=positive_int, default=50, help="members per chunk file")
    cmd.add_argument("--table", default=None, metavar="FILE.toml", help="uncertainty table (default models/uncertainty.toml)")


def _table(args: argparse.Namespace) -> Path:
    """The uncertainty table chosen on the command line."""
    from necro_sbml.ensembles.uncertainty import UNCERTAINTY  # noqa: PLC0415

    return Path(args.table) if args.table else UNCERTAINTY


def cmd_ensemble(args: argparse.Namespace) -> int:
    """Run an experiment for every member of a sampled cohort; Parquet chunks plus summary CSVs and fan charts."""
    from necro_sbml.ensembles.ensemble import run_ensemble  # noqa: PLC0415
    from necro_sbml.ensembles.members import study_from_experiment  # noqa: PLC0415
    from necro_sbml.ensembles.uncertainty import load_uncertainty  # noqa: PLC0415

    check_output_dir(Path(args.output))
    study = study_from_experiment(args.experiment, args.until)
    unc = load_uncertainty(study.model, _table(args))
    out = run_ensemble(study, unc, args.n, args.seed, Path(args.output), workers=args.workers, scheduler=args.scheduler,
                       resume=args.resume, chunk_size=args.chunk_size)
    print(f"wrote {out / 'summary'}")
    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """Morris or Sobol indices of one outcome: CSV and bar plot."""
    from necro_sbml.ensembles.sensitivity import sensitivity  # noqa: PLC0415

    check_output_dir(Path(args.output))
    result = sensitivity(args.method, args.outcome, args.n, Path(args.output), seed=args.seed, workers=args.workers,
                         scheduler=args.scheduler, table=_table(args), chunk_size=args.chunk_size)
    print(result.to_string(index=False))
    return 0


def cmd_review_questions(args: argparse.Namespace) -> int:
    """The review's questions over a cohort (target probabilities, necroptotic share, diabetes on/off)."""
    from necro_sbml.analyses.cohort import review_questions  # noqa: PLC0415

    check_output_dir(Path(args.output))
    result = review_questions(Path(args.output), args.n, args.seed, workers=args.workers, scheduler=args.scheduler,
                              resume=args.resume, table=_table(args), chunk_size=args.chunk_size)
    print(result["targets"].to_string(index=False))
    print(result["shares"].to_string(index=False))
    return 0


def cmd_experiments(args: argparse.Namespace) -> int:
    """Regenerate experiments/*.sedml from the catalogue; with --check, report stale files instead."""
    from necro_sbml.sedml.writer import orphans, stale, write_all  # noqa: PLC0415

    if not args.check:
        for path in write_all():
            print(f"wrote {path}")
        return 0
    problems = stale() + orphans()
    for path in problems:
        print(f"{path}: stale or not in experiments/catalogue.toml; run `necro-sbml experiments`", file=sys.stderr)
    return 1 if problems else 0


def cmd_run(args: argparse.Namespace) -> int:
    """Execute experiments (ids or 'all') into the output directory."""
    from necro_sbml.sedml.suite import run_to_directory  # noqa: PLC0415

    check_output_dir(Path(args.output))
    results = run_to_directory(args.ids, Path(args.output), plots=not args.no_plots, max_steps=args.max_steps)
    print(f"wrote {len(results)} experiment(s) to {args.output}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Run the suite and the literature expectations; exit 1 when any expectation fails."""
    from necro_sbml.sedml.scorecard import scorecard, summary  # noqa: PLC0415

    check_output_dir(Path(args.output))
    appendix, copasi_bad = "", 0
    if args.crosscheck:
        from necro_sbml.exchange import crosscheck  # noqa: PLC0415  (imports COPASI only when asked)

        table = crosscheck.crosscheck(crosscheck.select([]))
        appendix = "## COPASI cross-check\n\n" + crosscheck.markdown(table)
        copasi_bad = len(crosscheck.failures(table))
    outcomes = scorecard(Path(args.output), appendix=appendix, plots=not args.no_plots)
    passed, failed, limited = summary(outcomes)
    print(f"{passed} pass, {failed} fail, {limited} known limitations; report: {Path(args.output) / 'report.md'}")
    if copasi_bad:
        print(f"{copasi_bad} COPASI deviations above tolerance (see the report's appendix)", file=sys.stderr)
    return 1 if failed or copasi_bad else 0


def cmd_archive(args: argparse.Namespace) -> int:
    """Write the COMBINE archive, or check an existing one."""
    from necro_sbml.exchange.archive import build_archive, check_archive  # noqa: PLC0415

    if args.check:
        print(f"{args.check}: {len(check_archive(Path(args.check)))} entries, OK")
        return 0
    if not args.output:
        raise NecroSbmlError("no output file", fix="give --output FILE.omex (or --check FILE.omex)")
    check_output_file(Path(args.output))
    print(f"wrote {build_archive(Path(args.output))}")
    return 0


def package_version() -> str:
    """The installed package's version."""
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        return version("necro-sbml")
    except PackageNotFoundError:
        return "unknown (not installed)"


def parser() -> argparse.ArgumentParser:
    """The argument parser with its sub-commands."""
    top = Parser(prog="necro-sbml", description=__doc__)
    top.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    top.add_argument("--debug", action="store_true", help="show Python tracebacks instead of one-line errors")
    sub = top.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="compile, annotate, validate and write models/sbml/*.xml")
    build.add_argument("--check", action="store_true", help="exit 1 when a committed SBML file is stale")
    build.add_argument("models", nargs="*", metavar="MODEL")
    build.set_defaults(func=cmd_build)
    validate = sub.add_parser("validate", help="libsbml consistency and unit checks")
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.set_defaults(func=cmd_validate)
    sim = sub.add_parser("simulate", help="time course of one model to CSV (and PNG)")
    sim.add_argument("model", metavar="MODEL", help="model name or SBML file")
    sim.add_argument("--set", action="append", default=[], metavar="ID=VALUE")
    sim.add_argument("--until", type=positive_float, required=True, help="end time in model time units")
    sim.add_argument("--points", type=points_int, default=None, help="output points including t = 0 (default 241)")
    sim.add_argument("--output", type=path_arg, required=True, metavar="FILE.csv")
    sim.add_argument("--plot", type=path_arg, metavar="FILE.png")
    sim.add_argument("--columns", metavar="ID,...")
    sim.add_argument("--parameter-set", metavar="NAME", help="a documented set from models/parameter_sets.toml (applied before --set)")
    sim.set_defaults(func=cmd_simulate)
    report = sub.add_parser("cell-report", help="build, validate and run the canonical cell conditions")
    report.add_argument("--output", type=path_arg, required=True, metavar="DIR")
    report.set_defaults(func=cmd_cell_report)
    pred = sub.add_parser("predictions", help="tissue model: RIPK1 vs RIPK3 vs MLKL inhibition and cell-type knockouts")
    pred.add_argument("--output", type=path_arg, required=True, metavar="DIR")
    pred.set_defaults(func=cmd_predictions)
    check = sub.add_parser("crosscheck", help="COPASI (LSODA) vs roadrunner and the COPASI SBML round trip, per output")
    check.add_argument("selection", nargs="*", metavar="MODEL_OR_CONDITION", help="model ids, condition names or all (default)")
    check.add_argument("--output", type=path_arg, metavar="DIR", help="write crosscheck.csv and crosscheck.md here")
    check.set_defaults(func=cmd_crosscheck)
    cps = sub.add_parser("export-copasi", help="write <model>.cps files ready to Run in the COPASI GUI")
    cps.add_argument("models", nargs="*", metavar="MODEL", help="model ids (default: every compiled model)")
    cps.add_argument("--output", type=path_arg, required=True, metavar="DIR")
    cps.set_defaults(func=cmd_export_copasi)
    exps = sub.add_parser("experiments", help="regenerate experiments/*.sedml from experiments/catalogue.toml")
    exps.add_argument("--check", action="store_true", help="exit 1 when a committed SED-ML file is stale")
    exps.set_defaults(func=cmd_experiments)
    run = sub.add_parser("run", help="execute SED-ML experiments: reports as CSV, plots as PNG")
    run.add_argument("ids", nargs="*", metavar="ID", help="experiment ids, or 'all' (default)")
    run.add_argument("--output", type=path_arg, required=True, metavar="DIR")
    run.add_argument("--no-plots", action="store_true", help="write the report tables only (no PNG plots)")
    run.add_argument("--max-steps", type=positive_int, default=DEFAULT_MAX_STEPS, metavar="N",
                     help=f"refuse a SED-ML file that asks for more simulated points (default {DEFAULT_MAX_STEPS})")
    run.set_defaults(func=cmd_run)
    check = sub.add_parser("check", help="run all experiments and score the literature expectations")
    check.add_argument("--output", type=path_arg, default="results/scorecard", metavar="DIR")
    check.add_argument("--no-plots", action="store_true", help="write the scorecard and tables only (no PNG plots)")
    check.add_argument("--crosscheck", action="store_true", help="also run every model and experiment in COPASI and append the deviation table")
    check.set_defaults(func=cmd_check)
    archive = sub.add_parser("archive", help="write (or --check) the COMBINE archive")
    archive.add_argument("--output", type=path_arg, metavar="FILE.omex")
    archive.add_argument("--check", type=path_arg, metavar="FILE.omex", help="open and validate an existing archive")
    archive.set_defaults(func=cmd_archive)
    ens = sub.add_parser("ensemble", help="run an experiment over a parameter cohort (models/uncertainty.toml)")
    ens.add_argument("experiment", metavar="EXPERIMENT", help="experiment id of experiments/catalogue.toml")
    ens.add_argument("--n", type=positive_int, required=True, help="number of members")
    ens.add_argument("--output", type=path_arg, required=True, metavar="DIR")
    ens.add_argument("--resume", action="store_true", help="keep chunks already written by the same run")
    ens.add_argument("--until", type=positive_float, default=None, help="stop earlier than the experiment (same time grid)")
    _engine_args(ens)
    ens.set_defaults(func=cmd_ensemble)
    sens = sub.add_parser("sensitivity", help="global sensitivity (SALib Morris or Sobol) of a key outcome")
    sens.add_argument("method", choices=["morris", "sobol"])
    sens.add_argument("--outcome", required=True, help="bv_loss_ovx_14w, necroptotic_frac_tsz_24h or ocy_necroptosis_share_ovx_8w")
    sens.add_argument("--n", type=positive_int, required=True, help="Morris trajectories or Sobol base samples")
    sens.add_argument("--output", type=path_arg, default="results/sensitivity", metavar="DIR")
    _engine_args(sens)
    sens.set_defaults(func=cmd_sensitivity)
    rev = sub.add_parser("review-questions", help="cohort answers: best target in OVX/GIOP, necroptotic share, diabetes")
    rev.add_argument("--n", type=positive_int, required=True, help="number of members")
    rev.add_argument("--output", type=path_arg, default="docs/ensemble", metavar="DIR")
    rev.add_argument("--resume", action="store_true")
    _engine_args(rev)
    rev.set_defaults(func=cmd_review_questions)
    return top


SOLVER_COMMANDS = frozenset({"simulate", "cell-report", "predictions", "run", "check", "ensemble", "sensitivity",
                             "review-questions", "crosscheck", "export-copasi"})


def solver_log(command: str) -> contextlib.AbstractContextManager:
    """For commands that simulate: keep CVODE's console log quiet (its message is in the error line instead)."""
    if command not in SOLVER_COMMANDS:
        return contextlib.nullcontext()
    from necro_sbml.simulation.simulate import captured_solver_log  # noqa: PLC0415

    return captured_solver_log()


def _os_error(err: OSError) -> NecroSbmlError:
    """An operating-system failure (disk full, permissions, ...) as one user-facing error."""
    reason = err.strerror or type(err).__name__
    return NecroSbmlError(reason, file=err.filename, fix="free disk space or check the paths and their permissions")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run a sub-command; user errors one line on stderr, exit 2; Ctrl-C exit 130."""
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:  # usage errors (one line, exit 2) and --help (exit 0)
        return int(exit_.code or 0)
    if args.debug:
        return args.func(args)
    try:
        with solver_log(args.command):
            return args.func(args)
    except NecroSbmlError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; earlier results intact", file=sys.stderr)
        return INTERRUPTED
    except OSError as err:
        print(f"error: {_os_error(err)}", file=sys.stderr)
        return 2
    except (MemoryError, RecursionError) as err:
        print(f"error: {NecroSbmlError(f'input too large to process ({type(err).__name__})', fix='use smaller inputs')}",
              file=sys.stderr)
        return 2
    except Exception as err:  # noqa: BLE001  (an internal error: one line, the traceback only with --debug)
        problem = f"internal error: {type(err).__name__}: {' '.join(str(err).split())[:200]}"
        print(f"error: {NecroSbmlError(problem, fix='rerun with --debug and report the traceback')}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
