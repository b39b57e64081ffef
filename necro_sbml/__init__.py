"""necro-sbml: standards-based (SBML, SED-ML, COMBINE) models of necroptosis in bone cells and osteoporosis.

The package follows the pipeline, one subpackage per stage:
core -> building (Antimony -> SBML) -> simulation -> sedml (experiments, scorecard) -> exchange (archive,
COPASI) -> ensembles -> analyses, with the command line (`necro_sbml.cli`) on top. The names below are the
ones a user calls first; each loads its stage on first use.
"""

from necro_sbml.core.exports import lazy_exports

__version__ = "0.2.0"

_EXPORTS = {
    "NecroSbmlError": ".core.errors",
    "load": ".simulation.simulate",
    "timecourse": ".simulation.simulate",
    "steady_state": ".simulation.steady",
    "dose_response": ".simulation.simulate",
    "execute": ".sedml.execute",
    "run_ensemble": ".ensembles.ensemble",
}
__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)
