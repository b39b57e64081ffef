"""The necro-sbml command line: exit codes, messages and written files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import DATA, TOY_ANNOTATIONS, TOY_METADATA
from necro_sbml.building.build import build_document, serialise
from necro_sbml.cli import main
from necro_sbml.simulation.conditions import CANONICAL
from necro_sbml.core.interface import outputs
from necro_sbml.core.paths import sbml_path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a subprocess (as a user would)."""
    return subprocess.run([sys.executable, "-m", "necro_sbml.cli", *args], capture_output=True, text=True)


def test_error_is_one_line_exit_2_without_traceback(tmp_path: Path) -> None:
    result = run("simulate", "necroptosis", "--set", "Nec1_uM=abc", "--until", "1", "--output", str(tmp_path / "x.csv"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("error: ") and "'Nec1_uM'" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.csv").exists()


def test_set_without_equals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "necroptosis", "--set", "Nec1_uM", "--until", "1", "--output", str(tmp_path / "x.csv")]) == 2
    assert "error: bad --set 'Nec1_uM'" in capsys.readouterr().err


def test_build_check_passes_for_committed_models() -> None:
    result = run("build", "--check")
    assert result.returncode == 0, result.stderr


def test_validate_exit_codes(tmp_path: Path, toy_sbml: Path) -> None:
    bad = tmp_path / "bad_units.xml"
    bad.write_bytes(serialise(build_document(DATA / "bad_units.ant", TOY_ANNOTATIONS, TOY_METADATA)))
    assert main(["validate", str(toy_sbml)]) == 0
    assert main(["validate", str(toy_sbml), str(bad)]) == 1
    assert main(["validate", str(tmp_path / "missing.xml")]) == 2


def test_validate_reports_units(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(sbml_path("necroptosis"))]) == 0
    assert "0 errors, 0 unit warnings" in capsys.readouterr().out


def test_simulate_writes_csv_and_png(tmp_path: Path, toy_sbml: Path) -> None:
    csv, png = tmp_path / "out" / "toy.csv", tmp_path / "out" / "toy.png"
    code = main(["simulate", str(toy_sbml), "--set", "A_expr=0.5", "--until", "2", "--points", "5",
                 "--output", str(csv), "--plot", str(png), "--columns", "A,C_frac"])
    assert code == 0
    df = pd.read_csv(csv, index_col="time")
    assert list(df.columns) == ["A", "C_frac"] and len(df) == 5 and df["A"].iloc[0] == 500.0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_simulate_unwritable_plot_keeps_earlier_csv(tmp_path: Path, toy_sbml: Path) -> None:
    csv = tmp_path / "toy.csv"
    csv.write_bytes(b"earlier run\n")
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    code = main(["simulate", str(toy_sbml), "--until", "1", "--output", str(csv), "--plot", str(blocker / "p.png")])
    assert code == 2
    assert csv.read_bytes() == b"earlier run\n"


def test_cell_report(tmp_path: Path) -> None:
    out = tmp_path / "results"
    result = run("cell-report", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert f"[{len(CANONICAL)}/{len(CANONICAL)}]" in result.stderr
    summary = pd.read_csv(out / "summary.csv", index_col="condition")
    assert list(summary.index) == list(CANONICAL)
    assert set(outputs("necroptosis")) <= set(summary.columns)
    for name in CANONICAL:
        assert (out / f"{name}.csv").is_file() and (out / f"{name}.png").is_file()
    assert "0 errors, 0 unit warnings" in (out / "validation.txt").read_text()


def test_cell_report_into_unwritable_location(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_bytes(b"keep")
    result = run("cell-report", "--output", str(blocker / "results"))
    assert result.returncode == 2 and result.stderr.startswith("error: ")
    assert blocker.read_bytes() == b"keep"
