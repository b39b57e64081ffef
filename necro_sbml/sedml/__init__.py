"""Experiments: the catalogue (experiments/catalogue.toml) -> SED-ML files -> executed reports -> scorecard.

Takes the catalogue and experiments/expectations.tsv; gives SED-ML L1V4 documents, their executed reports
and plots, and the scorecard of literature expectations."""

from necro_sbml.core.exports import lazy_exports

_EXPORTS = {
    "load_catalogue": ".catalogue",
    "write_all": ".writer",
    "stale": ".writer",
    "write_outputs": ".execute",
    "write_reports": ".execute",
    "plot_specs": ".execute",
    "render_plot": ".execute",
    "write_results": ".suite",
    "InstancePool": ".instances",
    "run_experiments": ".suite",
    "run_to_directory": ".suite",
    "load_expectations": ".expectations",
    "evaluate_all": ".scorecard",
    "summary": ".scorecard",
}
__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)
