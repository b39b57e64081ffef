"""Compiled models on disk: a roadrunner state per SBML text and roadrunner version, shared by every process.

Compiling the tissue model takes seconds; loading its saved state (`saveStateS`/`loadStateS`) a tenth of one.
The cache lives in the user's cache directory (NECRO_SBML_CACHE_DIR, else $XDG_CACHE_HOME/necro-sbml, else
~/.cache/necro-sbml). Entries are written atomically (temp file + rename: concurrent writers of one key write the
same bytes, the last rename wins), the oldest are removed beyond MAX_BYTES, and NECRO_SBML_NO_CACHE=1 (the
`--no-cache` option) bypasses it. Each entry starts with the sha256 of its state: an entry that does not match
(damaged, or not ours) is ignored, recompiled and replaced.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import roadrunner

from necro_sbml.core.atomic import write_bytes_atomic
from necro_sbml.core.errors import NecroSbmlError

MAX_BYTES = 256 * 1024 * 1024
SUFFIX = ".rrstate"


def enabled() -> bool:
    """False when NECRO_SBML_NO_CACHE is set to anything but '' or '0'."""
    return os.environ.get("NECRO_SBML_NO_CACHE", "") in ("", "0")


def cache_dir() -> Path:
    """The directory holding the compiled models."""
    if os.environ.get("NECRO_SBML_CACHE_DIR"):
        return Path(os.environ["NECRO_SBML_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "necro-sbml"


def entry(sbml_hash: str) -> Path:
    """The cache file of an SBML text's hash under this roadrunner version."""
    return cache_dir() / f"{sbml_hash}-roadrunner-{roadrunner.__version__}{SUFFIX}"


def read(sbml_hash: str) -> bytes | None:
    """The saved state of a compiled model if cached and intact, else None."""
    if not enabled():
        return None
    try:
        data = entry(sbml_hash).read_bytes()
    except OSError:
        return None
    digest, state = data[:64], data[64:]
    return state if digest == hashlib.sha256(state).hexdigest().encode("ascii") else None


def write(sbml_hash: str, state: bytes, max_bytes: int = MAX_BYTES) -> None:
    """Store a compiled model's state (best effort: an unwritable cache only costs compile time), then prune."""
    if not enabled():
        return
    try:
        write_bytes_atomic(entry(sbml_hash), hashlib.sha256(state).hexdigest().encode("ascii") + state)
    except NecroSbmlError:
        return
    prune(max_bytes)


def prune(max_bytes: int = MAX_BYTES) -> None:
    """Delete the least recently written entries until the cache holds at most max_bytes."""
    files = []
    for path in cache_dir().glob(f"*{SUFFIX}"):
        try:
            files.append((path.stat().st_mtime, path.stat().st_size, path))
        except OSError:  # removed by a concurrent prune
            continue
    total = sum(size for _, size, _ in files)
    for _, size, path in sorted(files):
        if total <= max_bytes:
            break
        path.unlink(missing_ok=True)
        total -= size
