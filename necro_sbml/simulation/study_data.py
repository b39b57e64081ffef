"""Primary-study data (experiments/data/<Study>.tsv): the published numbers the tissue model is held to.

One table per study, one row per reported number (arm, time, measure). A number that could not be read in
the paper keeps its row with an empty `mean` and a note saying what is missing, so gaps stay visible.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.paths import EXPERIMENTS_DIR

DATA_DIR: Path = EXPERIMENTS_DIR / "data"
COLUMNS = ["study", "arm", "species_strain", "site", "time", "time_unit", "measure", "mean", "sd", "sem",
           "low", "high", "n", "unit", "location", "note"]
NUMERIC = ("time", "mean", "sd", "sem", "low", "high", "n")
SPREADS = ("sd", "sem", "n")  # never negative
TIME_UNITS = {"day": 1.0, "week": 7.0, "hour": 1.0 / 24.0, "year": 365.0}


@dataclass(frozen=True)
class StudyValue:
    """One published number with its spread (None where the paper gives none or it could not be read)."""

    study: str
    arm: str
    species_strain: str
    site: str
    time_days: float | None
    measure: str
    mean: float | None
    sd: float | None
    sem: float | None
    low: float | None
    high: float | None
    n: float | None
    unit: str
    location: str
    note: str

    @property
    def missing(self) -> bool:
        """True when the paper's number could not be read (the row records the gap)."""
        return self.mean is None and (self.low is None or self.high is None)

    @property
    def spread(self) -> tuple[float, float] | None:
        """The study's own range around the mean: mean +- SD, else the reported low-high range, else None."""
        if self.mean is not None and self.sd is not None:
            return self.mean - self.sd, self.mean + self.sd
        if self.low is not None and self.high is not None:
            return self.low, self.high
        if self.mean is not None and self.sem is not None and self.n is not None:
            sd = self.sem * math.sqrt(self.n)
            return self.mean - sd, self.mean + sd
        return None


def _number(text: str, path: Path, line: int, column: str) -> float | None:
    """A numeric cell (empty = None); anything else is an error naming file, row and column."""
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or (column in SPREADS and value < 0):
        raise NecroSbmlError(f"row {line}, column '{column}': '{text}' is not a valid number", file=path,
                             fix=f"write a finite{' non-negative' if column in SPREADS else ''} number or leave it empty")
    return value


def _row(values: dict[str, str], path: Path, line: int) -> StudyValue:
    """One table row as a StudyValue, checked."""
    for column in ("study", "arm", "measure", "unit", "location"):
        if not (values.get(column) or "").strip():
            raise NecroSbmlError(f"row {line}, column '{column}' is empty", file=path, fix=f"fill '{column}'")
    if values["study"] != path.stem:
        raise NecroSbmlError(f"row {line}, column 'study': '{values['study']}' differs from the file name", file=path,
                             id=values["study"], fix=f"write study '{path.stem}' or rename the file")
    nums = {c: _number(values.get(c) or "", path, line, c) for c in NUMERIC}
    unit = (values.get("time_unit") or "").strip()
    if nums["time"] is not None and unit not in TIME_UNITS:
        raise NecroSbmlError(f"row {line}, column 'time_unit': '{unit}' is not a time unit", file=path,
                             fix=f"use one of {', '.join(TIME_UNITS)}")
    time_days = None if nums["time"] is None else nums["time"] * TIME_UNITS[unit]
    row = StudyValue(values["study"], values["arm"], values.get("species_strain") or "", values.get("site") or "",
                     time_days, values["measure"], nums["mean"], nums["sd"], nums["sem"], nums["low"], nums["high"],
                     nums["n"], values["unit"], values["location"], (values.get("note") or "").strip())
    if row.missing and not row.note:
        raise NecroSbmlError(f"row {line}: the mean is missing but the note does not say why", file=path,
                             fix="say in 'note' what could not be read (e.g. 'figure only')")
    return row


def load_study(path: Path) -> list[StudyValue]:
    """All rows of one study table (lines starting with # are comments)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise NecroSbmlError(f"cannot read the study table ({err.__class__.__name__})", file=path,
                             fix="restore the file as UTF-8 tab-separated text") from err
    numbered = [(i, line) for i, line in enumerate(text.splitlines(), start=1)
                if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(line for _, line in numbered)), delimiter="\t")
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise NecroSbmlError(f"missing column(s) {', '.join(missing)}", file=path, fix=f"use the header {' '.join(COLUMNS)}")
    return [_row(r, path, line) for r, (line, _) in zip(reader, numbered[1:])]


@lru_cache(maxsize=None)
def load_studies(data_dir: Path = DATA_DIR) -> dict[str, tuple[StudyValue, ...]]:
    """Every study table of data_dir, by study key."""
    return {p.stem: tuple(load_study(p)) for p in sorted(data_dir.glob("*.tsv"))}


def study_counts(data_dir: Path = DATA_DIR) -> list[tuple[str, int, int]]:
    """Per study: its key, how many numbers were read and how many are recorded as missing."""
    return [(key, sum(not r.missing for r in rows), sum(r.missing for r in rows))
            for key, rows in load_studies(data_dir).items()]


def study_value(study: str, arm: str, measure: str, time_days: float | None = None,
                data_dir: Path = DATA_DIR) -> StudyValue:
    """The one row of a study for an arm, measure and time (days); errors name what is unknown."""
    studies = load_studies(data_dir)
    where = data_dir / f"{study}.tsv"
    if study not in studies:
        raise NecroSbmlError("unknown study key", file=where, id=study, fix=f"use one of {', '.join(studies)}")
    rows = [r for r in studies[study] if r.arm == arm and r.measure == measure
            and (time_days is None or (r.time_days is not None and abs(r.time_days - time_days) < 1e-9))]
    if len(rows) != 1:
        found = sorted({f"{r.arm}/{r.measure}/{r.time_days}" for r in studies[study]})
        raise NecroSbmlError(f"{len(rows)} rows for arm '{arm}', measure '{measure}', day {time_days}", file=where,
                             id=study, fix=f"use one of {', '.join(found)}")
    return rows[0]
