"""Shared fixtures: the toy Antimony model compiled into a temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from necro_sbml.atomic import write_bytes_atomic
from necro_sbml.build import build_sbml

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
