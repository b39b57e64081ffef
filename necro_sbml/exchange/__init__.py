"""Exchange: the models and experiments in other tools' hands (COMBINE archive, COPASI).

Takes compiled SBML and SED-ML; gives the OMEX archive, COPASI runs and .cps files, and the COPASI vs
roadrunner cross-check."""

from necro_sbml.core.exports import lazy_exports

_EXPORTS = {
    "build_archive": ".archive",
    "check_archive": ".archive",
    "export_copasi": ".copasi",
    "crosscheck_run": ".crosscheck",
    "run_crosscheck": ".crosscheck:crosscheck",
    "select_crosscheck": ".crosscheck:select",
    "copasi_timecourse": ".copasi:timecourse",
    "copasi_time_course_of": ".copasi:time_course_of",
    "copasi_import_messages": ".copasi:import_messages",
    "copasi_opened": ".copasi:opened",
    "copasi_fixed_parameters": ".copasi:fixed_parameters",
    "copasi_set_inputs": ".copasi:set_inputs",
    "copasi_run_time_course": ".copasi:run_time_course",
}
__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)
