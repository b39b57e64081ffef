"""The literature expectations and the scorecard."""

from __future__ import annotations

import re
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
    """Each literature claim holds on the SED-ML run; a known limitation must still fail (else promote it)."""
    outcome = evaluate_all(suite_results, [row])[0]
    if row.status == "prediction":
        pytest.skip(f"prediction, reported apart and never counted (holds: {outcome.passed})")
    if row.status == "known_limitation":
        assert not outcome.passed, f"known limitation '{row.id}' now holds: make it expected"
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
    predictions = [o for o in outcomes if o.is_prediction]
    assert failed == 0 and passed + limited + len(predictions) == len(EXPECTATIONS) and predictions
    md = (tmp_path / "card" / "report.md").read_text(encoding="utf-8")
    claims_part, predictions_part = md.split("## Predictions")
    assert all(o.expectation.id not in claims_part for o in predictions)  # never listed among the claims
    assert all(f"`{o.expectation.assertion}`" in predictions_part for o in predictions)
    assert "study_mean('Wronski1987', 'OVX', 'BV_TV', 98)` = 7.9" in md  # the study's number beside the model's
    assert "| He2021 | 0 | 20 | -" in md and "| Wronski1987 | 2 | 0 | ovx_bone_loss_14w |" in md
    html = (tmp_path / "card" / "report.html").read_text(encoding="utf-8")
    assert "Ildefonso2023" in md and "KNOWN LIMITATION" in md and verdict(outcomes[0]) in md
    assert '<img src="dose_nec1/plot_scan_necroptotic_frac.png"' in html
    assert (tmp_path / "card" / "dose_nec1" / "plot_scan_necroptotic_frac.png").is_file()


def test_scorecard_appends_the_copasi_table(tmp_path: Path, suite_results: dict) -> None:
    """`necro-sbml check --crosscheck` puts the COPASI deviation table into both reports."""
    scorecard(tmp_path / "card", progress=None, results=suite_results, appendix="## COPASI cross-check\n\n| model | x |\n")
    assert "## COPASI cross-check" in (tmp_path / "card" / "report.md").read_text(encoding="utf-8")
    assert "COPASI cross-check" in (tmp_path / "card" / "report.html").read_text(encoding="utf-8")


def test_prediction_is_never_a_pass() -> None:
    """A prediction that holds counts neither as a pass nor as a failure."""
    flat = {"R": {"time": np.array([[0.0], [1.0]]), "y": np.array([[1.0], [1.0]])}}
    rows = [Expectation("p", "c", ("Hu2022",), ("e",), "final(R.y) > 0", "prediction", "model only"),
            Expectation("q", "c", ("Hu2022",), ("e",), "final(R.y) > 2", "prediction", "model only")]
    outcomes = [evaluate(r, flat) for r in rows]
    assert summary(outcomes) == (0, 0, 0)
    assert [verdict(o) for o in outcomes] == ["HOLDS", "DOES NOT HOLD"]


def test_study_numbers_in_assertions(tmp_path: Path) -> None:
    """study_mean/low/high read experiments/data; a missing number or an unknown key is an error."""
    report = {"R": {"time": np.array([[0.0], [98.0]]), "y": np.array([[17.6], [7.9]])}}
    ok = Expectation("s", "c", ("Wronski1987",), ("e",),
                     "study_low('Wronski1987', 'OVX', 'BV_TV', 98) < final(R.y) < study_high('Wronski1987', 'OVX', 'BV_TV', 98)",
                     "expected", "")
    outcome = evaluate(ok, report)
    assert outcome.passed and dict(outcome.values)["study_low('Wronski1987', 'OVX', 'BV_TV', 98)"] == pytest.approx(2.6)
    far = Expectation("f", "c", ("Wronski1987",), ("e",), "final(R.y) > study_high('Wronski1987', 'OVX', 'BV_TV', 98)",
                      "expected", "")
    assert not evaluate(far, report).passed
    for text, match in [("final(R.y) > study_mean('He2021', 'OVX', 'BV_TV', 56)", "missing"),
                        ("final(R.y) > study_mean('Nobody2000', 'OVX', 'BV_TV', 56)", "unknown study"),
                        ("final(R.y) > study_low('Wronski1988', 'OVX', 'BV_TV', 35)", "no SD or range")]:
        with pytest.raises(NecroSbmlError, match=match):
            evaluate(Expectation("m", "c", ("He2021",), ("e",), text, "expected", ""), report)


def _outcomes() -> list:
    """Three outcomes (pass, fail, known limitation) of real expectation rows."""
    from necro_sbml.sedml.expectations import Outcome

    rows = load_expectations()
    limited = next(r for r in rows if r.status == "known_limitation")
    return [Outcome(rows[0], True, [("final(TSZ.viable_frac)", 0.01)]), Outcome(rows[1], False, [("x", 1.0)]),
            Outcome(limited, False, [("y", 2.0)])]


def test_html_puts_the_verdict_first_links_sources_and_shows_plots_beside_claims() -> None:
    from necro_sbml.sedml.scorecard import html_report

    outcomes = _outcomes()
    plots = {e: [f"{e}/plot_viable_frac.png"] for o in outcomes for e in o.expectation.experiments}
    page = html_report(outcomes, plots, appendix="## COPASI <b>x</b>")
    first_row = page.split('<tr class="PASS"')[1]
    assert first_row.index('class="verdict"') < first_row.index("&ldquo;")
    assert 'class="FAIL"' in page and 'class="LIMITATION"' in page and 'id="failures-only"' in page
    assert f'<img src="{outcomes[0].expectation.experiments[0]}/plot_viable_frac.png"' in first_row.split("</tr>")[0]
    key = outcomes[0].expectation.reference[0]
    assert f'href="#ref-{key}"' in page and f'id="ref-{key}"' in page
    assert "https://doi.org/" in page and "&lt;b&gt;x&lt;/b&gt;" in page  # appendix escaped


def test_markdown_has_a_sources_section_with_doi_links() -> None:
    from necro_sbml.sedml.scorecard import markdown

    text = markdown(_outcomes())
    sources = text.split("## Sources", 1)[1]
    assert sources.strip().startswith("- **") and "<https://doi.org/" in sources


def test_html_verdict_column_fits_1280_px_in_headless_chromium(tmp_path: Path) -> None:
    import shutil
    import subprocess

    from necro_sbml.sedml.scorecard import html_report

    browser = next((b for b in ("chromium", "chromium-browser", "google-chrome", "chrome") if shutil.which(b)), None)
    if browser is None:
        pytest.skip("no Chromium on this machine")
    probe = ("<script>window.onload=()=>{const r=[...document.querySelectorAll('td.verdict,th')]"
             ".map(e=>e.getBoundingClientRect().right);document.title='RIGHT'+Math.max(...r)+'WIDTH'"
             "+document.documentElement.scrollWidth;}</script></body>")
    page = tmp_path / "report.html"
    page.write_text(html_report(_outcomes(), {}).replace("</body>", probe), encoding="utf-8")
    result = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1280,900",
                             "--virtual-time-budget=3000", "--dump-dom", page.as_uri()], capture_output=True, text=True,
                            encoding="utf-8", timeout=120)  # COPASI, loaded earlier in a session, sets the C locale
    match = re.search(r"RIGHT([\d.]+)WIDTH(\d+)", result.stdout)
    assert match, result.stderr[-500:]
    assert float(match.group(1)) <= 1280 and int(match.group(2)) <= 1280
