"""Error messages and atomic output: what the user sees when something is wrong."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import DATA, TOY_METADATA
from necro_sbml.building.annotate import read_table
from necro_sbml.core.atomic import atomic_output_dir, write_bytes_atomic, write_text_atomic
from necro_sbml.building.build import build_sbml, compile_antimony
from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.building.metadata import load_metadata


def test_message_names_file_id_and_fix() -> None:
    err = NecroSbmlError("bad thing", file="models/x.ant", id="k_1", fix="do this")
    assert str(err) == "models/x.ant: bad thing (id 'k_1'). Fix: do this."


def test_malformed_antimony_names_file_and_line(tmp_path: Path) -> None:
    source = tmp_path / "broken.ant"
    source.write_text("model broken()\n  A = 1\n  A -> B; k *\nend\n")
    with pytest.raises(NecroSbmlError) as info:
        compile_antimony(source)
    message = str(info.value)
    assert message.startswith(f"{source}:3:") and "line 3" in message


def test_file_not_defining_its_model(tmp_path: Path) -> None:
    source = tmp_path / "named.ant"
    source.write_text("model other()\n  A = 1\nend\n")
    with pytest.raises(NecroSbmlError, match="define `model named\\(\\)`"):
        compile_antimony(source)


def test_bad_table_header(tmp_path: Path) -> None:
    table = tmp_path / "annotations.tsv"
    table.write_text("model\tid\tsbo\n")
    with pytest.raises(NecroSbmlError, match="annotations.tsv:1: bad header"):
        read_table(table)


def test_bad_uri_names_line(tmp_path: Path) -> None:
    table = tmp_path / "annotations.tsv"
    table.write_text("model\tid\tname\tsbo\tqualifier\turis\tnote\ntoy\tA\t\t\tbqbiol:is\tuniprot:Q13546\t\n")
    with pytest.raises(NecroSbmlError, match="annotations.tsv:2: bad URI 'uniprot:Q13546'"):
        read_table(table)


def test_missing_metadata_table(tmp_path: Path) -> None:
    with pytest.raises(NecroSbmlError, match=r"no metadata for model \(id 'absent'\)"):
        load_metadata("absent", TOY_METADATA)
    with pytest.raises(NecroSbmlError, match="metadata file missing"):
        build_sbml(DATA / "toy.ant", DATA / "annotations.tsv", tmp_path / "none.toml")


def test_failed_write_leaves_earlier_file_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"earlier\n")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(NecroSbmlError, match="out.csv: cannot write output: No space left on device"):
        write_text_atomic(target, "new content that never lands\n")
    assert target.read_bytes() == b"earlier\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_unwritable_location_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not_a_dir"
    blocker.write_bytes(b"x")
    with pytest.raises(NecroSbmlError) as info:
        write_bytes_atomic(blocker / "out.csv", b"data")
    assert str(blocker / "out.csv") in str(info.value) and "Fix:" in str(info.value)
    assert blocker.read_bytes() == b"x"


def test_atomic_dir_discards_everything_on_failure(tmp_path: Path) -> None:
    final = tmp_path / "results"
    final.mkdir()
    (final / "summary.csv").write_bytes(b"old\n")
    with pytest.raises(RuntimeError):
        with atomic_output_dir(final) as tmp:
            (tmp / "summary.csv").write_bytes(b"half")
            (tmp / "new.csv").write_bytes(b"half")
            raise RuntimeError("simulation failed")
    assert sorted(p.name for p in final.iterdir()) == ["summary.csv"]
    assert (final / "summary.csv").read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]


def test_atomic_dir_replaces_the_whole_directory_on_success(tmp_path: Path) -> None:
    """Issue 12 case 6: the new run replaces the old output whole; stale files of the earlier run are gone."""
    final = tmp_path / "results"
    final.mkdir()
    (final / "keep.txt").write_bytes(b"keep")
    (final / "summary.csv").write_bytes(b"old")
    with atomic_output_dir(final) as tmp:
        (tmp / "summary.csv").write_bytes(b"new")
        (tmp / "sub").mkdir()
        (tmp / "sub" / "a.png").write_bytes(b"png")
    assert (final / "summary.csv").read_bytes() == b"new" and not (final / "keep.txt").exists()
    assert (final / "sub" / "a.png").read_bytes() == b"png"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]


def test_atomic_dir_on_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "results"
    target.write_bytes(b"file")
    with pytest.raises(NecroSbmlError, match="output directory is an existing file"):
        with atomic_output_dir(target):
            pass
    assert target.read_bytes() == b"file"
