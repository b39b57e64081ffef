"""Global sensitivity (SALib): Morris screening and Sobol indices of key outcomes over the uncertainty table.

Factors are sampled in the unit hypercube and mapped through each factor's distribution
(necro_sbml.ensembles.uncertainty), so the indices refer to the documented spreads. Samples run on the ensemble
engines (necro_sbml.ensembles.ensemble), chunked and written as Parquet like any ensemble.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd

from necro_sbml.core.atomic import write_bytes_atomic, write_text_atomic
from necro_sbml.core.plots import legend_outside, png_bytes, unit_text
from necro_sbml.simulation.conditions import TSZ
from necro_sbml.ensembles.ensemble import DEFAULT_CHUNK, execute_chunks, final_values, plan_chunks, read_members, run_manifest
from necro_sbml.ensembles.rundir import run_directory
from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.ensembles.members import Study
from necro_sbml.ensembles.uncertainty import UNCERTAINTY, Uncertainty, load_uncertainty

METHODS = ("morris", "sobol")
OVX = {"estrogen_target": 0.1}


@dataclass(frozen=True)
class Outcome:
    """A scalar outcome: a short study (final values only) and how to reduce its final values to one number."""

    name: str
    description: str
    study: Study
    reduce: Callable[[pd.DataFrame], pd.Series]  # finals pivoted (member x (output, condition)) -> per member
    unit: str = "dimensionless"


def _bv_loss(f: pd.DataFrame) -> pd.Series:
    """BV/TV loss after OVX relative to sham, in percent."""
    return 100.0 * (1.0 - f[("BV_TV", "OVX")] / f[("BV_TV", "sham")])


def _tsz(f: pd.DataFrame) -> pd.Series:
    """Necroptotic fraction under TSZ."""
    return f[("necroptotic_frac", "TSZ")]


def _share(f: pd.DataFrame) -> pd.Series:
    """Osteocyte necroptosis / (necroptosis + apoptosis) rate."""
    nec, apo = f[("osteocyte_necroptosis_rate", "OVX")], f[("osteocyte_apoptosis_rate", "OVX")]
    return nec / (nec + apo)


OUTCOMES: dict[str, Outcome] = {o.name: o for o in (
    Outcome("bv_loss_ovx_14w", "trabecular BV/TV loss (% of sham) 14 weeks after OVX (tissue)",
            Study("bv_loss_ovx_14w", "osteoporosis", {"sham": {}, "OVX": OVX}, 98.0, 2, ("BV_TV",)), _bv_loss, "% of sham BV/TV"),
    Outcome("necroptotic_frac_tsz_24h", "necroptotic fraction under TSZ at 24 h (cell model)",
            Study("necroptotic_frac_tsz_24h", "necroptosis", {"TSZ": dict(TSZ)}, 24.0, 2, ("necroptotic_frac",)), _tsz),
    Outcome("ocy_necroptosis_share_ovx_8w", "osteocyte necroptosis / (necroptosis + apoptosis) at 8 weeks OVX (tissue)",
            Study("ocy_necroptosis_share_ovx_8w", "osteoporosis", {"OVX": OVX}, 56.0, 2,
                  ("osteocyte_necroptosis_rate", "osteocyte_apoptosis_rate")), _share),
)}


def outcome(name: str) -> Outcome:
    """An outcome by name, unknown names as an error."""
    if name not in OUTCOMES:
        raise NecroSbmlError("unknown outcome", id=name, fix=f"use one of: {', '.join(OUTCOMES)}")
    return OUTCOMES[name]


def problem(unc: Uncertainty) -> dict:
    """The SALib problem: one unit-interval factor per uncertain factor (mapped through its distribution)."""
    return {"num_vars": len(unc.factors), "names": unc.names, "bounds": [[0.0, 1.0]] * len(unc.factors)}


def design(method: str, prob: dict, n: int, seed: int) -> np.ndarray:
    """The sample of the unit hypercube: Morris trajectories or Saltelli/Sobol' points."""
    if n <= 0:
        raise NecroSbmlError(f"bad sample size {n}", id="--n", fix="give --n 1 or more")
    if method == "morris":
        from SALib.sample import morris  # noqa: PLC0415

        return morris.sample(prob, n, num_levels=4, seed=seed)
    if method == "sobol":
        from SALib.sample import sobol  # noqa: PLC0415

        return sobol.sample(prob, n, calc_second_order=False, seed=seed)
    raise NecroSbmlError("unknown method", id=method, fix="use morris or sobol")


def evaluate(out: Outcome, unc: Uncertainty, units: np.ndarray, directory: Path, *, workers: int = 1,
             scheduler: str | None = None, chunk_size: int = DEFAULT_CHUNK, stream: TextIO | None = sys.stderr) -> pd.Series:
    """The outcome for every row of the design, run on the ensemble engines (NaN for failed members)."""
    manifest = run_manifest(out.study, unc, len(units), 0, chunk_size, "design")
    with run_directory(directory, manifest, resume=False) as work:
        chunks = plan_chunks(len(units), chunk_size, 0, work / "chunks", out.study, unc, units, manifest["fingerprint"])
        execute_chunks(chunks, workers, scheduler, resume=False, stream=stream, label=f"sensitivity {out.name}")
    members = read_members(directory)
    finals = final_values(directory, out.study).pivot(index="member", columns="condition")
    return out.reduce(finals).reindex(members.index)


def analyse(method: str, prob: dict, units: np.ndarray, y: np.ndarray, seed: int) -> pd.DataFrame:
    """Morris (mu*, sigma) or Sobol (S1, ST) indices per factor; failed samples take the median outcome."""
    y = np.where(np.isfinite(y), y, np.nanmedian(y))
    if method == "morris":
        from SALib.analyze import morris  # noqa: PLC0415

        res = morris.analyze(prob, units, y, num_levels=4, seed=seed)
        return pd.DataFrame({"factor": prob["names"], "mu_star": res["mu_star"], "mu_star_conf": res["mu_star_conf"],
                             "mu": res["mu"], "sigma": res["sigma"]}).sort_values("mu_star", ascending=False)
    from SALib.analyze import sobol  # noqa: PLC0415

    res = sobol.analyze(prob, y, calc_second_order=False, seed=seed)
    return pd.DataFrame({"factor": prob["names"], "S1": res["S1"], "S1_conf": res["S1_conf"], "ST": res["ST"],
                         "ST_conf": res["ST_conf"]}).sort_values("ST", ascending=False)


def bar_plot(table: pd.DataFrame, method: str, title: str, unit: str = "dimensionless") -> bytes:
    """PNG bytes of the indices as horizontal bars (mu* for Morris; S1 and ST for Sobol)."""
    from matplotlib.figure import Figure  # noqa: PLC0415

    fig = Figure(figsize=(7, 0.25 * len(table) + 1.5), dpi=100)
    ax = fig.add_subplot()
    pos = np.arange(len(table))
    if method == "morris":
        ax.barh(pos, table["mu_star"], xerr=table["mu_star_conf"], color="C0")
        ax.set_xlabel(f"Morris mu*, mean |elementary effect| over each factor's quantile range ({unit_text(unit)})")
    else:
        ax.barh(pos - 0.2, table["S1"], height=0.4, xerr=table["S1_conf"], label="S1 (first order)", color="C0")
        ax.barh(pos + 0.2, table["ST"], height=0.4, xerr=table["ST_conf"], label="ST (total)", color="C1")
        legend_outside(ax)
        ax.set_xlabel("Sobol index (share of outcome variance)")
    ax.set_yticks(pos, table["factor"], fontsize="small")
    ax.set_ylabel("factor (uncertainty-table parameter)")
    ax.invert_yaxis()
    ax.set_title(title, fontsize="small", wrap=True)
    return png_bytes(fig)


def sensitivity(method: str, outcome_name: str, n: int, output: str | Path, *, seed: int = 0, workers: int = 1,
                scheduler: str | None = None, table: Path = UNCERTAINTY, chunk_size: int = DEFAULT_CHUNK,
                stream: TextIO | None = sys.stderr) -> pd.DataFrame:
    """Sample, run and analyse; writes output/<outcome>_<method>.csv and .png (samples under output/runs/)."""
    if method not in METHODS:
        raise NecroSbmlError("unknown method", id=method, fix="use morris or sobol")
    out = outcome(outcome_name)
    unc = load_uncertainty(out.study.model, table)
    prob = problem(unc)
    units = design(method, prob, int(n), seed)
    y = evaluate(out, unc, units, Path(output) / "runs" / f"{out.name}_{method}", workers=workers,
                 scheduler=scheduler, chunk_size=chunk_size, stream=stream)
    result = analyse(method, prob, units, y.to_numpy(dtype=float), seed)
    result.insert(0, "outcome", out.name)
    result["failed_samples"] = int((~np.isfinite(y)).sum())
    stem = Path(output) / f"{out.name}_{method}"
    write_text_atomic(stem.with_suffix(".csv"), result.to_csv(index=False))
    title = f"{method.title()}: {out.description} ({len(units)} runs; outcome median {np.nanmedian(y):.3g})"
    write_bytes_atomic(stem.with_suffix(".png"), bar_plot(result, method, title, out.unit))
    return result
