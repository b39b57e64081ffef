"""Antimony -> flattened SBML L3V2 core, annotated, validated, written deterministically."""

from __future__ import annotations

import math
import re
from pathlib import Path

import antimony
import libsbml

from necro_sbml.building.annotate import annotate, check_star_rows_used, model_element_ids, read_table
from necro_sbml.core.atomic import write_bytes_atomic
from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.files import read_text
from necro_sbml.building.metadata import apply_metadata, load_metadata
from necro_sbml.core.paths import ANNOTATIONS, METADATA, MODELS_DIR, SBML_DIR, antimony_path, model_names, sbml_path
from necro_sbml.building.validate import validate_sbml

# Lines whose content depends on the tool versions or the clock, dropped from the output.
VOLATILE_LINE = re.compile(r"^\s*<!--.*(Created by|generated|libSBML version).*-->\s*$", re.MULTILINE)
ANTIMONY_LINE = re.compile(r"line (\d+)")


def compile_antimony(path: Path) -> str:
    """Compile an Antimony file to flattened SBML L3V2 core for the model named like the file stem."""
    path = Path(path)
    read_text(path, "Antimony file")  # a directory, unreadable or non-UTF-8 file is one clear error
    antimony.clearPreviousLoads()
    if antimony.loadAntimonyFile(str(path)) < 0:
        raise _antimony_error(path)
    model_id = path.stem
    if model_id not in antimony.getModuleNames():
        raise NecroSbmlError(
            "file does not define the model named like the file", file=path, id=model_id,
            fix=f"define `model {model_id}()` or rename the file after its model",
        )
    sbml = antimony.getCompSBMLString(model_id)
    if not sbml:
        raise NecroSbmlError(f"Antimony could not export SBML: {antimony.getLastError()}", file=path, id=model_id,
                             fix="correct the reported Antimony problem")
    return flatten_comp(sbml, path)


def flatten_comp(sbml: str, path: Path) -> str:
    """Flatten a hierarchical (SBML comp) model to SBML core with libsbml; core models pass unchanged.

    Antimony's own flattening loses built-in units of submodels, so composed
    models go through libsbml's comp flattening converter instead.
    """
    doc = libsbml.readSBMLFromString(sbml)
    comp = doc.getModel().getPlugin("comp") if doc.getModel() is not None else None
    if comp is None or comp.getNumSubmodels() == 0:
        return antimony.getSBMLString(Path(path).stem)
    props = libsbml.ConversionProperties()
    props.addOption("flatten comp", True)
    props.addOption("leavePorts", False)
    if doc.convert(props) != libsbml.LIBSBML_OPERATION_SUCCESS:
        problems = "; ".join(doc.getError(i).getMessage().strip() for i in range(doc.getNumErrors()))
        raise NecroSbmlError(f"libsbml could not flatten the composed model: {problems}", file=path,
                             fix="check the submodel instances, `is` links and time conversion factors")
    _give_units_to_unitless_ones(doc.getModel())
    return libsbml.writeSBMLToString(doc)


def _give_units_to_unitless_ones(model: libsbml.Model) -> None:
    """Mark the literal 1 that the flattener writes for a time conversion (1/factor) as dimensionless."""
    laws = [r.getKineticLaw() for r in model.getListOfReactions() if r.isSetKineticLaw()]
    for element in [*laws, *model.getListOfRules()]:
        if not element.isSetMath():
            continue
        math = element.getMath().deepCopy()
        nodes = [math]
        while nodes:
            node = nodes.pop()
            nodes.extend(node.getChild(i) for i in range(node.getNumChildren()))
            if node.isNumber() and not node.hasUnits() and node.getValue() == 1:
                node.setUnits("dimensionless")
        element.setMath(math)


def _antimony_error(path: Path) -> NecroSbmlError:
    """The error for an Antimony file that does not load, naming its line."""
    text = " ".join(antimony.getLastError().split())
    match = ANTIMONY_LINE.search(text)
    where = f"{path}:{match.group(1)}" if match else str(path)
    fix = f"correct the Antimony syntax at line {match.group(1)}" if match else "correct the Antimony syntax"
    return NecroSbmlError(f"Antimony error: {text}", file=where, fix=fix)


def _to_l3v2(sbml: str, path: Path) -> libsbml.SBMLDocument:
    """Parse SBML text, making sure it is Level 3 Version 2."""
    doc = libsbml.readSBMLFromString(sbml)
    if doc.getModel() is None:
        raise NecroSbmlError("no model in compiled SBML", file=path, fix="correct the Antimony model")
    if (doc.getLevel(), doc.getVersion()) != (3, 2) and not doc.setLevelAndVersion(3, 2):
        raise NecroSbmlError("cannot convert to SBML L3V2", file=path, fix="remove constructs L3V2 lacks")
    return doc


def serialise(doc: libsbml.SBMLDocument) -> bytes:
    """Write a document with libsbml, dropping tool-version/timestamp comment lines."""
    text = libsbml.writeSBMLToString(doc)
    return VOLATILE_LINE.sub("", text).replace("\n\n", "\n").encode("utf-8")


def initial_state_path(ant_path: Path) -> Path:
    """The optional table of generated initial amounts beside an Antimony file (<name>.initial.tsv)."""
    return Path(ant_path).with_suffix(".initial.tsv")


def _amount(table: str, number: int, line: str) -> tuple[str, float]:
    """One `id<TAB>amount` row of an initial-state table, the amount a finite non-negative number."""
    id_, _, value = line.partition("\t")
    try:
        amount = float(value)
    except ValueError:
        amount = math.nan
    if not id_.strip() or not math.isfinite(amount) or amount < 0:
        raise NecroSbmlError(f"bad row {number}: an id and a finite amount >= 0 expected", file=table, id=id_.strip()[:40],
                             fix="regenerate the table with scripts/tissue_steady_state.py")
    return id_.strip(), amount


def read_initial_state(text: str, table: str = "initial-state table") -> dict[str, float]:
    """The id -> amount rows of an initial-state table (comments and the header skipped)."""
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1)
             if line.strip() and not line.startswith(("#", "id\t"))]
    return dict(_amount(table, n, line) for n, line in lines)


def apply_initial_state(model: libsbml.Model, table: Path) -> None:
    """Set species initial amounts from a two-column TSV (id, amount), replacing their initial assignments."""
    for id_, amount in read_initial_state(read_text(table, "initial-state table"), str(table)).items():
        species = model.getSpecies(id_)
        if species is None:
            raise NecroSbmlError("not a species of the compiled model", file=table, id=id_,
                                 fix="regenerate the table with scripts/tissue_steady_state.py")
        species.setInitialAmount(amount)
        model.removeInitialAssignment(id_)


def build_document(
    ant_path: Path, annotations: Path = ANNOTATIONS, metadata: Path = METADATA
) -> libsbml.SBMLDocument:
    """Compile and annotate one Antimony file (no validation), with its generated initial state if any."""
    doc = _to_l3v2(compile_antimony(ant_path), ant_path)
    if initial_state_path(ant_path).is_file():
        apply_initial_state(doc.getModel(), initial_state_path(ant_path))
    annotate(doc, read_table(annotations), annotations)
    apply_metadata(doc.getModel(), load_metadata(doc.getModel().getId(), metadata), metadata)
    return doc


def finish(doc: libsbml.SBMLDocument, ant_path: Path) -> bytes:
    """Serialise an annotated document and validate the result; raises when validation fails."""
    data = serialise(doc)
    report = validate_sbml(data, name=f"{ant_path} (compiled)")
    if not report.ok:
        raise NecroSbmlError(
            f"compiled SBML fails validation:\n{report.format()}", file=ant_path,
            fix="correct the model (units, ids) so libsbml reports no errors and no unit warnings",
        )
    return data


def build_sbml(ant_path: Path, annotations: Path = ANNOTATIONS, metadata: Path = METADATA) -> bytes:
    """Compile, annotate, validate and serialise one Antimony file."""
    return finish(build_document(ant_path, annotations, metadata), ant_path)


def _build_repo_model(name: str, models_dir: Path) -> bytes:
    """build_sbml for model `name` of a models directory (its table and metadata)."""
    return build_sbml(antimony_path(name, models_dir), models_dir / ANNOTATIONS.name, models_dir / METADATA.name)


def write_if_changed(out: Path, data: bytes) -> Path:
    """Write data to out atomically unless out already holds exactly these bytes."""
    if not out.exists() or out.read_bytes() != data:
        write_bytes_atomic(out, data)
    return out


def build_model(name: str, models_dir: Path = MODELS_DIR, sbml_dir: Path = SBML_DIR) -> Path:
    """Build model `name` and write models/sbml/<name>.xml atomically (untouched when unchanged)."""
    return write_if_changed(sbml_path(name, sbml_dir), _build_repo_model(name, models_dir))


def _check_names(names: list[str], known: list[str], models_dir: Path) -> None:
    """Raise for no models at all or for a name that is not a model."""
    if not known:
        raise NecroSbmlError("no models found", file=models_dir, fix="add models/<name>.ant defining `model <name>()`")
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise NecroSbmlError("unknown model", file=models_dir, id=unknown[0], fix=f"use one of: {', '.join(known)}")


def build_all(names: list[str] | None = None, models_dir: Path = MODELS_DIR, sbml_dir: Path = SBML_DIR) -> list[Path]:
    """Build the named models (default: all), checking '*' annotation rows against every model first."""
    known = model_names(models_dir)
    names = names or known
    _check_names(names, known, models_dir)
    table, metadata = models_dir / ANNOTATIONS.name, models_dir / METADATA.name
    docs = {n: build_document(antimony_path(n, models_dir), table, metadata) for n in known}
    check_star_rows_used(read_table(table), {n: model_element_ids(d.getModel()) for n, d in docs.items()}, table)
    return [write_if_changed(sbml_path(n, sbml_dir), finish(docs[n], antimony_path(n, models_dir))) for n in names]


def check_up_to_date(name: str, models_dir: Path = MODELS_DIR, sbml_dir: Path = SBML_DIR) -> bool:
    """True when the committed SBML equals a fresh build byte for byte."""
    out = sbml_path(name, sbml_dir)
    return out.exists() and out.read_bytes() == _build_repo_model(name, models_dir)


def stale_message(name: str, sbml_dir: Path = SBML_DIR) -> str:
    """The message for an out-of-date compiled model."""
    return str(NecroSbmlError("stale: differs from a fresh build of the Antimony source",
                              file=sbml_path(name, sbml_dir), fix="run `necro-sbml build`"))
