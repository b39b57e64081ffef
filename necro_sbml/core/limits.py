"""Documented limits on input size and work (docs/errors-and-safety.md); environment variables raise the XML ones."""

from __future__ import annotations

DEFAULT_MAX_BYTES = 64 * 1024 * 1024  # one SBML or SED-ML file or archive entry (NECRO_SBML_XML_MAX_BYTES)
DEFAULT_MAX_DEPTH = 1000  # element nesting (NECRO_SBML_XML_MAX_DEPTH)
DEFAULT_MAX_STEPS = 5_000_000  # simulated output points over all tasks and iterations of one SED-ML file (--max-steps)
MAX_ENTRIES = 10_000  # entries of an archive
MAX_TOTAL_BYTES = 1024 * 1024 * 1024  # uncompressed, all entries of an archive
MAX_RATIO = 200  # uncompressed / compressed size of one archive entry above 1 MiB (a zip bomb compresses far better)
MAX_DOSES = 10_000  # doses of one `dose-response --range LO:HI:N`
MAX_MEMBERS = 10_000_000  # members of one ensemble run (--n)
