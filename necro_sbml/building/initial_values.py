"""Values beside initial assignments: each symbol an initial assignment defines also carries its default value.

SBML lets an initial assignment override a species' initialAmount/initialConcentration or a parameter's
value; writing the evaluated default there gives SED-ML changes an attribute to target (a derived
species value is set through `@initialAmount`, which the SBML now has) and gives simulators that
cannot read initial assignments the model's default state. The assignments stay the definition.
"""

from __future__ import annotations

import libsbml

from necro_sbml.core.errors import NecroSbmlError


def expanded_values(doc: libsbml.SBMLDocument) -> libsbml.SBMLDocument:
    """A copy of the document with every initial assignment evaluated into its target's value by libsbml."""
    copy = doc.clone()
    props = libsbml.ConversionProperties()
    props.addOption("expandInitialAssignments", True)
    if copy.convert(props) != libsbml.LIBSBML_OPERATION_SUCCESS or copy.getModel().getNumInitialAssignments():
        raise NecroSbmlError("libsbml could not evaluate the initial assignments", id=doc.getModel().getId(),
                             fix="make every initial assignment depend only on constants and other assignments")
    return copy


def _value(element: libsbml.SBase) -> float | None:
    """The value attribute of a species (amount or concentration), parameter or compartment, if set."""
    if element.getTypeCode() == libsbml.SBML_SPECIES:
        if element.isSetInitialAmount():
            return element.getInitialAmount()
        return element.getInitialConcentration() if element.isSetInitialConcentration() else None
    if element.getTypeCode() == libsbml.SBML_PARAMETER:
        return element.getValue() if element.isSetValue() else None
    if element.getTypeCode() == libsbml.SBML_COMPARTMENT:
        return element.getSize() if element.isSetSize() else None
    return None


def _set_value(element: libsbml.SBase, value: float) -> None:
    """Write value into the element's value attribute (amount for amount-only species)."""
    if element.getTypeCode() == libsbml.SBML_SPECIES:
        if element.getHasOnlySubstanceUnits() or element.isSetInitialAmount():
            element.setInitialAmount(value)
        else:
            element.setInitialConcentration(value)
    elif element.getTypeCode() == libsbml.SBML_PARAMETER:
        element.setValue(value)
    elif element.getTypeCode() == libsbml.SBML_COMPARTMENT:
        element.setSize(value)


def write_initial_values(doc: libsbml.SBMLDocument) -> list[str]:
    """Set the default value of every initial-assignment target in place; returns the ids written."""
    model = doc.getModel()
    if not model.getNumInitialAssignments():
        return []
    expanded = expanded_values(doc)
    written = []
    for assignment in model.getListOfInitialAssignments():
        target = model.getElementBySId(assignment.getSymbol())
        value = _value(expanded.getModel().getElementBySId(assignment.getSymbol()))
        if target is not None and value is not None:
            _set_value(target, value)
            written.append(assignment.getSymbol())
    return written
