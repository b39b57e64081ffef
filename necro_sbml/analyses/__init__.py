"""Analyses: questions answered with the models (tissue predictions, cell report, the review's questions).

Takes the simulation and ensemble stages; gives tables and figures of target comparisons, cell-type
knockouts, the canonical cell conditions and cohort answers."""

from necro_sbml.core.exports import lazy_exports

_EXPORTS = {
    "target_comparison": ".predictions",
    "cell_type_specificity": ".predictions",
    "predictions_report": ".predictions",
    "review_questions": ".cohort",
}
__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)
