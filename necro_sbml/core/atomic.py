"""Atomic output: files and directories appear complete or not at all."""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.lock import output_lock

PROJECT_MARKERS = (".git", "pyproject.toml", "setup.py")


def _unwritable(path: Path, err: OSError) -> NecroSbmlError:
    """The error for an output location that cannot be written."""
    reason = err.strerror or type(err).__name__
    return NecroSbmlError(
        f"cannot write output: {reason}",
        file=path,
        fix=f"choose a writable output location or make {path.parent} a writable directory",
    )


def _default_mode(path: Path) -> int:
    """Permission bits for a new file at path: those of the file it replaces, else 0o666 & ~umask."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def ensure_parent(path: Path) -> None:
    """Create path's parent directory if missing, as a NecroSbmlError when impossible."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise _unwritable(path, err) from err


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write data to path via a temp file in the same directory and os.replace."""
    path = Path(path)
    ensure_parent(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as err:
        raise _unwritable(path, err) from err
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _default_mode(path))
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise _unwritable(path, err) from err
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 text to path atomically."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def _refuse_dangerous(final_dir: Path) -> None:
    """Refuse to replace a directory that is not a results folder (the current directory, home, a project)."""
    target = final_dir.resolve()
    here, home = Path.cwd().resolve(), Path.home().resolve()
    if target == here or target in here.parents or target == home or target == Path(target.anchor):
        raise NecroSbmlError("refusing to replace the current, home or root directory", file=final_dir,
                             fix="give --output a results folder, e.g. results/run1")
    if target.is_dir() and any((target / marker).exists() for marker in PROJECT_MARKERS):
        raise NecroSbmlError("refusing to replace a project directory", file=final_dir,
                             fix="give --output a results folder, e.g. results/run1")


def _first_existing(path: Path) -> Path:
    """The nearest existing ancestor of path (path itself if it exists)."""
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _check_creatable(path: Path) -> None:
    """The nearest existing ancestor of path must be a writable directory."""
    base = _first_existing(path.parent)
    if not base.is_dir():
        raise NecroSbmlError(f"cannot write output: {base} is a file", file=path, fix="choose a path inside a directory")
    if not os.access(base, os.W_OK | os.X_OK):
        raise NecroSbmlError(f"cannot write output: {base} is not writable", file=path,
                             fix="choose a writable output location")


def check_output_dir(path: str | os.PathLike[str]) -> Path:
    """Check, before any work, that an output directory can be created or replaced."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise NecroSbmlError("output directory is an existing file", file=path, fix="choose a directory path")
    _refuse_dangerous(path)
    _check_creatable(path)
    return path


def check_output_file(path: str | os.PathLike[str]) -> Path:
    """Check, before any work, that an output file can be written."""
    path = Path(path)
    if path.is_dir():
        raise NecroSbmlError("output file is an existing directory", file=path, fix="give a file path")
    _check_creatable(path)
    return path


def clean_stale(final_dir: Path) -> None:
    """Remove temporaries of killed runs beside final_dir; restore a replaced output a kill left renamed away."""
    parent = final_dir.parent
    if not parent.is_dir():
        return
    olds = sorted(parent.glob(f".{glob.escape(final_dir.name)}.*.old"))
    if olds and not final_dir.exists():
        os.replace(olds[-1], final_dir)
    for stale in parent.glob(f".{glob.escape(final_dir.name)}.*"):
        if stale.is_dir() and stale.name.endswith((".tmp", ".old")):
            shutil.rmtree(stale, ignore_errors=True)


def swap_in(new_dir: Path, final_dir: Path) -> None:
    """Replace final_dir by new_dir: rename the old away, the new in, then delete the old."""
    old = None
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(new_dir, 0o777 & ~umask)  # mkdtemp makes 0o700
    if final_dir.exists():
        old = final_dir.parent / f".{final_dir.name}.{secrets.token_hex(4)}.old"
        os.replace(final_dir, old)
    os.replace(new_dir, final_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def atomic_output_dir(final_dir: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temp dir beside final_dir; on success it replaces final_dir whole, else it is discarded.

    The output is locked for the duration (a second run fails at once), and temporaries left by killed runs
    are removed first. Files of an earlier run that this run does not write are gone afterwards.
    """
    final_dir = check_output_dir(final_dir)
    ensure_parent(final_dir)
    with output_lock(final_dir):
        clean_stale(final_dir)
        try:
            tmp = Path(tempfile.mkdtemp(dir=final_dir.parent, prefix=f".{final_dir.name}.", suffix=".tmp"))
        except OSError as err:
            raise _unwritable(final_dir, err) from err
        try:
            yield tmp
            try:
                swap_in(tmp, final_dir)
            except OSError as err:
                raise _unwritable(final_dir, err) from err
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
