"""Annotation table (models/annotations.tsv) -> names, SBO terms and MIRIAM CVTerms on SBML."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import libsbml

from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.files import read_text
from necro_sbml.building.metadata import notes_xhtml
from necro_sbml.core.paths import ANNOTATIONS

HEADER = ("model", "id", "name", "sbo", "qualifier", "uris", "note")
MODEL_ROW_ID = "__model__"
ALL_MODELS = "*"
URI_PATTERN = re.compile(r"^https://identifiers\.org/\S+$")  # https, as identifiers.org recommends
SBO_PATTERN = re.compile(r"^SBO:\d{7}$")

# Default SBO terms where the table gives none.
SBO_MODEL = "SBO:0000062"  # continuous framework
SBO_SPECIES = "SBO:0000252"  # polypeptide chain
SBO_COMPARTMENT = "SBO:0000290"  # physical compartment
SBO_REACTION = "SBO:0000176"  # biochemical reaction
SBO_PARAMETER = "SBO:0000002"  # quantitative systems description parameter
# Parameter id patterns, first match wins (rule-defined parameters get SBO_PARAMETER first).
SBO_PARAMETER_RULES: tuple[tuple[str, str], ...] = (
    (r".*_(uM|ngml|mM|pgml)$", "SBO:0000196"),  # concentration of an entity pool (drug/ligand doses)
    (r"^k_.*", "SBO:0000009"),  # kinetic constant
    (r"^Kd_.*", "SBO:0000282"),  # dissociation constant
    (r"^(Km|K)_.*", "SBO:0000027"),  # Michaelis constant
    (r"^n_.*", "SBO:0000190"),  # Hill coefficient
)


@dataclass(frozen=True)
class AnnotationRow:
    """One line of the annotation table (line is the 1-based file line)."""

    line: int
    model: str
    id: str
    name: str
    sbo: str
    qualifier: str
    uris: tuple[str, ...]
    note: str


def read_table(path: Path = ANNOTATIONS) -> list[AnnotationRow]:
    """Parse and check the annotation table; a missing file is an empty table."""
    if not path.exists():
        return []
    text = read_text(path, "annotation table")
    lines = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE))
    if not lines or tuple(c.strip() for c in lines[0]) != HEADER:
        raise NecroSbmlError(
            "bad header", file=f"{path}:1", fix=f"make the first line the tab-separated header {' '.join(HEADER)}"
        )
    rows = [_parse_row(path, n, cells) for n, cells in enumerate(lines[1:], start=2) if _is_content(cells)]
    return rows


def _is_content(cells: list[str]) -> bool:
    """False for blank lines and # comments."""
    return bool(cells) and any(c.strip() for c in cells) and not cells[0].lstrip().startswith("#")


def _parse_row(path: Path, line: int, cells: list[str]) -> AnnotationRow:
    """Check one table line's fields and build its AnnotationRow."""
    where = f"{path}:{line}"
    if len(cells) > len(HEADER):
        raise NecroSbmlError(f"{len(cells)} fields, expected {len(HEADER)}", file=where, fix="remove the extra tabs")
    model, id_, name, sbo, qualifier, uris, note = (c.strip() for c in cells + [""] * (len(HEADER) - len(cells)))
    if not model or not id_:
        raise NecroSbmlError("model and id are required", file=where, fix="fill the model (or *) and id columns")
    if sbo and not SBO_PATTERN.match(sbo):
        raise NecroSbmlError(f"bad SBO term '{sbo}'", file=where, id=id_, fix="write it as SBO:0000252")
    uri_list = tuple(uris.split())
    for uri in uri_list:
        if not URI_PATTERN.match(uri):
            raise NecroSbmlError(
                f"bad URI '{uri}'", file=where, id=id_, fix="use an https identifiers.org URI such as https://identifiers.org/uniprot:Q13546"
            )
    if uri_list and not qualifier:
        raise NecroSbmlError("URIs without a qualifier", file=where, id=id_, fix="add a qualifier such as bqbiol:is")
    if qualifier:
        qualifier_kind(qualifier, where, id_)
    return AnnotationRow(line, model, id_, name, sbo, qualifier, uri_list, note)


def qualifier_kind(qualifier: str, where: str, id_: str) -> tuple[int, int]:
    """Map 'bqbiol:is' / 'bqmodel:isDescribedBy' to libsbml's (qualifier type, qualifier)."""
    prefix, _, term = qualifier.partition(":")
    if prefix == "bqbiol":
        kind, value, unknown = libsbml.BIOLOGICAL_QUALIFIER, libsbml.BiolQualifierType_fromString(term), libsbml.BQB_UNKNOWN
    elif prefix == "bqmodel":
        kind, value, unknown = libsbml.MODEL_QUALIFIER, libsbml.ModelQualifierType_fromString(term), libsbml.BQM_UNKNOWN
    else:
        kind, value, unknown = None, None, None
    if kind is None or value == unknown:
        raise NecroSbmlError(
            f"unknown qualifier '{qualifier}'", file=where, id=id_,
            fix="use a MIRIAM qualifier such as bqbiol:is, bqbiol:hasPart, bqmodel:isDescribedBy",
        )
    return kind, value


def rows_for_model(rows: Iterable[AnnotationRow], model_id: str) -> list[AnnotationRow]:
    """The rows that apply to model_id (its own rows and '*' rows)."""
    return [r for r in rows if r.model in (model_id, ALL_MODELS)]


def _element(model: libsbml.Model, id_: str) -> libsbml.SBase | None:
    """The model itself for __model__, else the model element with that SBML id."""
    return model if id_ == MODEL_ROW_ID else model.getElementBySId(id_)


def check_rows_resolve(rows: Iterable[AnnotationRow], model: libsbml.Model, path: Path) -> None:
    """Raise for a row of this model naming an id the model lacks ('*' rows may be absent)."""
    for row in rows:
        if row.model == model.getId() and _element(model, row.id) is None:
            raise NecroSbmlError(
                f"annotation row names an id not in model '{model.getId()}'", file=f"{path}:{row.line}",
                id=row.id, fix="remove the row or correct the id",
            )


def check_star_rows_used(rows: Iterable[AnnotationRow], ids_by_model: dict[str, set[str]], path: Path) -> None:
    """Raise for a '*' row whose id occurs in none of the models."""
    known = set().union(*ids_by_model.values()) | {MODEL_ROW_ID}
    for row in rows:
        if row.model == ALL_MODELS and row.id not in known:
            raise NecroSbmlError(
                "annotation row for all models names an id found in none", file=f"{path}:{row.line}",
                id=row.id, fix="remove the row or correct the id",
            )


def model_element_ids(model: libsbml.Model) -> set[str]:
    """The SBML ids of the model's compartments, species, reactions and parameters."""
    lists = (model.getListOfCompartments(), model.getListOfSpecies(), model.getListOfReactions(), model.getListOfParameters())
    return {e.getId() for lst in lists for e in lst}


def default_parameter_sbo(model: libsbml.Model, param_id: str) -> str:
    """SBO term for a parameter by rule: rule-defined outputs, then the id patterns, else SBO:0000002."""
    if model.getRule(param_id) is not None:
        return SBO_PARAMETER
    for pattern, term in SBO_PARAMETER_RULES:
        if re.match(pattern, param_id):
            return term
    return SBO_PARAMETER


def set_default_sbo(model: libsbml.Model) -> None:
    """Give the model and each compartment, species, reaction and parameter its default SBO term and metaid."""
    model.setSBOTerm(SBO_MODEL)
    model.setMetaId(f"meta_{model.getId()}")
    defaults = (
        (model.getListOfCompartments(), lambda e: SBO_COMPARTMENT),
        (model.getListOfSpecies(), lambda e: SBO_SPECIES),
        (model.getListOfReactions(), lambda e: SBO_REACTION),
        (model.getListOfParameters(), lambda e: default_parameter_sbo(model, e.getId())),
    )
    for elements, term_for in defaults:
        for element in elements:
            element.setMetaId(f"meta_{element.getId()}")
            element.setSBOTerm(term_for(element))


def _add_cvterm(element: libsbml.SBase, qualifier: str, uris: Iterable[str], where: str, id_: str) -> None:
    """Add one CVTerm with all uris under the given qualifier."""
    kind, value = qualifier_kind(qualifier, where, id_)
    term = libsbml.CVTerm(kind)
    if kind == libsbml.BIOLOGICAL_QUALIFIER:
        term.setBiologicalQualifierType(value)
    else:
        term.setModelQualifierType(value)
    for uri in uris:
        term.addResource(uri)
    if element.addCVTerm(term) != libsbml.LIBSBML_OPERATION_SUCCESS:
        raise NecroSbmlError("libsbml refused the annotation", file=where, id=id_, fix="check the qualifier and URIs")


def apply_rows(model: libsbml.Model, rows: list[AnnotationRow], path: Path) -> None:
    """Apply names, SBO terms, notes and CVTerms (one per element and qualifier) from the rows."""
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    notes: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        element = _element(model, row.id)
        if element is None:
            continue
        if row.name:
            element.setName(row.name)
        if row.sbo:
            element.setSBOTerm(row.sbo)
        if row.note and row.id != MODEL_ROW_ID:
            notes[row.id].append(row.note)
        if row.uris:
            bucket = grouped[(row.id, row.qualifier)]
            bucket.extend(u for u in row.uris if u not in bucket)
    for (id_, qualifier), uris in grouped.items():
        _add_cvterm(_element(model, id_), qualifier, uris, str(path), id_)
    for id_, texts in notes.items():
        _element(model, id_).setNotes(_notes_body(texts))


def _notes_body(texts: list[str]) -> str:
    """XHTML notes from table note cells, one paragraph each."""
    return notes_xhtml("\n\n".join(texts))


def annotate(doc: libsbml.SBMLDocument, rows: list[AnnotationRow], table: Path = ANNOTATIONS) -> None:
    """Annotate the document's model in place: default SBO terms and metaids, then the table's rows."""
    model = doc.getModel()
    mine = rows_for_model(rows, model.getId())
    check_rows_resolve(mine, model, table)
    set_default_sbo(model)
    apply_rows(model, mine, table)
