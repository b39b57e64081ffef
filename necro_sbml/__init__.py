"""necro-sbml: standards-based (SBML) models of necroptosis and osteoporosis."""

from necro_sbml.errors import NecroSbmlError

__all__ = ["NecroSbmlError"]
