"""`python -m necro_sbml ...`: the same command line as `necro-sbml ...`."""

import sys

from necro_sbml.cli import main

sys.exit(main())
