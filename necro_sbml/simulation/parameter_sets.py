"""Named parameter sets (models/parameter_sets.toml): documented alternatives to a model's defaults."""

from __future__ import annotations

from pathlib import Path

from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.files import read_toml
from necro_sbml.core.paths import MODELS_DIR

PARAMETER_SETS = MODELS_DIR / "parameter_sets.toml"


def _table(path: Path = PARAMETER_SETS) -> dict:
    """The parsed parameter-set file."""
    return read_toml(path, "parameter-set file")


def parameter_set_names(path: Path = PARAMETER_SETS) -> list[str]:
    """Names of the documented parameter sets."""
    return sorted(_table(path))


def parameter_set(name: str, path: Path = PARAMETER_SETS) -> tuple[str, dict[str, float]]:
    """The model id and parameter values of one named set."""
    sets = _table(path)
    if name not in sets:
        raise NecroSbmlError("unknown parameter set", file=path, id=name, fix=f"use one of: {', '.join(sorted(sets))}")
    entry = sets[name]
    return entry["model"], {k: float(v) for k, v in entry["values"].items()}
