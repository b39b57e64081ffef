"""The review's questions over a parameter cohort: which target preserves most bone, and how osteocytes die.

For every member of an ensemble of the tissue model (models/uncertainty.toml): OVX (14 weeks) and GIOP
(12 weeks), each untreated and with RIPK1 (Nec-1), RIPK3 (GSK'872) or MLKL (NSA) inhibition dosed as in
necro_sbml.analyses.predictions (90% occupancy, 9 x the model's Kd), under normoglycaemia and at glucose 20 mM with
the diabetes necroptosis hypothesis on and off. Bone preserved is predictions.preserved against the
member's own healthy bone; the necroptotic share of osteocyte loss integrates the osteocyte necroptosis and
apoptosis rates over the untreated disease run.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd

from necro_sbml.core.atomic import write_bytes_atomic, write_text_atomic
from necro_sbml.ensembles.ensemble import DEFAULT_CHUNK, read_members, run_ensemble, trajectories
from necro_sbml.ensembles.members import Study
from necro_sbml.analyses.predictions import DISEASES, INHIBITORS, MODEL, OCCUPANCY_FOLD, preserved
from necro_sbml.simulation.simulate import load
from necro_sbml.ensembles.uncertainty import UNCERTAINTY, load_uncertainty
from necro_sbml.core.plots import legend_outside, png_bytes

TARGET_DRUGS = {"RIPK1": "Nec1_uM", "RIPK3": "GSK872_uM", "MLKL": "NSA_uM"}  # one representative drug per target
GLYCAEMIA = {  # name -> inputs
    "normoglycaemic": {},
    "diabetic_hypothesis_on": {"glucose_mM": 20.0, "diabetes_necroptosis_hypothesis": 1.0},
    "diabetic_hypothesis_off": {"glucose_mM": 20.0, "diabetes_necroptosis_hypothesis": 0.0},
}
OUTPUTS = ("BV_TV", "osteocyte_necroptosis_rate", "osteocyte_apoptosis_rate")


def doses() -> dict[str, float]:
    """Each target's drug at 90% occupancy (9 x its Kd in the model), as necro_sbml.analyses.predictions doses it."""
    rr = load(MODEL)
    return {target: OCCUPANCY_FOLD * float(rr[INHIBITORS[drug][1]]) for target, drug in TARGET_DRUGS.items()}


def disease_study(disease: str) -> Study:
    """The conditions of one disease: healthy, then per glycaemia untreated and with each target inhibited."""
    inputs, days = DISEASES[disease]
    dose = doses()
    conditions: dict[str, dict[str, float]] = {"healthy": {}}
    for glyc, extra in GLYCAEMIA.items():
        conditions[f"{glyc}__untreated"] = {**inputs, **extra}
        for target, drug in TARGET_DRUGS.items():
            conditions[f"{glyc}__{target}"] = {**inputs, **extra, drug: dose[target]}
    return Study(f"review_{disease}", MODEL, conditions, days, int(days) + 1, OUTPUTS)


def _final(output: Path, condition: str, column: str) -> pd.Series:
    """One output's final value per member under one condition."""
    members, _, values = trajectories(output, condition, column)
    return pd.Series(values[:, -1], index=members)


def _integral(output: Path, condition: str, column: str) -> pd.Series:
    """One output integrated over the run (trapezoid) per member under one condition."""
    members, times, values = trajectories(output, condition, column)
    return pd.Series(np.trapezoid(values, times, axis=1), index=members)


def member_answers(output: Path, disease: str) -> pd.DataFrame:
    """Per member and glycaemia: bone preserved by each target, the best target, and the necroptotic share of osteocyte loss."""
    healthy = _final(output, "healthy", "BV_TV")
    frames = []
    for glyc in GLYCAEMIA:
        sick = _final(output, f"{glyc}__untreated", "BV_TV")
        frame = pd.DataFrame({"disease": disease, "glycaemia": glyc, "BV_TV_healthy": healthy, "BV_TV_disease": sick})
        for target in TARGET_DRUGS:
            frame[f"preserved_{target}"] = preserved(_final(output, f"{glyc}__{target}", "BV_TV"), healthy, sick)
        frame["best_target"] = frame[[f"preserved_{t}" for t in TARGET_DRUGS]].idxmax(axis=1).str.removeprefix("preserved_")
        nec = _integral(output, f"{glyc}__untreated", "osteocyte_necroptosis_rate")
        apo = _integral(output, f"{glyc}__untreated", "osteocyte_apoptosis_rate")
        frame["necroptotic_share_of_osteocyte_loss"] = nec / (nec + apo)
        frames.append(frame.rename_axis("member").reset_index())
    return pd.concat(frames, ignore_index=True)


def summarise(members: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """P(best target) with median [5-95%] bone preserved per target; quantiles of the necroptotic share."""
    rows, share_rows = [], []
    for (disease, glyc), group in members.groupby(["disease", "glycaemia"], sort=False):
        for target in TARGET_DRUGS:
            values = group[f"preserved_{target}"]
            rows.append({"disease": disease, "glycaemia": glyc, "target": target, "members": len(group),
                         "p_best": float((group["best_target"] == target).mean()), "preserved_median": values.median(),
                         "preserved_q05": values.quantile(0.05), "preserved_q95": values.quantile(0.95)})
        share = group["necroptotic_share_of_osteocyte_loss"]
        share_rows.append({"disease": disease, "glycaemia": glyc, "members": len(group), "median": share.median(),
                           "q05": share.quantile(0.05), "q95": share.quantile(0.95),
                           "p_necroptosis_dominates": float((share > 0.5).mean())})
    return pd.DataFrame(rows), pd.DataFrame(share_rows)


def probability_plot(targets: pd.DataFrame) -> bytes:
    """PNG bytes: stacked bars of P(best target) per disease and glycaemia."""
    from matplotlib.figure import Figure  # noqa: PLC0415

    fig = Figure(figsize=(8, 4.5), dpi=100)
    ax = fig.add_subplot()
    table = targets.pivot_table(index=["disease", "glycaemia"], columns="target", values="p_best", sort=False)
    labels = [f"{d}\n{g.replace('_', ' ')}" for d, g in table.index]
    left = np.zeros(len(table))
    for k, target in enumerate(TARGET_DRUGS):
        ax.barh(labels, table[target], left=left, color=f"C{k}", label=f"{target} inhibition best")
        left += table[target].to_numpy()
    ax.invert_yaxis()
    ax.set_xlabel("probability over the cohort of preserving the most bone (fraction of members)")
    ax.set_ylabel("disease / glycaemia (condition)")
    ax.set_xlim(0.0, 1.0)
    ax.set_title("Which target preserves the most bone, over the parameter cohort", fontsize="medium")
    legend_outside(ax)
    ax.tick_params(axis="y", labelsize="x-small")
    return png_bytes(fig)


def share_plot(members: pd.DataFrame) -> bytes:
    """PNG bytes: distribution (box plot) of the necroptotic share of osteocyte loss."""
    from matplotlib.figure import Figure  # noqa: PLC0415

    fig = Figure(figsize=(8, 4.5), dpi=100)
    ax = fig.add_subplot()
    groups = list(members.groupby(["disease", "glycaemia"], sort=False))
    ax.boxplot([g["necroptotic_share_of_osteocyte_loss"].dropna() for _, g in groups], vert=False, whis=(5, 95),
               tick_labels=[f"{d} {gl.replace('_', ' ')}" for (d, gl), _ in groups])
    ax.axvline(0.5, color="grey", linewidth=0.8, linestyle="--")
    ax.invert_yaxis()
    ax.set_xlabel("necroptotic share of osteocyte death (fraction; box: quartiles, whiskers: 5-95%)")
    ax.set_ylabel("disease / glycaemia (condition)")
    ax.set_xlim(0.0, 1.0)
    ax.set_title("Necroptotic share of osteocyte death, over the parameter cohort", fontsize="medium")
    ax.tick_params(axis="y", labelsize="x-small")
    return png_bytes(fig)


def review_questions(output: str | Path, n: int, seed: int = 0, *, workers: int = 1, scheduler: str | None = None,
                     resume: bool = False, table: Path = UNCERTAINTY, chunk_size: int = DEFAULT_CHUNK,
                     stream: TextIO | None = sys.stderr) -> dict[str, pd.DataFrame]:
    """Run both diseases' cohorts (same seed: the same members) and write the answers' CSVs and PNGs into output/."""
    output = Path(output)
    unc = load_uncertainty(MODEL, table)
    answers = []
    for disease in DISEASES:
        run_dir = output / "runs" / disease
        run_ensemble(disease_study(disease), unc, n, seed, run_dir, workers=workers, scheduler=scheduler,
                     resume=resume, chunk_size=chunk_size, stream=stream, summarise=False)
        answers.append(member_answers(run_dir, disease))
    members = pd.concat(answers, ignore_index=True)
    targets, shares = summarise(members)
    failed = sum(int((~read_members(output / "runs" / d)["ok"]).sum()) for d in DISEASES)
    write_text_atomic(output / "members.csv", members.to_csv(index=False))
    write_text_atomic(output / "target_probability.csv", targets.to_csv(index=False))
    write_text_atomic(output / "necroptosis_share.csv", shares.assign(failed_members=failed).to_csv(index=False))
    write_bytes_atomic(output / "target_probability.png", probability_plot(targets))
    write_bytes_atomic(output / "necroptosis_share.png", share_plot(members))
    return {"members": members, "targets": targets, "shares": shares}
