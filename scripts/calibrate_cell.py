"""Fit the necrosome kinetics of the cell model to the L929 pMLKL and death-time data (Ildefonso 2023)."""

from __future__ import annotations

import argparse
import sys

import numpy as np
from scipy.optimize import least_squares

from necro_sbml.simulation import MEDIAN_DEATH_H, PMLKL_NORMALISED, PMLKL_TIMES_H, TSZ, load, median_death_time, timecourse

FITTED = ["k_release", "k_R1R3", "k_amyloid", "k_MLKL_phos", "k_TNF_bind"]


def residuals(logp: np.ndarray) -> np.ndarray:
    """Weighted residuals of pMLKL shape and median death time."""
    params = dict(zip(FITTED, np.exp(logp)))
    runs = {d: timecourse("necroptosis", {**TSZ, "TNF_ngml": d, **params}, until=30.0, points=301) for d in (100.0, 10.0)}
    ref = float(np.interp(16.0, runs[100.0].index, runs[100.0]["pMLKL_frac"]))
    res = []
    for dose, data in ((100.0, PMLKL_NORMALISED[100.0]), (10.0, PMLKL_NORMALISED[10.0])):
        df = runs[dose]
        model = np.interp(PMLKL_TIMES_H, df.index, df["pMLKL_frac"]) / max(ref, 1e-9)
        res.extend(model - np.asarray(data))
        lo, hi = MEDIAN_DEATH_H[dose]
        t50 = min(median_death_time(df), 40.0)  # never dying counts as 40 h
        res.append((t50 - 0.5 * (lo + hi)) / 2.0)
    return np.asarray(res)


def main(argv: list[str] | None = None) -> int:
    """Run the fit from the model's current values and print the fitted parameters."""
    argparse.ArgumentParser(description=__doc__).parse_args(argv)
    start = load("necroptosis")
    p0 = np.log([start[p] for p in FITTED])
    fit = least_squares(residuals, p0, bounds=(p0 - 3.0, p0 + 3.0), x_scale=1.0, max_nfev=300)
    for name, value in zip(FITTED, np.exp(fit.x)):
        print(f"{name} = {value:.4g}")
    print(f"cost {fit.cost:.4f}; residuals {np.round(fit.fun, 3).tolist()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
