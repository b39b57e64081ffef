"""Command line: necro-sbml list | simulate | dose-response | report | check | build | validate | cell-report | predictions | experiments | run | archive | crosscheck | export-copasi | export-sbml | ensemble | sensitivity | review-questions."""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from necro_sbml import __version__
from necro_sbml.core.atomic import check_output_dir, check_output_file, ensure_parent, write_bytes_atomic
from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.limits import DEFAULT_MAX_STEPS, MAX_DOSES

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


def command_inputs(args: argparse.Namespace) -> tuple[dict[str, object], str]:
    """Inputs from --parameter-set, then --condition, then --set (later wins), and a label naming them."""
    from necro_sbml.simulation.parameter_sets import parameter_set  # noqa: PLC0415
    from necro_sbml.simulation.simulate import model_name  # noqa: PLC0415

    inputs: dict[str, object] = {}
    labels = []
    if args.parameter_set:
        set_model, inputs = parameter_set(args.parameter_set)
        if set_model != model_name(args.model):
            raise NecroSbmlError(f"parameter set is for model '{set_model}'", id=args.parameter_set,
                                 fix=f"simulate {set_model} or choose a set for {args.model}")
        labels.append(args.parameter_set)
    if args.condition:
        from necro_sbml.sedml.inventory import condition_inputs  # noqa: PLC0415

        inputs.update(condition_inputs(model_name(args.model), args.condition))
        labels.append(args.condition)
    sets = dict(parse_assignment(s) for s in args.set)
    inputs.update(sets)
    labels += [f"{k}={v}" for k, v in sets.items()]
    return inputs, ", ".join(labels) or "default inputs (untreated)"


def cmd_simulate(args: argparse.Namespace) -> int:
    """Simulate one model and write its CSV (and PNG) atomically."""
    from necro_sbml.core.atomic import ensure_parent, write_bytes_atomic  # noqa: PLC0415
    from necro_sbml.core.interface import outputs  # noqa: PLC0415
    from necro_sbml.simulation.simulate import model_name, timecourse  # noqa: PLC0415

    inputs, label = command_inputs(args)
    for path in filter(None, (args.output, args.plot)):
        check_output_file(Path(path))
    columns = [c for c in args.columns.split(",") if c] if args.columns else None
    df = timecourse(args.model, inputs, until=args.until, points=args.points, selections=columns)
    plotted = list(df.columns) if columns else [c for c in outputs(model_name(args.model)) if c in df.columns] or list(df.columns)
    png = None
    if args.plot:
        from necro_sbml.core.plots import render_timecourse  # noqa: PLC0415  (matplotlib only when plotting)

        png = render_timecourse(df, plotted, f"{model_name(args.model)}: {label}")
    for path in filter(None, (args.output, args.plot)):
        ensure_parent(Path(path))  # fail before writing anything
    write_bytes_atomic(args.output, df.to_csv().encode("utf-8"))
    if png is not None:
        write_bytes_atomic(args.plot, png)
    print(f"wrote {args.output}" + (f" and {args.plot}" if args.plot else ""))
    return 0


def dose_grid(text: str) -> list[float]:
    """LO:HI:N as N doses, log-spaced when LO > 0 (linear from LO = 0)."""
    import numpy as np  # noqa: PLC0415

    parts = text.split(":")
    try:
        lo, hi, n = float(parts[0]), float(parts[1]), int(parts[2])
    except (ValueError, IndexError) as err:
        raise NecroSbmlError(f"bad --range '{text[:40]}'", id="--range", fix="write LO:HI:N, e.g. --range 0.001:100:21") from err
    if len(parts) != 3 or n < 2 or not 0 <= lo < hi or hi == float("inf"):
        raise NecroSbmlError(f"bad --range '{text[:40]}'", id="--range", fix="use 0 <= LO < HI and N >= 2, e.g. 0.001:100:21")
    if n > MAX_DOSES:
        raise NecroSbmlError(f"{n} doses (limit {MAX_DOSES})", id="--range", fix=f"give N <= {MAX_DOSES}")
    grid = np.geomspace(lo, hi, n) if lo > 0 else np.linspace(lo, hi, n)
    return [float(d) for d in grid]


def cmd_dose_response(args: argparse.Namespace) -> int:
    """Final outputs against the dose of one input (CSV, optional PNG with the published IC50 range)."""
    from necro_sbml.core.atomic import ensure_parent, write_bytes_atomic  # noqa: PLC0415
    from necro_sbml.core.interface import outputs  # noqa: PLC0415
    from necro_sbml.simulation.reference_data import IC50_RANGES_UM  # noqa: PLC0415
    from necro_sbml.simulation.simulate import dose_response, model_name, time_unit  # noqa: PLC0415

    inputs, label = command_inputs(args)
    for path in filter(None, (args.output, args.plot)):
        check_output_file(Path(path))
    name = model_name(args.model)
    columns = [c for c in args.columns.split(",") if c] if args.columns else outputs(name)
    if not columns:
        raise NecroSbmlError("no outputs to report", id=name, fix="give --columns ID,...")
    df = dose_response(args.model, inputs, args.drug, dose_grid(args.range), args.until, columns)
    title = f"{name}: {args.drug} dose response at {args.until:g} {time_unit(args.model)}, {label}"
    png = None
    if args.plot:
        from necro_sbml.core.plots import render_dose_response  # noqa: PLC0415

        png = render_dose_response(df, title, IC50_RANGES_UM.get(args.drug))
    for path in filter(None, (args.output, args.plot)):
        ensure_parent(Path(path))
    write_bytes_atomic(args.output, df.to_csv().encode("utf-8"))
    if png is not None:
        write_bytes_atomic(args.plot, png)
    print(f"wrote {args.output}" + (f" and {args.plot}" if args.plot else ""))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """Print one inventory table (models, inputs, outputs, conditions, experiments, parameter sets)."""
    from necro_sbml.sedml.inventory import listing  # noqa: PLC0415

    table = listing(args.kind, args.model)
    print(table.to_string(index=False, na_rep="") if len(table) else "(none)")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write the model report (Markdown, HTML, diagram) of each model."""
    from necro_sbml.analyses.model_report import default_models, write_reports  # noqa: PLC0415

    check_output_dir(Path(args.output))
    for path in write_reports(args.models or default_models(), Path(args.output)):
        print(f"wrote {path}")
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


def cmd_export_sbml(args: argparse.Namespace) -> int:
    """Write the portable copy of a compiled model (initial assignments evaluated, no units on numbers)."""
    from necro_sbml.exchange.portable import export_portable  # noqa: PLC0415

    if not args.portable:
        raise NecroSbmlError("only the portable export is offered", id=args.model,
                             fix="pass --portable (the published model is models/sbml/<model>.xml itself)")
    print(f"wrote {export_portable(args.model, Path(args.output), dict(parse_assignment(s) for s in args.set))}")
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
    from necro_sbml.exchange.archive import archive_warnings, build_archive, check_archive  # noqa: PLC0415
    from necro_sbml.exchange.omex_metadata import parse_creator  # noqa: PLC0415

    if args.check:
        entries = len(check_archive(Path(args.check)))
        for warning in archive_warnings(Path(args.check)):
            print(f"warning: {warning}", file=sys.stderr)
        print(f"{args.check}: {entries} entries, OK")
        return 0
    if not args.output:
        raise NecroSbmlError("no output file", fix="give --output FILE.omex (or --check FILE.omex)")
    check_output_file(Path(args.output))
    creators = tuple(parse_creator(c) for c in args.creator or ())
    print(f"wrote {build_archive(Path(args.output), creators)}")
    return 0


def _input_args(cmd: argparse.ArgumentParser) -> None:
    """The input options simulate and dose-response share (applied in this order, later wins)."""
    cmd.add_argument("--parameter-set", metavar="NAME", help="a documented parameter set (`necro-sbml list parameter-sets`)")
    cmd.add_argument("--condition", metavar="NAME", help="a named condition such as TSZ or OVX (`necro-sbml list conditions`)")
    cmd.add_argument("--set", action="append", default=[], metavar="ID=VALUE", help="one input by SBML id (`necro-sbml list inputs`)")


def parser() -> argparse.ArgumentParser:
    """The argument parser with its sub-commands."""
    top = Parser(prog="necro-sbml", description=__doc__)
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    top.add_argument("--no-cache", action="store_true",
                     help="compile models afresh instead of loading them from the on-disk cache (~/.cache/necro-sbml)")
    top.add_argument("--debug", action="store_true", help="show Python tracebacks instead of one-line errors")
    sub = top.add_subparsers(dest="command", required=True)
    listing = sub.add_parser("list", help="list models, inputs, outputs, conditions, experiments or parameter-sets (with units, defaults)")
    listing.add_argument("kind", choices=["models", "inputs", "outputs", "conditions", "experiments", "parameter-sets"])
    listing.add_argument("model", nargs="?", metavar="MODEL", help="only this model (inputs, outputs, conditions, experiments)")
    listing.set_defaults(func=cmd_list)
    build = sub.add_parser("build", help="compile, annotate, validate and write models/sbml/*.xml")
    build.add_argument("--check", action="store_true", help="exit 1 when a committed SBML file is stale")
    build.add_argument("models", nargs="*", metavar="MODEL")
    build.set_defaults(func=cmd_build)
    validate = sub.add_parser("validate", help="libsbml consistency and unit checks")
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.set_defaults(func=cmd_validate)
    sim = sub.add_parser("simulate", help="time course of one model to CSV (and PNG)")
    sim.add_argument("model", metavar="MODEL", help="model name or SBML file")
    sim.add_argument("--until", type=positive_float, required=True, help="end time in model time units")
    sim.add_argument("--points", type=points_int, default=None, help="output points including t = 0 (default 241)")
    sim.add_argument("--output", type=path_arg, required=True, metavar="FILE.csv")
    sim.add_argument("--plot", type=path_arg, metavar="FILE.png")
    sim.add_argument("--columns", metavar="ID,...", help="ids to write (default: every species and rule); the plot shows them, else the interface outputs")
    _input_args(sim)
    sim.set_defaults(func=cmd_simulate)
    dose = sub.add_parser("dose-response", help="final outputs against the dose of one input (CSV and PNG)")
    dose.add_argument("model", metavar="MODEL", help="model name or SBML file")
    dose.add_argument("--drug", required=True, metavar="ID", help="the input to scan, e.g. Nec1_uM")
    dose.add_argument("--range", required=True, metavar="LO:HI:N", help="N doses from LO to HI, log-spaced when LO > 0")
    dose.add_argument("--until", type=positive_float, default=24.0, help="read the outputs at this time (model time units; default 24)")
    dose.add_argument("--output", type=path_arg, required=True, metavar="FILE.csv")
    dose.add_argument("--plot", type=path_arg, metavar="FILE.png", help="also draw the curves (with the published IC50 range of the drug)")
    dose.add_argument("--columns", metavar="ID,...", help="outputs (default: the model's interface outputs)")
    _input_args(dose)
    dose.set_defaults(func=cmd_dose_response)
    model_report = sub.add_parser("report", help="model report: diagram, species, reactions, parameters with sources (MD + HTML)")
    model_report.add_argument("models", nargs="*", metavar="MODEL", help="model names or SBML files (default: every model)")
    model_report.add_argument("--output", type=path_arg, default="results/models", metavar="DIR",
                              help="default results/models (docs/models holds the committed reports)")
    model_report.set_defaults(func=cmd_report)
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
    portable = sub.add_parser("export-sbml", help="write a portable SBML copy for simulators that cannot read the full model")
    portable.add_argument("model", metavar="MODEL", help="model id or compiled SBML file")
    portable.add_argument("--portable", action="store_true", help="initial assignments evaluated, units on numbers removed, "
                          "compartment sizes that enter no rate set to 1")
    portable.add_argument("--set", action="append", default=[], metavar="ID=VALUE", help="inputs the copy is evaluated at")
    portable.add_argument("--output", required=True, metavar="FILE.xml")
    portable.set_defaults(func=cmd_export_sbml)
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
    archive.add_argument("--creator", action="append", metavar='"NAME <EMAIL> [ORCID]"',
                         help="creator of the archive and its models (repeatable); overrides models/metadata.toml")
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
    rev.add_argument("--output", type=path_arg, default="results/review-questions", metavar="DIR",
                     help="default results/review-questions (docs/ensemble holds the committed run)")
    rev.add_argument("--resume", action="store_true")
    _engine_args(rev)
    rev.set_defaults(func=cmd_review_questions)
    return top


SOLVER_COMMANDS = frozenset({"simulate", "dose-response", "report", "cell-report", "predictions", "run", "check", "ensemble", "sensitivity",
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
    if args.no_cache:
        os.environ["NECRO_SBML_NO_CACHE"] = "1"  # inherited by worker processes
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
