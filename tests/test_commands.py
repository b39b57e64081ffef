"""The user-facing commands of issue 14: --version, python -m, list, --condition, dose-response, defaults."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import necro_sbml
from necro_sbml.cli import main, parser
from necro_sbml.core.interface import INTERFACE, outputs
from necro_sbml.sedml.catalogue import load_catalogue
from necro_sbml.simulation.simulate import timecourse


def test_python_dash_m_prints_the_version() -> None:
    result = subprocess.run([sys.executable, "-m", "necro_sbml", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == f"necro-sbml {necro_sbml.__version__}"
    assert necro_sbml.__version__.count(".") == 2


def test_list_inputs_shows_every_input_with_default_and_unit(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "inputs", "necroptosis"]) == 0
    out = capsys.readouterr().out
    for item in INTERFACE["necroptosis"]:
        if item.kind == "input":
            line = next(row for row in out.splitlines() if f" {item.id} " in f" {row} ")
            assert item.unit in line
    assert "TNF_ngml" in out and "ng/mL" in out


@pytest.mark.parametrize("kind,expected", [("models", "osteoporosis"), ("outputs", "BV_TV"), ("conditions", "TSZ"),
                                           ("experiments", "tsz_necroptosis"), ("parameter-sets", "human_postmenopausal")])
def test_list_kinds(kind: str, expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", kind]) == 0
    assert expected in capsys.readouterr().out


def test_list_experiments_lists_the_whole_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    main(["list", "experiments"])
    out = capsys.readouterr().out
    assert all(exp_id in out for exp_id in load_catalogue())


def test_unknown_input_hint_points_at_list_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "necroptosis", "--set", "Nec1=1", "--until", "1", "--output", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert "necro-sbml list inputs" in err and "model-interface" not in err


def test_simulate_condition_equals_the_same_inputs_by_set(tmp_path: Path) -> None:
    named, explicit = tmp_path / "named.csv", tmp_path / "explicit.csv"
    assert main(["simulate", "necroptosis", "--condition", "TSZ", "--until", "6", "--points", "7", "--output", str(named)]) == 0
    assert main(["simulate", "necroptosis", "--set", "TNF_ngml=100", "--set", "Smac_uM=1", "--set", "zVAD_uM=20",
                 "--until", "6", "--points", "7", "--output", str(explicit)]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(named), pd.read_csv(explicit))
    untreated = timecourse("necroptosis", {}, until=6, points=7)
    assert pd.read_csv(named)["pMLKL_frac"].iloc[-1] > untreated["pMLKL_frac"].iloc[-1]


def test_unknown_condition_lists_the_choices(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "necroptosis", "--condition", "TZS", "--until", "1", "--output", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert "'TZS'" in err and "TSZ" in err


def test_dose_response_nec1_rescues_tsz_cells(tmp_path: Path) -> None:
    csv, png = tmp_path / "nec1.csv", tmp_path / "nec1.png"
    assert main(["dose-response", "necroptosis", "--condition", "TSZ", "--drug", "Nec1_uM", "--range", "0.001:100:6",
                 "--output", str(csv), "--plot", str(png)]) == 0
    df = pd.read_csv(csv, index_col=0)
    assert list(df.index) == pytest.approx([0.001, 0.01, 0.1, 1.0, 10.0, 100.0])
    assert set(outputs("necroptosis")) <= set(df.columns)
    # necrostatin-1 rescues TSZ-treated cells (Degterev 2005): viable at the top dose, dead at the lowest
    assert df["viable_frac"].iloc[-1] > 0.9 > 0.1 > df["viable_frac"].iloc[0]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("text", ["1:10", "10:1:5", "a:b:c", "0:1:1"])
def test_dose_response_bad_range(text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dose-response", "necroptosis", "--drug", "Nec1_uM", "--range", text, "--output", str(tmp_path / "x.csv")]) == 2
    assert "--range" in capsys.readouterr().err


def test_review_questions_default_output_is_not_committed_docs() -> None:
    args = parser().parse_args(["review-questions", "--n", "2"])
    assert not Path(args.output).parts[0] == "docs" and Path(args.output).parts[0] == "results"


def test_more_workers_than_chunks_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    from necro_sbml.ensembles.engines import run_jobs

    assert list(run_jobs(abs, [-1], workers=2)) == [1]
    assert "2 workers but only 1 chunk" in capsys.readouterr().err
