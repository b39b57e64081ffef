"""The package's one exception type, whose message names the file/id and the fix."""

from __future__ import annotations

from os import PathLike


class NecroSbmlError(Exception):
    """A user-facing error: what went wrong, where (file and/or id), and how to fix it."""

    def __init__(
        self,
        problem: str,
        *,
        file: str | PathLike[str] | None = None,
        id: str | None = None,
        fix: str | None = None,
    ) -> None:
        """Store the parts and compose the one-line message."""
        self.problem = problem
        self.file = None if file is None else str(file)
        self.id = id
        self.fix = fix
        super().__init__(compose_message(problem, file=self.file, id=id, fix=fix))


def compose_message(problem: str, *, file: str | None, id: str | None, fix: str | None) -> str:
    """Return "file: problem (id 'x'). Fix: ..." leaving out the parts that are None."""
    text = f"{file}: {problem}" if file else problem
    if id is not None:
        text += f" (id '{id}')"
    text = text.rstrip(".") + "."
    if fix:
        text += f" Fix: {fix.rstrip('.')}."
    return " ".join(text.split())
