"""The primary-study tables of experiments/data: complete, sourced and checked on load."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.sedml.writer import reference_texts
from necro_sbml.simulation.study_data import COLUMNS, DATA_DIR, load_studies, load_study, study_value

HEADER = "\t".join(COLUMNS)
GOOD = "Wronski1987\tOVX\trat\ttibia\t14\tweek\tBV_TV\t7.9\t5.3\t\t\t\t\t%\tabstract\t"


def test_every_table_is_a_cited_study() -> None:
    """Each table opens with its citation and its key resolves in models/REFERENCES.md."""
    refs = reference_texts()
    tables = sorted(DATA_DIR.glob("*.tsv"))
    for path in tables:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# ") and (re.search(r"(19|20)\d\d", first) or "NOT IDENTIFIED" in first or "not verified" in first), path.name
        assert path.stem in refs, path.stem
    read = [k for k, rows in load_studies().items() if any(not r.missing for r in rows)]
    assert len(tables) >= 8 and len(read) >= 8, read


def test_missing_numbers_stay_visible() -> None:
    """A number not read keeps its row with an empty mean and a note (never a guess)."""
    rows = [r for rows in load_studies().values() for r in rows]
    gaps = [r for r in rows if r.missing]
    assert gaps and all(r.note for r in gaps)
    he = [r for r in load_studies()["He2021"]]
    assert {r.arm for r in he} == {"sham", "OVX", "OVX+zVAD", "OVX+Nec1", "OVX+zVAD+Nec1"}


def test_published_values_and_spreads() -> None:
    """Spot checks against the papers' abstracts (Wronski 1987, Tomkinson 1998, Hughes 1996)."""
    ovx = study_value("Wronski1987", "OVX", "BV_TV", 98.0)
    assert (ovx.mean, ovx.spread) == (7.9, (7.9 - 5.3, 7.9 + 5.3))
    assert study_value("Tomkinson1998", "OVX", "dying_osteocytes_trabecular", 21.0).mean == 6.44
    assert study_value("Hughes1996", "E2/vehicle", "osteoclast_apoptosis_fold").spread == (2.0, 3.0)


@pytest.mark.parametrize("row, match", [
    (GOOD.replace("7.9\t5.3", "seven\t5.3"), r"row 3, column 'mean': 'seven' is not a valid number"),
    (GOOD.replace("7.9\t5.3", "7.9\t-1"), r"column 'sd'"),
    (GOOD.replace("7.9\t5.3", "nan\t5.3"), r"column 'mean'"),
    (GOOD.replace("\tweek\t", "\tfortnight\t"), r"column 'time_unit'"),
    (GOOD.replace("\t7.9\t5.3\t", "\t\t\t"), r"mean is missing but the note does not say why"),
    (GOOD.replace("Wronski1987\t", "Other2000\t", 1), r"differs from the file name"),
    (GOOD.replace("\tabstract\t", "\t\t"), r"column 'location' is empty"),
])
def test_bad_rows_name_file_row_and_column(tmp_path: Path, row: str, match: str) -> None:
    path = tmp_path / "Wronski1987.tsv"
    path.write_text(f"# citation 1987\n{HEADER}\n{row}\n", encoding="utf-8")
    with pytest.raises(NecroSbmlError, match=match) as err:
        load_study(path)
    assert str(path) in str(err.value)


def test_bad_tables(tmp_path: Path) -> None:
    path = tmp_path / "X2000.tsv"
    path.write_text("study\tarm\n", encoding="utf-8")
    with pytest.raises(NecroSbmlError, match="missing column"):
        load_study(path)
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(NecroSbmlError, match="cannot read"):
        load_study(path)
    data = tmp_path / "data"
    data.mkdir()
    (data / "Wronski1987.tsv").write_text(f"{HEADER}\n{GOOD}\n", encoding="utf-8")
    with pytest.raises(NecroSbmlError, match="unknown study key"):
        study_value("Nobody", "OVX", "BV_TV", data_dir=data)
    with pytest.raises(NecroSbmlError, match="0 rows for arm 'sham'"):
        study_value("Wronski1987", "sham", "BV_TV", data_dir=data)
