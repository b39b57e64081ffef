"""The review's open questions as tissue-model runs: which target (RIPK1, RIPK3, MLKL) and which cell type matter.

Every inhibitor is dosed to the same 90% occupancy of its target (9 x its
effective Kd in the model), so the comparison is between targets, not doses.
"Bone preserved" is the share of the disease's BV/TV loss that treatment
prevents: (BV_treated - BV_disease) / (BV_healthy - BV_disease).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import pandas as pd
from matplotlib.figure import Figure

from necro_sbml.core.atomic import atomic_output_dir, write_bytes_atomic
from necro_sbml.core.interface import CELL_TYPES
from necro_sbml.simulation.simulate import load, timecourse
from necro_sbml.core.plots import png_bytes

MODEL = "osteoporosis"
DISEASES = {  # name -> (inputs, days)
    "OVX": ({"estrogen_target": 0.1}, 98.0),   # Wronski 1988 14-week endpoint
    "GIOP": ({"GC_dose": 1.0}, 84.0),          # 12 weeks of the standard regimen
}
INHIBITORS = {  # drug input -> (target, the model's Kd parameter of that drug)
    "Nec1_uM": ("RIPK1", "ocy__Kd_Nec1"),
    "GSK2982772_uM": ("RIPK1", "ocy__Kd_GSK2982772"),
    "RIPA56_uM": ("RIPK1", "ocy__Kd_RIPA56"),
    "GSK872_uM": ("RIPK3", "ocy__Kd_GSK872"),
    "dabrafenib_uM": ("RIPK3", "ocy__Kd_dabrafenib"),
    "NSA_uM": ("MLKL", "ocy__Kd_NSA"),
}
OCCUPANCY_FOLD = 9.0  # dose / Kd = 9 gives 90% occupancy


def final_bv(inputs: dict[str, float], days: float) -> float:
    """BV/TV at the end of a run."""
    return float(timecourse(MODEL, inputs, until=days, points=2, selections=["BV_TV"])["BV_TV"].iloc[-1])


def preserved(bv: float, healthy: float, disease: float) -> float:
    """Share of the disease's bone loss that a treatment prevents (1 = all, negative = worse)."""
    return (bv - disease) / (healthy - disease)


def target_comparison(progress: TextIO = sys.stderr) -> pd.DataFrame:
    """Bone preserved by each inhibitor at 90% occupancy, in each disease."""
    rr = load(MODEL)
    rows = []
    for disease, (inputs, days) in DISEASES.items():
        healthy, sick = final_bv({}, days), final_bv(inputs, days)
        for drug, (target, kd_id) in INHIBITORS.items():
            print(f"[targets] {disease} + {drug}", file=progress, flush=True)
            dose = OCCUPANCY_FOLD * rr[kd_id]
            bv = final_bv({**inputs, drug: dose}, days)
            rows.append({"disease": disease, "drug": drug.removesuffix("_uM"), "target": target, "dose_uM": dose,
                         "BV_TV": bv, "BV_TV_disease": sick, "BV_TV_healthy": healthy, "bone_preserved": preserved(bv, healthy, sick)})
    return pd.DataFrame(rows)


def cell_type_specificity(progress: TextIO = sys.stderr) -> pd.DataFrame:
    """Bone preserved in OVX by deleting RIPK3 or MLKL in one cell type at a time."""
    inputs, days = DISEASES["OVX"]
    healthy, sick = final_bv({}, days), final_bv(inputs, days)
    rows = []
    for gene in ("RIPK3", "MLKL"):
        for cell in CELL_TYPES:
            print(f"[cell types] OVX, {gene} deleted in {cell}s", file=progress, flush=True)
            bv = final_bv({**inputs, f"{gene}_expr_{cell}": 0.0}, days)
            rows.append({"gene": gene, "cell_type": cell, "BV_TV": bv, "bone_preserved": preserved(bv, healthy, sick)})
    return pd.DataFrame(rows)


def bar_chart(df: pd.DataFrame, label_cols: list[str], title: str) -> bytes:
    """PNG bytes of a horizontal bar chart of bone_preserved."""
    fig = Figure(figsize=(7, 0.4 * len(df) + 1.5), dpi=100)
    ax = fig.add_subplot()
    labels = [" / ".join(str(r[c]) for c in label_cols) for _, r in df.iterrows()]
    ax.barh(labels, df["bone_preserved"], color=["C2" if v > 0 else "C3" for v in df["bone_preserved"]])
    ax.axvline(0.0, color="black", linewidth=0.8)
    ax.invert_yaxis()
    ax.set_xlabel("share of the OVX bone loss prevented (fraction of the sham - OVX BV/TV difference)")
    ax.set_ylabel(" / ".join(label_cols).replace("_", " ") + " (intervention)")
    ax.set_title(title, fontsize="medium")
    return png_bytes(fig)


def predictions_report(output: Path, progress: TextIO = sys.stderr) -> Path:
    """Run both analyses and write their CSVs and bar charts into output/ (atomically)."""
    targets, cells = target_comparison(progress), cell_type_specificity(progress)
    with atomic_output_dir(output) as tmp:
        targets.to_csv(tmp / "target_comparison.csv", index=False)
        cells.to_csv(tmp / "cell_type_specificity.csv", index=False)
        write_bytes_atomic(tmp / "target_comparison.png",
                           bar_chart(targets, ["disease", "target", "drug"], "Inhibitors at 90% target occupancy"))
        write_bytes_atomic(tmp / "cell_type_specificity.png",
                           bar_chart(cells, ["gene", "cell_type"], "OVX: necroptosis gene deleted in one cell type"))
    return output
