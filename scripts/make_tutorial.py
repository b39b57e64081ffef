"""Write and execute docs/tutorial.ipynb (the Python tutorial), storing its outputs.

Run: python scripts/make_tutorial.py  (about a minute; tests/test_tutorial.py executes it again in CI)."""

from __future__ import annotations

import nbformat
from nbclient import NotebookClient

from necro_sbml.core import ROOT, write_text_atomic

NOTEBOOK = ROOT / "docs" / "tutorial.ipynb"

CELLS = [
    ("md", "# necro-sbml tutorial\n\nSimulate the necroptosis cell model and the osteoporosis tissue model from Python: "
           "time courses with units, a knockout, a dose response, a steady state, and the ovariectomised rat. "
           "Every input and output is an SBML id of the public interface (`necro-sbml list inputs`)."),
    ("code", "import necro_sbml\nfrom necro_sbml.core.plots import render_timecourse\nfrom IPython.display import Image\n"
             "print(necro_sbml.__version__)"),
    ("md", "## A time course under TSZ (TNF + Smac mimetic + zVAD)\n\nThe result is a pandas DataFrame indexed by time; "
           "`df.attrs` carries the unit of every column."),
    ("code", "tsz = {\"TNF_ngml\": 100, \"Smac_uM\": 1, \"zVAD_uM\": 20}\n"
             "df = necro_sbml.timecourse(\"necroptosis\", tsz, until=24)\n"
             "print(df.attrs[\"time_unit\"], df.attrs[\"units\"][\"viable_frac\"])\n"
             "df[[\"viable_frac\", \"necroptotic_frac\", \"pMLKL_frac\"]].iloc[::40]"),
    ("code", "Image(render_timecourse(df, [\"viable_frac\", \"necroptotic_frac\", \"pMLKL_frac\"], \"necroptosis: TSZ\"))"),
    ("md", "## A knockout\n\nA knockout is one input: `RIPK3_expr = 0`. Without RIPK3 the cells survive TSZ."),
    ("code", "ko = necro_sbml.timecourse(\"necroptosis\", {**tsz, \"RIPK3_expr\": 0}, until=24)\n"
             "print(f\"viable at 24 h: wild type {df['viable_frac'].iloc[-1]:.3f}, RIPK3 knockout {ko['viable_frac'].iloc[-1]:.3f}\")"),
    ("md", "## A dose response\n\nNecrostatin-1 against TSZ: final values at 24 h for each dose."),
    ("code", "scan = necro_sbml.dose_response(\"necroptosis\", tsz, \"Nec1_uM\", [0.01, 0.1, 0.3, 1, 10], until=24,\n"
             "                                 output=[\"viable_frac\"])\nscan"),
    ("md", "## A steady state\n\nCumulative death counters have no steady state of their own: they are frozen and listed in "
           "`attrs[\"excluded\"]`."),
    ("code", "state = necro_sbml.steady_state(\"necroptosis\", tsz)\n"
             "print(state.attrs[\"excluded\"])\nstate[[\"pMLKL_frac\", \"MLKL_membrane_frac\", \"casp8_active_frac\"]]"),
    ("md", "## The tissue: ovariectomy in the rat\n\nEstrogen relaxing to 10% of intact from day 0; trabecular bone volume in percent."),
    ("code", "ovx = necro_sbml.timecourse(\"osteoporosis\", {\"estrogen_target\": 0.1}, until=98, points=15,\n"
             "                           selections=[\"BV_TV\", \"osteocytes\", \"empty_lacunae_frac\"])\n"
             "print(ovx.attrs[\"units\"])\novx.iloc[[0, 7, 14]]"),
    ("md", "## From tellurium or libroadrunner\n\nInputs enter through initial assignments: set the *initial* value "
           "and reset (`r.TNF_ngml = 100` alone changes nothing)."),
    ("code", "from necro_sbml.core import sbml_path\nimport roadrunner\n"
             "r = roadrunner.RoadRunner(str(sbml_path(\"necroptosis\")))\n"
             "for id_, value in tsz.items():\n    r.setValue(f\"init({id_})\", value)\nr.resetAll()\n"
             "print(r.simulate(0, 24, 25, [\"time\", \"viable_frac\"])[-1])"),
]


def notebook() -> nbformat.NotebookNode:
    """The tutorial notebook, not yet executed."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(t) if kind == "md" else nbformat.v4.new_code_cell(t) for kind, t in CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def execute(nb: nbformat.NotebookNode, timeout: int = 600) -> nbformat.NotebookNode:
    """Run every cell in a fresh Python kernel (raises on the first failing cell)."""
    NotebookClient(nb, timeout=timeout, kernel_name="python3").execute()
    return nb


def main() -> None:
    """Write the executed tutorial."""
    write_text_atomic(NOTEBOOK, nbformat.writes(execute(notebook())))
    print(f"wrote {NOTEBOOK}")


if __name__ == "__main__":
    main()
