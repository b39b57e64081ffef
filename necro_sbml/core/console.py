"""Console output of C libraries (CVODE, libroadrunner) kept off the terminal during a command.

File descriptor 2 goes to a temporary file while Python's own stderr (progress lines, the one-line error)
keeps the terminal; the solver's message reaches the user inside the error line instead.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager


def _python_stderr_is_fd2() -> bool:
    """True when sys.stderr writes to file descriptor 2 (not when a test harness captures it)."""
    try:
        return sys.stderr.fileno() == 2
    except (AttributeError, OSError, ValueError):
        return False


@contextmanager
def c_stderr_silenced() -> Iterator[None]:
    """Send what C code writes to fd 2 into a discarded temporary file; Python's sys.stderr is unaffected."""
    sys.stderr.flush()
    original, replaced = sys.stderr, _python_stderr_is_fd2()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        if replaced:
            sys.stderr = open(os.dup(saved), "w", buffering=1, encoding="utf-8", errors="backslashreplace")  # noqa: SIM115
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            if replaced:
                sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            if replaced:
                sys.stderr.close()
                sys.stderr = original
