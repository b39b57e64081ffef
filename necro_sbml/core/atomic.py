"""Atomic output: files and directories appear complete or not at all."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from necro_sbml.core.errors import NecroSbmlError


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


def _merge_into(src_dir: Path, final_dir: Path) -> None:
    """Move every file under src_dir to the same relative place under final_dir (os.replace)."""
    for src in sorted(p for p in src_dir.rglob("*") if p.is_file()):
        dest = final_dir / src.relative_to(src_dir)
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(src, _default_mode(dest))
        os.replace(src, dest)


@contextmanager
def atomic_output_dir(final_dir: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temp dir beside final_dir; on success merge its files into final_dir, else discard it."""
    final_dir = Path(final_dir)
    if final_dir.exists() and not final_dir.is_dir():
        raise NecroSbmlError(
            "output directory is an existing file", file=final_dir, fix="choose a directory path"
        )
    ensure_parent(final_dir)
    try:
        tmp = Path(tempfile.mkdtemp(dir=final_dir.parent, prefix=f".{final_dir.name}.", suffix=".tmp"))
    except OSError as err:
        raise _unwritable(final_dir, err) from err
    try:
        yield tmp
        try:
            final_dir.mkdir(exist_ok=True)
            _merge_into(tmp, final_dir)
        except OSError as err:
            raise _unwritable(final_dir, err) from err
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
