"""Shared fixtures: the toy Antimony model compiled into a temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from necro_sbml.core.atomic import write_bytes_atomic
from necro_sbml.building.build import build_sbml

DATA = Path(__file__).parent / "data"
TOY_ANNOTATIONS = DATA / "annotations.tsv"
TOY_METADATA = DATA / "metadata.toml"


def build_fixture(name: str) -> bytes:
    """Compiled SBML of a fixture model in tests/data."""
    return build_sbml(DATA / f"{name}.ant", TOY_ANNOTATIONS, TOY_METADATA)


@pytest.fixture(scope="session")
def toy_sbml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The toy model compiled to an SBML file."""
    return write_bytes_atomic(tmp_path_factory.mktemp("toy") / "toy.xml", build_fixture("toy"))


@pytest.fixture(scope="session")
def suite_results() -> dict:
    """Every catalogue experiment executed once by necro_sbml.sedml.execute (shared by several test modules)."""
    from necro_sbml.sedml.catalogue import load_catalogue
    from necro_sbml.sedml.suite import run_experiments

    return run_experiments(list(load_catalogue().values()), progress=None)


@pytest.fixture(scope="session")
def archive_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The COMBINE archive built from the committed models and experiments."""
    from necro_sbml.exchange.archive import build_archive

    return build_archive(tmp_path_factory.mktemp("omex") / "necro-sbml.omex")
