"""The scorecard: run every experiment, evaluate the literature expectations, write report.md and report.html."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TextIO

import numpy as np

from necro_sbml.core.atomic import atomic_output_dir, write_text_atomic
from necro_sbml.sedml.catalogue import load_catalogue, select
from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.sedml.execute import SedResult
from necro_sbml.sedml.expectations import EXPECTATIONS, Expectation, Outcome, evaluate, load_expectations
from necro_sbml.core.templates import render
from necro_sbml.sedml.writer import reference_links, reference_texts
from necro_sbml.sedml.suite import run_experiments, write_results
from necro_sbml.simulation.study_data import study_counts

DEFAULT_OUTPUT = Path("results") / "scorecard"


def reports_for(exp: Expectation, results: dict[str, SedResult], path: Path = EXPECTATIONS) -> dict[str, dict]:
    """The reports of an expectation's experiments, merged by report id (a clash is an error)."""
    merged: dict[str, dict] = {}
    for exp_id in exp.experiments:
        if exp_id not in results:
            raise NecroSbmlError("expectation names an unknown experiment", file=path, id=exp_id,
                                 fix="use an id of experiments/catalogue.toml")
        for rid, report in results[exp_id].reports.items():
            if rid in merged:
                raise NecroSbmlError(f"report '{rid}' appears in two experiments of one row", file=path, id=exp.id,
                                     fix="split the row or rename a condition")
            merged[rid] = report
    return merged


def check_references(expectations: list[Expectation], path: Path = EXPECTATIONS) -> None:
    """Every reference key resolves in models/REFERENCES.md."""
    known = reference_texts()
    for exp in expectations:
        for key in exp.reference:
            if key not in known:
                raise NecroSbmlError("reference key not in models/REFERENCES.md", file=path, id=key,
                                     fix="cite a key listed in models/REFERENCES.md")


def evaluate_all(results: dict[str, SedResult], expectations: list[Expectation]) -> list[Outcome]:
    """Evaluate every expectation over the experiment results."""
    check_references(expectations)
    return [evaluate(e, reports_for(e, results)) for e in expectations]


def _fmt(value: object) -> str:
    """A model value for the report."""
    array = np.atleast_1d(np.asarray(value, dtype=float))
    return ", ".join(f"{v:.4g}" for v in array) if array.size <= 8 else f"{array.size} values"


def verdict(o: Outcome) -> str:
    """PASS, FAIL or KNOWN LIMITATION; a prediction HOLDS or DOES NOT HOLD (never a pass)."""
    if o.is_prediction:
        return "HOLDS" if o.passed else "DOES NOT HOLD"
    if o.passed:
        return "PASS"
    return "FAIL" if o.counts_as_failure else "KNOWN LIMITATION"


def summary(outcomes: list[Outcome]) -> tuple[int, int, int]:
    """Counts of passed, failed and known-limitation literature expectations (predictions left out)."""
    claims = [o for o in outcomes if not o.is_prediction]
    passed = sum(o.counts_as_pass for o in claims)
    failed = sum(o.counts_as_failure for o in claims)
    return passed, failed, len(claims) - passed - failed


def _table_rows(outcomes: list[Outcome]) -> list[str]:
    """Markdown table rows, numbered."""
    lines = []
    for i, o in enumerate(outcomes, start=1):
        e = o.expectation
        values = "; ".join(f"`{k}` = {_fmt(v)}" for k, v in o.values)
        result = verdict(o) + (f" ({e.note})" if e.note else "")
        lines.append(f"| {i} | \"{e.claim}\" | {', '.join(e.reference)} | {', '.join(e.experiments)} | "
                     f"`{e.assertion}` | {values} | {result} |")
    return lines


def study_data_section(outcomes: list[Outcome]) -> list[str]:
    """Markdown: per primary-study table of experiments/data, the numbers read, missing and asserted on."""
    lines = ["## Primary-study data (`experiments/data/`)", "",
             "Numbers that could not be read in the paper are kept as missing rows, never guessed.", "",
             "| study | numbers read | missing | expectations using it |", "|---|---|---|---|"]
    for key, read, missing in study_counts():
        users = [o.expectation.id for o in outcomes if f"'{key}'" in o.expectation.assertion]
        lines.append(f"| {key} | {read} | {missing} | {', '.join(users) or '-'} |")
    return lines


def markdown(outcomes: list[Outcome]) -> str:
    """The scorecard as Markdown."""
    passed, failed, limited = summary(outcomes)
    refs = reference_texts()
    header = ["| | claim | source | experiment | assertion | model value | result |", "|---|---|---|---|---|---|---|"]
    claims = [o for o in outcomes if not o.is_prediction]
    predicted = [o for o in outcomes if o.is_prediction]
    lines = ["# necro-sbml scorecard", "",
             f"{len(claims)} literature expectations: **{passed} pass, {failed} fail, {limited} known limitations**.",
             "Expectations come from the cited studies (`experiments/expectations.tsv`), never from model output;",
             "`study_mean(...)`, `study_low(...)` and `study_high(...)` are the studies' own numbers (`experiments/data/`).",
             "", *header, *_table_rows(claims)]
    if predicted:
        lines += ["", f"## Predictions ({len(predicted)}, not counted)", "",
                  "What the model predicts where no study has measured it; reported, never counted as a pass.", "",
                  *header, *_table_rows(predicted)]
    lines += ["", *study_data_section(outcomes), "", "## Sources", ""]
    keys = sorted({k for o in outcomes for k in o.expectation.reference})
    links = reference_links(keys)
    lines += [f"- **{k}**: {refs.get(k, '')}" + (f" <{links[k]['url']}>" if links.get(k, {}).get("url") else "") for k in keys]
    return "\n".join(lines) + "\n"


def claim_plots(o: Outcome, plots: dict[str, list[str]]) -> list[str]:
    """The plots beside a claim: its experiments' plots of the outputs its assertion reads (all when none match)."""
    files = [f for exp_id in o.expectation.experiments for f in plots.get(exp_id, [])]
    named = [f for f in files if any(f"_{out}.png" in f for out in re.findall(r"\.(\w+)", o.expectation.assertion))]
    return (named or files)[:3]


def html_report(outcomes: list[Outcome], plots: dict[str, list[str]], appendix: str = "") -> str:
    """The scorecard as HTML (core/templates/scorecard.html.j2): verdict first, plots beside each claim, sources linked."""
    passed, failed, limited = summary(outcomes)
    rows = [{"id": o.expectation.id, "verdict": verdict(o), "css": "PREDICTION" if o.is_prediction else verdict(o).split()[-1], "note": o.expectation.note,
             "claim": o.expectation.claim, "keys": o.expectation.reference, "experiments": o.expectation.experiments,
             "assertion": o.expectation.assertion, "values": [(k, _fmt(v)) for k, v in o.values],
             "plots": claim_plots(o, plots)} for o in outcomes]
    references = reference_links({k for o in outcomes for k in o.expectation.reference})
    return render("scorecard.html.j2", outcomes=outcomes, passed=passed, failed=failed, limited=limited, rows=rows,
                  references=references, plots=plots, appendix=appendix, studies=study_counts(),
                  predictions=sum(o.is_prediction for o in outcomes))


def scorecard(output: Path = DEFAULT_OUTPUT, progress: TextIO | None = sys.stderr,
              results: dict[str, SedResult] | None = None, appendix: str = "", plots: bool = True) -> list[Outcome]:
    """Run all experiments (unless results are given), evaluate all expectations, write report.md, report.html, plots.

    appendix: Markdown appended to both reports (e.g. the COPASI cross-check table); plots=False writes tables only.
    """
    expectations = load_expectations()
    if results is None:
        results = run_experiments(select([], load_catalogue()), progress)
    outcomes = evaluate_all(results, expectations)
    with atomic_output_dir(output) as tmp:
        written = write_results(results, tmp, plots)
        figures = {exp_id: [f"{exp_id}/{p.name}" for p in files if p.suffix == ".png"] for exp_id, files in written.items()}
        write_text_atomic(tmp / "report.md", markdown(outcomes) + (f"\n{appendix}" if appendix else ""))
        write_text_atomic(tmp / "report.html", html_report(outcomes, figures, appendix))
    return outcomes
