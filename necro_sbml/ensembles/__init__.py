"""Ensembles: documented parameter uncertainty -> cohorts of members -> summaries and sensitivity.

Takes models/uncertainty.toml and a catalogue experiment; gives per-member Parquet chunks, bands and
final-value summaries, and SALib Morris/Sobol indices."""

from necro_sbml.core.exports import lazy_exports

_EXPORTS = {
    "load_uncertainty": ".uncertainty",
    "member_unit": ".uncertainty",
    "study_from_experiment": ".members",
    "MemberRunner": ".members",
    "quiet_solver_log": ".members",
    "run_ensemble": ".ensemble",
}
__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)
