"""Exclusive output locks: one run at a time writes a given output directory or file.

The lock is a file `.<name>.lock` beside the output (it survives the output being swapped); the operating
system releases it when the holding process ends, however it ends.
"""

from __future__ import annotations

import fcntl
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from necro_sbml.core.errors import NecroSbmlError

_HELD: dict[str, int] = {}  # lock path -> file descriptor, for re-entrant use in one process


def lock_path(output: Path) -> Path:
    """The lock file of an output path."""
    return output.parent / f".{output.name}.lock"


def _holder(fd: int) -> str:
    """What the current holder wrote into the lock file (pid and command), shortened."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return " ".join(os.read(fd, 300).decode("utf-8", "replace").split())[:200] or "another process"
    except OSError:
        return "another process"


@contextmanager
def output_lock(output: str | os.PathLike[str]) -> Iterator[None]:
    """Hold the exclusive lock of an output path, or fail at once naming the process that holds it."""
    output = Path(output).absolute()
    path = lock_path(output)
    key = str(path)
    if key in _HELD:  # already held by this process (a command writing nested outputs)
        yield
        return
    fd = _acquire(path, output)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}: {' '.join(sys.argv)[:200]}\n".encode("utf-8", "replace"))
        _HELD[key] = fd
        yield
    finally:
        _HELD.pop(key, None)
        Path(path).unlink(missing_ok=True)  # while still locked: a waiting opener re-checks the inode
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _acquire(path: Path, output: Path) -> int:
    """Open and lock the lock file without waiting; retry when it was replaced meanwhile."""
    while True:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as err:
            raise NecroSbmlError(f"cannot create the output lock: {err.strerror}", file=path,
                                 fix=f"make {path.parent} a writable directory") from err
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = _holder(fd)
            os.close(fd)
            raise NecroSbmlError(f"output is in use by another run ({holder})", file=output,
                                 fix="wait for that run to finish or choose another --output") from None
        try:
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)  # the holder removed the file as we opened it: lock the new one
