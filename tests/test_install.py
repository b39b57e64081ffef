"""A non-editable install carries the models and experiments: a wheel, unpacked elsewhere, runs from any directory."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import necro_sbml
from necro_sbml.core.paths import CHECKOUT, data_root

NEEDED = ["models/sbml/necroptosis.xml", "models/sbml/osteoporosis.xml", "models/parameter_sets.toml",
          "models/uncertainty.toml", "experiments/catalogue.toml", "experiments/expectations.tsv",
          "experiments/tsz_necroptosis.sedml"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel of this checkout (pip wheel, no dependencies)."""
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(CHECKOUT)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    return next(out.glob("necro_sbml-*.whl"))


@pytest.fixture(scope="module")
def target(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel installed with `pip install --no-deps --target`."""
    out = tmp_path_factory.mktemp("target")
    result = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(out), str(wheel)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    return out


def test_wheel_holds_models_and_experiments(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [n for n in NEEDED if f"necro_sbml/_data/{n}" not in names]
    assert not missing, f"not in the wheel: {missing}"
    assert f"necro_sbml-{necro_sbml.__version__}.dist-info/METADATA" in names


def run_installed(target: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """python -m necro_sbml ... with only the installed copy importable (run from cwd)."""
    env = {**os.environ, "PYTHONPATH": str(target), "PYTHONNOUSERSITE": "1"}
    return subprocess.run([sys.executable, "-m", "necro_sbml", *args], capture_output=True, text=True, cwd=cwd, env=env)


def test_installed_copy_runs_from_another_directory(target: Path, tmp_path: Path) -> None:
    where = subprocess.run([sys.executable, "-c", "import necro_sbml.core.paths as p, necro_sbml; print(necro_sbml.__file__); print(p.ROOT)"],
                           capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(target)})
    module, root = where.stdout.split()
    assert Path(module).is_relative_to(target) and Path(root) == target / "necro_sbml" / "_data", where.stderr
    result = run_installed(target, tmp_path, "simulate", "necroptosis", "--condition", "TSZ", "--until", "24",
                           "--points", "5", "--output", "tsz.csv")
    assert result.returncode == 0, result.stderr
    df = pd.read_csv(tmp_path / "tsz.csv")
    assert df["necroptotic_frac"].iloc[-1] > 0.5  # TSZ kills HT-29-like cells by necroptosis within a day (He 2009)
    assert run_installed(target, tmp_path, "--version").stdout.strip() == f"necro-sbml {necro_sbml.__version__}"
    listed = run_installed(target, tmp_path, "list", "experiments")
    assert listed.returncode == 0 and "tissue_ovx" in listed.stdout


def test_installed_copy_runs_a_sedml_experiment(target: Path, tmp_path: Path) -> None:
    result = run_installed(target, tmp_path, "run", "tsz_necroptosis", "--output", "out")
    assert result.returncode == 0, result.stderr
    assert list((tmp_path / "out").rglob("*.csv"))


def test_checkout_is_preferred_when_present(tmp_path: Path) -> None:
    assert data_root() == CHECKOUT
    (tmp_path / "pyproject.toml").write_text("")
    assert data_root(tmp_path) != tmp_path  # no models/ here: the package data is used
