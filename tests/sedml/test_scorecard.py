"""The literature expectations and the scorecard."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from necro_sbml.sedml.catalogue import load_catalogue
from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.sedml.expectations import Column, Expectation, crossing, evaluate, half_dose, load_expectations
from necro_sbml.sedml.scorecard import evaluate_all, scorecard, summary, verdict
from necro_sbml.sedml.writer import reference_texts

EXPECTATIONS = load_expectations()


def test_expectation_rows_cite_sources_and_experiments() -> None:
    keys, experiments = set(reference_texts()), set(load_catalogue())
    for row in EXPECTATIONS:
        assert set(row.reference) <= keys, row.id
        assert set(row.experiments) <= experiments, row.id
    covered = {e for row in EXPECTATIONS for e in row.experiments}
    assert covered == experiments  # every experiment is there for a claim


@pytest.mark.parametrize("row", EXPECTATIONS, ids=[r.id for r in EXPECTATIONS])
def test_literature_expectation_holds(row: Expectation, suite_results: dict) -> None:
    """Each literature claim holds on the SED-ML run, except documented known limitations."""
    outcome = evaluate_all(suite_results, [row])[0]
    if row.status == "known_limitation":
        pytest.xfail(row.note)
    assert outcome.passed, (row.claim, row.assertion, outcome.values)


def test_assertions_can_fail() -> None:
    flat = Column(np.linspace(0, 24, 25), np.zeros(25))
    row = Expectation("x", "claim", ("He2009",), ("e",), "final(R.y) > 0.8 and crossing(R.y, 0.5) < 12", "expected", "")
    outcome = evaluate(row, {"R": {"time": flat.x[:, None], "y": flat.y[:, None]}})
    assert not outcome.passed and dict(outcome.values)["crossing(R.y, 0.5)"] == float("inf")
    assert crossing(Column(np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])), 0.5) == pytest.approx(1.5)
    assert half_dose(Column(np.array([0.01, 0.1, 1.0]), np.array([1.0, 0.5, 0.0])), 0.5) == pytest.approx(0.1)


def test_bad_assertions_name_the_row() -> None:
    row = Expectation("bad", "c", ("He2009",), ("e",), "__import__('os')", "expected", "")
    with pytest.raises(NecroSbmlError, match="unsupported expression") as err:
        evaluate(row, {})
    assert err.value.id == "bad"
    with pytest.raises(NecroSbmlError, match="no report"):
        evaluate(Expectation("r", "c", ("He2009",), ("e",), "final(X.y) > 1", "expected", ""), {})


def test_table_errors(tmp_path: Path) -> None:
    path = tmp_path / "expectations.tsv"
    path.write_text("id\tclaim\treference\texperiments\tassertion\tstatus\tnote\n"
                    "a\tc\tHe2009\ttsz_necroptosis\tfinal(TSZ.viable_frac) < 1\tknown_limitation\t\n", encoding="utf-8")
    with pytest.raises(NecroSbmlError, match="without a note"):
        load_expectations(path)


def test_scorecard_writes_reports_with_plots(tmp_path: Path, suite_results: dict) -> None:
    outcomes = scorecard(tmp_path / "card", progress=None, results=suite_results)
    passed, failed, limited = summary(outcomes)
    assert failed == 0 and passed + limited == len(EXPECTATIONS)
    md = (tmp_path / "card" / "report.md").read_text(encoding="utf-8")
    html = (tmp_path / "card" / "report.html").read_text(encoding="utf-8")
    assert "Ildefonso2023" in md and "KNOWN LIMITATION" in md and verdict(outcomes[0]) in md
    assert '<img src="dose_nec1/plot_scan_necroptotic_frac.png"' in html
    assert (tmp_path / "card" / "dose_nec1" / "plot_scan_necroptotic_frac.png").is_file()


def test_scorecard_appends_the_copasi_table(tmp_path: Path, suite_results: dict) -> None:
    """`necro-sbml check --crosscheck` puts the COPASI deviation table into both reports."""
    scorecard(tmp_path / "card", progress=None, results=suite_results, appendix="## COPASI cross-check\n\n| model | x |\n")
    assert "## COPASI cross-check" in (tmp_path / "card" / "report.md").read_text(encoding="utf-8")
    assert "COPASI cross-check" in (tmp_path / "card" / "report.html").read_text(encoding="utf-8")
