"""Reading the package's own input files (Antimony, TSV, TOML) as text, every failure one clear error."""

from __future__ import annotations

import tomllib
from os import PathLike
from pathlib import Path

from necro_sbml.core.errors import NecroSbmlError


def read_text(path: str | PathLike[str], what: str = "input file") -> str:
    """The UTF-8 text of a regular file; missing, a directory, unreadable or not UTF-8 is a NecroSbmlError."""
    path = Path(path)
    if not path.is_file():
        problem = f"{what} is a directory" if path.is_dir() else f"{what} missing"
        raise NecroSbmlError(problem, file=path, fix=f"give the path of an existing {what}")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise NecroSbmlError(f"cannot read {what}: {err.strerror}", file=path, fix="check its permissions") from err
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise NecroSbmlError(f"{what} is not UTF-8 (byte {err.start})", file=path, fix="save it as UTF-8") from None


def read_toml(path: str | PathLike[str], what: str = "TOML file") -> dict:
    """A parsed TOML file; unreadable or invalid TOML is a NecroSbmlError."""
    try:
        return tomllib.loads(read_text(path, what))
    except tomllib.TOMLDecodeError as err:
        raise NecroSbmlError(f"invalid TOML: {err}", file=path, fix="correct the TOML syntax") from err
