"""Model metadata (models/metadata.toml): description, creators, fixed dates -> SBML history and notes."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import libsbml

from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.files import read_toml
from necro_sbml.core.paths import METADATA

XHTML_NS = "http://www.w3.org/1999/xhtml"


@dataclass(frozen=True)
class Creator:
    """One model creator: a person (placeholder=True marks a record a curator must still fill)."""

    given: str
    family: str
    email: str = ""
    organisation: str = ""
    orcid: str = ""
    placeholder: bool = False

    @property
    def name(self) -> str:
        """Given and family name."""
        return f"{self.given} {self.family}"


@dataclass(frozen=True)
class ModelMetadata:
    """Metadata of one model: notes text, creators and fixed (deterministic) dates."""

    description: str
    creators: tuple[Creator, ...]
    created: str
    modified: str


def load_metadata(model_id: str, path: Path = METADATA) -> ModelMetadata:
    """Read the [model_id] table of the metadata file."""
    data = read_toml(path, "metadata file")
    if model_id not in data:
        raise NecroSbmlError(
            "no metadata for model", file=path, id=model_id,
            fix=f"add a [{model_id}] table with description, creators, created, modified",
        )
    return _parse_entry(model_id, data[model_id], path)


def _parse_entry(model_id: str, entry: dict, path: Path) -> ModelMetadata:
    """Turn one TOML table into ModelMetadata, naming any missing key."""
    missing = [k for k in ("description", "creators", "created", "modified") if k not in entry]
    if missing or not entry.get("creators"):
        raise NecroSbmlError(
            f"metadata lacks {', '.join(missing) or 'creators'}", file=path, id=model_id,
            fix="add description, at least one [[<model>.creators]], created and modified",
        )
    try:
        creators = tuple(Creator(**c) for c in entry["creators"])
    except TypeError as err:
        raise NecroSbmlError(
            f"bad creator entry: {err}", file=path, id=model_id,
            fix="use only the keys given, family, email, organisation, orcid, placeholder",
        ) from err
    return ModelMetadata(entry["description"], creators, str(entry["created"]), str(entry["modified"]))


def notes_xhtml(text: str) -> str:
    """Wrap plain text (blank-line separated paragraphs) as an XHTML body for SBML notes."""
    paragraphs = [" ".join(p.split()) for p in text.strip().split("\n\n") if p.strip()]
    body = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
    return f'<body xmlns="{XHTML_NS}">{body}</body>'


def _sbml_date(text: str, path: Path, model_id: str) -> libsbml.Date:
    """Parse a W3CDTF date string into libsbml.Date, as an error when invalid."""
    date = libsbml.Date(text)
    if not date.representsValidDate() or date.getDateAsString() != text:
        raise NecroSbmlError(
            f"invalid date '{text}'", file=path, id=model_id, fix="use the form 2026-11-27T00:00:00Z"
        )
    return date


def _model_creator(creator: Creator) -> libsbml.ModelCreator:
    """A libsbml ModelCreator from a Creator."""
    mc = libsbml.ModelCreator()
    mc.setGivenName(creator.given)
    mc.setFamilyName(creator.family)
    if creator.email:
        mc.setEmail(creator.email)
    if creator.organisation:
        mc.setOrganisation(creator.organisation)
    return mc


def apply_metadata(model: libsbml.Model, meta: ModelMetadata, path: Path = METADATA) -> None:
    """Set the model's history (creators, fixed dates) and notes."""
    history = libsbml.ModelHistory()
    for creator in meta.creators:
        history.addCreator(_model_creator(creator))
    history.setCreatedDate(_sbml_date(meta.created, path, model.getId()))
    history.setModifiedDate(_sbml_date(meta.modified, path, model.getId()))
    if model.setModelHistory(history) != libsbml.LIBSBML_OPERATION_SUCCESS:
        raise NecroSbmlError(
            "incomplete model history", file=path, id=model.getId(),
            fix="give every creator a given and family name",
        )
    model.setNotes(notes_xhtml(meta.description))
