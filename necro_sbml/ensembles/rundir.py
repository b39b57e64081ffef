"""Ensemble run directories: locked, fingerprinted, built beside the output and swapped in only when complete.

A fresh run writes `.<output>.partial/` beside the output and replaces the output when every chunk and the
summary are written, so a failed, interrupted or concurrent rerun never touches a finished run. `--resume`
continues the finished output (missing or bad chunks recomputed) or an interrupted partial run with the same
fingerprint (experiment, members, seed, chunking, uncertainty table, compiled model).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from necro_sbml.core.atomic import check_output_dir, clean_stale, swap_in, write_text_atomic
from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.lock import output_lock
from necro_sbml.core.paths import sbml_path

MANIFEST = "run.json"


def file_sha256(path: str | Path) -> str:
    """The sha256 of a file's bytes ('' when it cannot be read)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def fingerprint(manifest: dict, model: str, table: str) -> str:
    """A hash of what determines a run's results: its manifest, the compiled model and the uncertainty table."""
    text = json.dumps(manifest, sort_keys=True, default=float)
    return hashlib.sha256("\n".join((text, file_sha256(sbml_path(model)), file_sha256(table))).encode()).hexdigest()


def _normal(manifest: dict) -> dict:
    """A manifest as it reads back from JSON (tuples as lists, numbers as floats)."""
    return json.loads(json.dumps(manifest, sort_keys=True, default=float))


def read_manifest(directory: Path) -> dict | None:
    """The manifest of a run directory, None when absent or unreadable."""
    try:
        return json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def staging_path(output: Path) -> Path:
    """Where a fresh run is built before it replaces the output."""
    return output.parent / f".{output.name}.partial"


def _choose(output: Path, manifest: dict, resume: bool) -> Path:
    """The directory to work in: the finished output or partial run to resume, else a fresh staging directory."""
    staging, wanted = staging_path(output), _normal(manifest)
    current, staged = read_manifest(output), read_manifest(staging)
    if resume and current == wanted:
        return output
    if resume and staged == wanted:
        return staging
    if resume and (current is not None or staged is not None):
        raise NecroSbmlError("cannot resume: the run differs from the one in this directory", file=output / MANIFEST,
                             fix="resume with the same experiment, --n, --seed, --chunk-size, table and model, "
                                 "or run without --resume to replace it")
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "chunks").mkdir(parents=True)
    write_text_atomic(staging / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True, default=float))
    return staging


@contextmanager
def run_directory(output: str | Path, manifest: dict, resume: bool) -> Iterator[Path]:
    """Hold the output's lock and yield the directory to write chunks and summary into; swap it in on success."""
    output = check_output_dir(Path(output))
    with output_lock(output):
        clean_stale(output)
        work = _choose(output, manifest, resume)
        (work / "chunks").mkdir(parents=True, exist_ok=True)
        yield work
        if work != output:
            swap_in(work, output)
