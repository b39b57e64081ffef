"""Simulation: compiled SBML -> time courses, steady states and dose responses (libroadrunner).

Takes a model id or SBML file and inputs by SBML id; gives pandas DataFrames. Also holds the named cell
conditions, documented parameter sets, readouts (death times, IC50s) and the published reference data."""

from necro_sbml.core.exports import lazy_exports

_EXPORTS = {
    "load": ".simulate",
    "timecourse": ".simulate",
    "steady_state": ".steady",
    "dose_response": ".simulate",
    "condition": ".conditions",
    "CANONICAL": ".conditions",
    "TSZ": ".conditions",
    "parameter_set": ".parameter_sets",
    "parameter_set_names": ".parameter_sets",
    "median_death_time": ".readouts",
    "half_maximal_dose": ".readouts",
    "PMLKL_TIMES_H": ".reference_data",
    "PMLKL_NORMALISED": ".reference_data",
    "MEDIAN_DEATH_H": ".reference_data",
    "IC50_RANGES_UM": ".reference_data",
    "OVX_BV_TV_RATIO_14_WEEKS": ".reference_data",
    "OVX_DAYS_14_WEEKS": ".reference_data",
    "OVX_OSTEOCLAST_FOLD_35_DAYS": ".reference_data",
    "OVX_FORMATION_FOLD_35_DAYS": ".reference_data",
    "SWAN_SPINE_LOSS_TRANSITION_3Y": ".reference_data",
    "SWAN_SPINE_LOSS_10Y": ".reference_data",
}
__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)
