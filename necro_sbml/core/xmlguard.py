"""Guards run on model and experiment text before libsbml, libsedml or RoadRunner see it.

RoadRunner treats text that is not XML as a file path or URL, libsbml crashes on very deep nesting, and
DTDs allow entity expansion: text is refused unless it is UTF-8 XML without a DTD, within the size and depth
limits (NECRO_SBML_XML_MAX_BYTES, NECRO_SBML_XML_MAX_DEPTH raise them), with the expected root element.
"""

from __future__ import annotations

import os
import xml.parsers.expat
from os import PathLike
from pathlib import Path

from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH
ROOTS = {"SBML": "sbml", "SED-ML": "sedML"}


def limit(name: str, default: int) -> int:
    """A positive integer limit from the environment variable `name`, else the default."""
    text = os.environ.get(name, "")
    try:
        value = int(text) if text else default
    except ValueError as err:
        raise NecroSbmlError(f"bad limit {text!r}", id=name, fix="give a positive integer") from err
    if value < 1:
        raise NecroSbmlError(f"bad limit {text!r}", id=name, fix="give a positive integer")
    return value


def max_bytes() -> int:
    """The largest model or experiment file accepted."""
    return limit("NECRO_SBML_XML_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_depth() -> int:
    """The deepest element nesting accepted."""
    return limit("NECRO_SBML_XML_MAX_DEPTH", DEFAULT_MAX_DEPTH)


def excerpt(text: str, width: int = 40) -> str:
    """A short, escaped start of some text for an error message (never a whole file)."""
    head = text.strip()[:width]
    return repr(head + ("..." if len(text.strip()) > width else ""))


class _Refused(Exception):
    """Raised from expat callbacks to stop parsing."""


def _scan(text: str, where: str, kind: str) -> str:
    """Parse iteratively with expat (no tree, no recursion); return the root element's local name."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    state = {"depth": 0, "root": None}
    deepest = max_depth()

    def start(name: str, _attrs: dict) -> None:
        state["depth"] += 1
        state["root"] = state["root"] or name.rsplit(" ", 1)[-1]
        if state["depth"] > deepest:
            raise _Refused(f"XML nested deeper than {deepest} levels")

    def end(_name: str) -> None:
        state["depth"] -= 1

    def doctype(*_args: object) -> None:
        raise _Refused("XML with a DTD or entity declarations")

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    try:
        parser.Parse(text, True)
    except _Refused as err:
        raise NecroSbmlError(f"refused {kind} file: {err}", file=where,
                             fix="remove the DTD/entities, or raise NECRO_SBML_XML_MAX_DEPTH if the nesting is genuine") from None
    except xml.parsers.expat.ExpatError as err:
        raise NecroSbmlError(f"invalid {kind}: not well-formed XML ({xml.parsers.expat.errors.messages.get(err.code, err)} at line {err.lineno})",
                             file=where, fix=f"give a valid {kind} file") from None
    return state["root"] or ""


def _check_size(size: int, where: str, kind: str) -> None:
    """Refuse a document above the size limit."""
    if size > max_bytes():
        raise NecroSbmlError(f"{kind} file too large ({size} bytes, limit {max_bytes()})", file=where,
                             fix="raise NECRO_SBML_XML_MAX_BYTES if the file is genuine")


def checked_xml(data: bytes | str, file: str | PathLike[str], kind: str = "SBML") -> str:
    """The text of an SBML or SED-ML document, refused unless it is UTF-8 XML within the limits."""
    where = str(file)
    _check_size(len(data), where, kind)
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as err:
            raise NecroSbmlError(f"{kind} file is not UTF-8 (byte {err.start})", file=where,
                                 fix="save the file as UTF-8") from None
    text = data.removeprefix("\ufeff")
    if not text.strip():
        raise NecroSbmlError(f"{kind} file is empty", file=where, fix=f"give a {kind} file")
    if not text.lstrip().startswith("<"):
        raise NecroSbmlError(f"not {kind} XML: the file starts with {excerpt(text)}", file=where,
                             fix=f"give a {kind} document (a path or URL written inside a file is never followed)")
    root = _scan(text, where, kind)
    if root != ROOTS[kind]:
        raise NecroSbmlError(f"not a {kind} document: root element <{root}>", file=where,
                             fix=f"give a document whose root element is <{ROOTS[kind]}>")
    return text


def read_xml(path: str | PathLike[str], kind: str = "SBML") -> str:
    """Read and check one SBML or SED-ML file (size checked before reading)."""
    path = Path(path)
    try:
        if not path.is_file():
            raise NecroSbmlError(f"{kind} file not found", file=path, fix=f"give an existing {kind} file")
        _check_size(path.stat().st_size, str(path), kind)
        data = path.read_bytes()
    except OSError as err:
        raise NecroSbmlError(f"cannot read {kind} file: {err.strerror}", file=path, fix="check the path and permissions") from err
    return checked_xml(data, path, kind)
