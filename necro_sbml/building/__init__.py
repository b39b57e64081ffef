"""Model building: Antimony sources (models/*.ant) -> annotated, validated SBML (models/sbml/*.xml).

Takes the Antimony files, the annotation table and models/metadata.toml; gives flattened SBML L3V2 core with
names, SBO terms, MIRIAM annotations and history, checked by libsbml including units."""

from necro_sbml.core.exports import lazy_exports

_EXPORTS = {
    "build_sbml": ".build",
    "build_model": ".build",
    "build_all": ".build",
    "check_up_to_date": ".build",
    "stale_message": ".build",
    "initial_state_path": ".build",
    "read_initial_state": ".build",
    "load_metadata": ".metadata",
    "validate_sbml": ".validate",
    "ValidationReport": ".validate",
}
__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)
