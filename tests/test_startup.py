"""Start-up: `necro-sbml --help` and `--version` import none of the heavy libraries."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("pandas", "matplotlib", "roadrunner", "libsbml", "libsedml", "antimony", "numpy")


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version_load_no_heavy_library(flag: str) -> None:
    """Run the entry point in a fresh interpreter and list the heavy modules it imported."""
    code = ("import json, sys\nfrom necro_sbml.cli import main\ntry:\n    main([%r])\nexcept SystemExit:\n    pass\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in %r)))" % (flag, HEAVY))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out.strip().splitlines()[-1]) == []
    assert ("necro-sbml" in out) if flag == "--version" else ("simulate" in out)


def test_matplotlib_loads_only_when_a_plot_is_drawn() -> None:
    """Importing the executor and the ensemble runner does not import matplotlib."""
    code = ("import sys\nimport necro_sbml.sedml.execute, necro_sbml.ensembles.ensemble, necro_sbml.core.plots\n"
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
