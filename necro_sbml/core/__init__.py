"""Core: errors, repository paths, atomic output, figure rendering and the public model interface.

Takes nothing from the other stages; every later stage builds on it."""

from necro_sbml.core.exports import lazy_exports

_EXPORTS = {
    "NecroSbmlError": ".errors",
    "compose_message": ".errors",
    "ROOT": ".paths",
    "MODELS_DIR": ".paths",
    "SBML_DIR": ".paths",
    "EXPERIMENTS_DIR": ".paths",
    "model_names": ".paths",
    "antimony_path": ".paths",
    "sbml_path": ".paths",
    "ensure_parent": ".atomic",
    "write_bytes_atomic": ".atomic",
    "write_text_atomic": ".atomic",
    "atomic_output_dir": ".atomic",
    "png_bytes": ".plots",
    "render_timecourse": ".plots",
    "plot_timecourse": ".plots",
    "INTERFACE": ".interface",
    "CELL_TYPES": ".interface",
    "inputs": ".interface",
    "outputs": ".interface",
}
__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)
