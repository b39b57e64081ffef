"""A portable copy of a compiled model for simulators that cannot read the full file (PySCeS, sbmltoodepy).

The published model stays models/sbml/<model>.xml. The portable copy has the same mathematics at the
default inputs: initial assignments are replaced by the values the build wrote beside them, unit
annotations on numbers inside the mathematics are removed, and compartments that enter no rate and hold
only amount species get size 1 (their size changes nothing but trips simulators that mix amounts and
concentrations).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import libsbml

from necro_sbml.building.initial_values import write_initial_values
from necro_sbml.core.atomic import write_bytes_atomic
from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.simulation.simulate import resolve_sbml


def _math_holders(model: libsbml.Model) -> list[libsbml.SBase]:
    """Every element of the model that carries MathML."""
    laws = [r.getKineticLaw() for r in model.getListOfReactions() if r.isSetKineticLaw()]
    return [*laws, *model.getListOfRules(), *model.getListOfInitialAssignments(), *model.getListOfEvents(),
            *model.getListOfConstraints(), *model.getListOfFunctionDefinitions()]


def _names_in(ast: libsbml.ASTNode) -> set[str]:
    """The names a math expression uses."""
    names, nodes = set(), [ast]
    while nodes:
        node = nodes.pop()
        nodes.extend(node.getChild(i) for i in range(node.getNumChildren()))
        if node.isName():
            names.add(node.getName())
    return names


def _without_units(ast: libsbml.ASTNode) -> libsbml.ASTNode:
    """A copy of the expression with no unit annotation on any number."""
    copy, nodes = ast.deepCopy(), []
    nodes.append(copy)
    while nodes:
        node = nodes.pop()
        nodes.extend(node.getChild(i) for i in range(node.getNumChildren()))
        if node.isNumber() and node.hasUnits():
            node.unsetUnits()
    return copy


def portable_document(doc: libsbml.SBMLDocument, inputs: Mapping[str, object] | None = None) -> libsbml.SBMLDocument:
    """The portable copy of a compiled model document at the given inputs (the argument is left unchanged)."""
    copy = doc.clone()
    model = copy.getModel()
    for id_, value in (inputs or {}).items():
        if model.getParameter(id_) is None:
            raise NecroSbmlError("not a parameter of the model", id=id_, fix="set a public input id")
        try:
            model.getParameter(id_).setValue(float(value))
        except ValueError as err:
            raise NecroSbmlError(f"value '{value}' is not a number", id=id_, fix="write --set ID=NUMBER") from err
    write_initial_values(copy)  # the initial-assignment values at these inputs
    for assignment in list(model.getListOfInitialAssignments()):
        target = model.getElementBySId(assignment.getSymbol())
        if target is None or not _has_value(target):
            raise NecroSbmlError("initial assignment without a value beside it", id=assignment.getSymbol(),
                                 fix="rebuild the model with `necro-sbml build` (it writes the value)")
        model.removeInitialAssignment(assignment.getSymbol())
    used: set[str] = set()
    for holder in _math_holders(model):
        if holder.isSetMath():
            holder.setMath(_without_units(holder.getMath()))
            used |= _names_in(holder.getMath())
    for compartment in model.getListOfCompartments():
        species = [s for s in model.getListOfSpecies() if s.getCompartment() == compartment.getId()]
        if compartment.getId() not in used and all(s.getHasOnlySubstanceUnits() for s in species):
            compartment.setSize(1.0)
    return copy


def _has_value(element: libsbml.SBase) -> bool:
    """True when a species, parameter or compartment carries its value attribute."""
    code = element.getTypeCode()
    if code == libsbml.SBML_SPECIES:
        return element.isSetInitialAmount() or element.isSetInitialConcentration()
    return element.isSetValue() if code == libsbml.SBML_PARAMETER else element.isSetSize()


def export_portable(model: str, output: Path, inputs: Mapping[str, object] | None = None) -> Path:
    """Write the portable copy of a compiled model (an id or an SBML file) at the given inputs, atomically."""
    source = resolve_sbml(model)
    doc = libsbml.readSBMLFromFile(str(source))
    if doc.getModel() is None:
        raise NecroSbmlError("not an SBML model", file=source, fix="give a model id or a compiled SBML file")
    text = libsbml.writeSBMLToString(portable_document(doc, inputs))
    return write_bytes_atomic(Path(output), text.encode("utf-8"))
