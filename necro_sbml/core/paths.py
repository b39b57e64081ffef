"""Data locations: models, compiled SBML, experiments, annotation table (checkout or installed package data)."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from necro_sbml.core.files import read_text

CHECKOUT: Path = Path(__file__).resolve().parent.parent.parent


def data_root(checkout: Path = CHECKOUT) -> Path:
    """The directory holding models/ and experiments/: the source checkout, else the wheel's package data."""
    if (checkout / "pyproject.toml").is_file() and (checkout / "models").is_dir():
        return checkout
    return Path(str(resources.files("necro_sbml") / "_data"))


ROOT: Path = data_root()
MODELS_DIR: Path = ROOT / "models"
SBML_DIR: Path = MODELS_DIR / "sbml"
EXPERIMENTS_DIR: Path = ROOT / "experiments"
ANNOTATIONS: Path = MODELS_DIR / "annotations.tsv"
METADATA: Path = MODELS_DIR / "metadata.toml"


def defines_model(path: Path, model_id: str) -> bool:
    """True when the Antimony file at path defines a model named model_id."""
    pattern = rf"^\s*model\s+\*?{re.escape(model_id)}\b"
    return re.search(pattern, read_text(path, "Antimony file"), flags=re.MULTILINE) is not None


def model_names(models_dir: Path = MODELS_DIR) -> list[str]:
    """Ids of the buildable models: stems of models/*.ant (not `_*`) that define that model."""
    files = sorted(models_dir.glob("*.ant"))
    return [p.stem for p in files if not p.name.startswith("_") and defines_model(p, p.stem)]


def antimony_path(name: str, models_dir: Path = MODELS_DIR) -> Path:
    """The Antimony source of model `name`."""
    return models_dir / f"{name}.ant"


def sbml_path(name: str, sbml_dir: Path = SBML_DIR) -> Path:
    """The committed, compiled SBML of model `name`."""
    return sbml_dir / f"{name}.xml"
